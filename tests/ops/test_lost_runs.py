"""Losing a machine: the worker and its flow run are killed with SIGKILL mid-run, before the run's
first heartbeat reached the server. The supervisor starts the worker again, and the lost-run
automation installed by the set-up marks the run Crashed once nothing more comes from it
(instead of Prefect showing it Running for ever), while a run suspended for a staff decision
(no process, no heartbeat, on purpose) is left waiting.

A real `prefect server`, the work pool, the automation and a supervised `coop worker`, as
`coop up` starts them (heartbeat every 30 s, Prefect's minimum; Crashed after 45 s of silence).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from e2e_stack import ROOT, Stack, _coop_env, coop_database

from coopflow_cli import ops
from coopflow_cli.fleet import LOST_RUN_AUTOMATION
from documents.sink import MailSink, _free_port
from governance.config import Settings

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
LOST_AFTER = 45  # above the 30 s heartbeat; production: 300 (COOP_LOST_RUN_AFTER_SECONDS)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    """Server, work pool, the probe's deployment, the automation, one supervised worker."""
    home = tmp_path / "stack"
    port = _free_port("127.0.0.1")
    with coop_database(home) as database_url, MailSink(home / "mail") as sink:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("COOP_", "PREFECT_"))}
        env = ops.prefect_env(port=port, prefect_home=home / "prefect", root=ROOT,
                              base={**base, **_coop_env(home, database_url)})
        env["PREFECT_WORKER_QUERY_SECONDS"] = "2"
        env["PREFECT_FLOWS_HEARTBEAT_FREQUENCY"] = "30"
        stack = Stack(home, port, env, sink, Settings(database_url=database_url))
        try:
            stack.pids["server"] = ops.start_server(env, ROOT, stack.logs)
            ops.wait_healthy(stack.api_url, env, 240, pid=stack.pids["server"])
            ops.ensure_work_pool(env, ROOT)
            deploying = {**env, "COOP_HOME": str(home / "the-deploying-machine")}
            for probe in ("lost-run-probe", "waiting-probe"):
                entry = f"tests/ops/lost_run_flow.py:{probe.replace('-', '_')}"
                ops.prefect_cli(["--no-prompt", "deploy", entry, "--name", probe,
                                 "--pool", ops.WORK_POOL], deploying, ROOT)
            ops.install_automations(env, LOST_AFTER)
            stack.pids["worker"] = ops.start_supervised_worker(env, ROOT, stack.logs, "worker-1")
            yield stack
        finally:
            for name in ("worker", "server"):
                if name in stack.pids:
                    ops.stop_group(stack.pids[name], grace=15)


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _wait_for_file(path: Path, stack: Stack, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return int(path.read_text())
        time.sleep(0.5)
    raise stack.fail(f"the probe did not start within {timeout} s")


def test_a_run_whose_machine_dies_is_marked_crashed_and_the_worker_comes_back(
    stack: Stack, tmp_path: Path
) -> None:
    from prefect import get_client
    from prefect.automations import Automation

    with stack.client_settings():
        automation = Automation.read(name=LOST_RUN_AUTOMATION)
        assert automation.trigger.posture == "Proactive"  # type: ignore[union-attr]
    with stack.client_settings(), get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name("lost-run-probe/lost-run-probe")
    # no path recorded: each worker changes into its own $COOP_HOME (deployed from "elsewhere")
    assert deployment.pull_steps == [
        {"coopflow_cli.steps.enter_checkout": {"variable": "COOP_HOME"}}], deployment.pull_steps
    waiting = stack.start("waiting-probe", {})  # a run waiting for staff: left alone
    stack.wait_for(waiting, lambda s: s.is_paused(), "suspended", timeout=120)
    marker = tmp_path / "probe.pid"
    run_id = stack.start("lost-run-probe", {"marker": str(marker)})
    flow_pid = _wait_for_file(marker, stack)
    stack.wait_for(run_id, lambda s: s.is_running(), "running", timeout=60)
    worker = _parent(flow_pid)  # the prefect worker, below its supervisor
    assert _parent(worker) == stack.pids["worker"]
    # killed at once: its first heartbeat may never have left (the Running event arms the watch)
    for group in (os.getpgid(worker), os.getpgid(flow_pid)):  # the machine goes: no one reports
        os.killpg(group, signal.SIGKILL)
    killed_at = time.monotonic()

    state = stack.wait_for(run_id, lambda s: s.is_crashed(), "crashed",
                           timeout=LOST_AFTER + 90)
    took = time.monotonic() - killed_at
    assert "No heartbeat" in (state.message or ""), state.message
    assert took >= LOST_AFTER - 20, f"marked Crashed {took:.0f} s after the kill: too early"
    still = stack.state(waiting)  # suspended longer than LOST_AFTER, yet not taken for lost
    assert still is not None and still.is_paused(), still

    log = (stack.logs / "worker-1.log").read_text(errors="replace")
    assert "exited with -9; restarting" in log and log.count(": started (pid") >= 2, log[-2000:]
    with stack.client_settings(), get_client(sync_client=True) as client:
        workers = client.read_workers_for_work_pool(ops.WORK_POOL)
    assert any(w.status == "ONLINE" for w in workers), [(w.name, w.status) for w in workers]
