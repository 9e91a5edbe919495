"""`coop worker`'s supervisor: a worker that dies is started again, SIGTERM stops it promptly,
and a worker that ignores SIGTERM is killed after the grace period (never 40 s of waiting)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

# The child writes its pid, then sleeps; IGNORE makes it deaf to SIGTERM.
CHILD = """
import os, signal, sys, time
if sys.argv[2] == "IGNORE":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
with open(sys.argv[1], "a") as out:
    out.write(f"{os.getpid()}\\n")
time.sleep(600)
"""
SUPERVISOR = """
import os, sys
from coopflow_cli.fleet import Supervisor
argv = [sys.executable, "-c", sys.argv[1], sys.argv[2], sys.argv[3]]
sys.exit(Supervisor(argv, os.environ, name="probe", grace=float(sys.argv[4])).run())
"""


def _pids(path: Path) -> list[int]:
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _wait(condition, what: str, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"not {what} after {timeout} s")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"


@pytest.mark.parametrize(("mode", "grace", "at_most"), [("OBEY", 10.0, 5.0), ("IGNORE", 2.0, 8.0)])
def test_a_dead_worker_is_restarted_and_sigterm_stops_it_promptly(
    tmp_path: Path, mode: str, grace: float, at_most: float
) -> None:
    started = tmp_path / "pids"
    supervisor = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR, CHILD, str(started), mode, str(grace)],
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        _wait(lambda: len(_pids(started)) == 1, "started")
        first = _pids(started)[0]
        os.kill(first, signal.SIGKILL)  # the worker dies
        _wait(lambda: len(_pids(started)) == 2, "restarted")
        second = _pids(started)[1]
        assert second != first and not _gone(second)

        asked = time.monotonic()
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(timeout=30)
        took = time.monotonic() - asked
        assert supervisor.returncode == 0
        assert took < at_most, f"stopped after {took:.1f} s"
        _wait(lambda: _gone(second), "stopped with its supervisor", timeout=5)
        said = supervisor.stderr.read() if supervisor.stderr else ""
        assert "exited with -9; restarting" in said and "probe: stopped" in said
    finally:
        if supervisor.poll() is None:
            os.killpg(supervisor.pid, signal.SIGKILL)
            supervisor.wait()
        for pid in _pids(started):
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)


def test_the_worker_dies_with_its_supervisor(tmp_path: Path) -> None:
    """SIGKILL on the supervisor (the OOM killer, `kill -9`) leaves no orphan worker behind."""
    started = tmp_path / "pids"
    supervisor = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR, CHILD, str(started), "OBEY", "5"],
        stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        _wait(lambda: len(_pids(started)) == 1, "started")
        supervisor.kill()
        supervisor.wait()
        _wait(lambda: _gone(_pids(started)[0]), "stopped with its supervisor", timeout=10)
    finally:
        for pid in _pids(started):
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)


def test_coop_down_stops_every_supervised_worker_by_its_pid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from coopflow_cli import ops
    from coopflow_cli.main import app

    monkeypatch.setattr(ops, "project_root", lambda: tmp_path)
    run = tmp_path / "var" / "run"
    run.mkdir(parents=True)
    started = tmp_path / "pids"
    for number in (1, 2):  # as `coop up --workers 2` leaves them (the word "worker" in argv)
        argv = [sys.executable, "-c", SUPERVISOR, CHILD, str(started), "OBEY", "5", "worker"]
        pid = ops.spawn(f"worker-{number}", argv, os.environ, tmp_path, tmp_path / "log")
        (run / f"worker-{number}.pid").write_text(f"{pid}\n")
    _wait(lambda: len(_pids(started)) == 2, "both started")
    try:
        result = CliRunner().invoke(app, ["down"])
        assert result.exit_code == 0, result.output
        lines = [line for line in result.output.splitlines() if line]
        assert [line.split()[0] for line in lines] == ["worker-1", "worker-2"]
        assert all(line.endswith("stopped") for line in lines), result.output
        assert not list(run.glob("*.pid"))
        _wait(lambda: all(_gone(p) for p in _pids(started)), "workers stopped", timeout=10)
    finally:
        for pid in _pids(started):
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)
