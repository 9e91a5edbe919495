"""coop inbox / up / down pieces: what staff see, what the server gets, what is stopped."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

from typer.testing import CliRunner

from coopflow_cli import ops
from coopflow_cli.main import app
from governance.config import reset_settings
from governance.db.uow import UnitOfWork

runner = CliRunner()


def _ask(key: str, process: str, due_in: timedelta, run_id: str | None) -> None:
    with UnitOfWork() as uow:
        uow.decisions.open(
            key=key,
            process=process,
            subject_type="contract",
            subject_id=42,
            question="## Approve contract 42?\n\n| check |",
            due_in=due_in,
            flow_run_id=run_id,
        )
        uow.commit()


def test_inbox_lists_what_waits_with_its_sla_and_ui_link(coop_env, monkeypatch) -> None:
    monkeypatch.setenv("COOP_PREFECT_UI_URL", "http://127.0.0.1:4999/")
    reset_settings()
    _ask("contract-approval:42", "contract-approval", timedelta(days=2), "0b1c-run")
    _ask("grant-jury:7", "grant-jury", timedelta(seconds=-60), None)  # already overdue
    _ask("done:1", "contract-approval", timedelta(days=1), None)
    with UnitOfWork() as uow:
        uow.decisions.decide(key="done:1", decision={"ok": 1}, staff="anna")
        uow.commit()
    result = runner.invoke(app, ["inbox", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["key"] for r in rows] == ["contract-approval:42", "grant-jury:7"]
    first = rows[0]
    assert first["subject"] == "contract 42" and first["asked"] == "Approve contract 42?"
    assert first["link"] == "http://127.0.0.1:4999/runs/flow-run/0b1c-run"
    assert first["due_by"].endswith(("+01:00", "+02:00"))  # Europe/Brussels
    assert (first["overdue"], rows[1]["overdue"]) == (False, True)
    table = runner.invoke(app, ["inbox"], env={"COLUMNS": "200"})
    assert "2 decision(s) waiting" in table.output and "OVERDUE" in table.output


def test_inbox_says_when_nothing_waits(coop_env) -> None:
    result = runner.invoke(app, ["inbox"])
    assert result.exit_code == 0 and "nothing waits" in result.output


def test_the_server_environment_points_the_ui_at_its_own_port(tmp_path: Path) -> None:
    env = ops.prefect_env(
        port=4321,
        prefect_home=tmp_path,
        root=tmp_path,
        base={
            "COOP_PREFECT_DATABASE_URL": "postgresql+asyncpg://db/prefect",
            "PREFECT_SERVER_API_AUTH_STRING": "staff:pw",
        },
    )
    assert env["PREFECT_SERVER_UI_API_URL"] == "http://127.0.0.1:4321/api"
    assert env["PREFECT_API_URL"] == env["PREFECT_SERVER_UI_API_URL"]
    assert (env["DO_NOT_TRACK"], env["PREFECT_SERVER_ANALYTICS_ENABLED"]) == ("1", "false")
    assert env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] == "postgresql+asyncpg://db/prefect"
    assert env["PREFECT_API_AUTH_STRING"] == "staff:pw"  # the worker and CLI log in too
    assert env["COOP_HOME"] == str(tmp_path)
    assert "postgresql" in ops.describe_profile(env)
    local = ops.prefect_env(port=4200, prefect_home=tmp_path, root=tmp_path, base={})
    assert "SQLite" in ops.describe_profile(local) and "in-memory" in ops.describe_profile(local)


def _gone(pid: int) -> bool:
    """Exited (a zombie waiting for its reaper counts as gone)."""
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError):
        return True


def test_stop_group_stops_a_process_and_its_children(tmp_path: Path) -> None:
    script = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'])\n"
        "print('child', child.pid, flush=True)\n"
        "time.sleep(300)\n"
    )
    pid = ops.spawn("sleeper", [sys.executable, "-c", script], os.environ, tmp_path, tmp_path)
    log = tmp_path / "sleeper.log"
    for _ in range(300):
        if "child" in log.read_text():
            break
        time.sleep(0.1)
    child = int(log.read_text().split()[1])
    assert ops.stop_group(pid, grace=5)
    assert not ops.alive(pid)
    for _ in range(50):
        if _gone(child):
            break
        time.sleep(0.1)
    assert _gone(child), "the child of the stopped process is stopped too"
    ops.stop_group(pid, grace=1)  # stopping twice is harmless


def test_down_removes_stale_pid_files_without_touching_other_processes(tmp_path, monkeypatch):
    monkeypatch.setattr(ops, "project_root", lambda: tmp_path)
    run = tmp_path / "var" / "run"
    run.mkdir(parents=True)
    (run / "server.pid").write_text(f"{os.getpid()}\n")  # a recycled PID: this test process
    result = runner.invoke(app, ["down"])
    assert result.exit_code == 0
    assert "server (pid" in result.output and "was not running" in result.output
    assert not (run / "server.pid").exists()
    assert "nothing to stop" in runner.invoke(app, ["down"]).output


def test_headline_is_the_first_line_without_markup() -> None:
    assert ops.headline("\n### Approve **contract** 7?\nmore") == "Approve contract 7?"
