"""The processes of a production machine, one command per role, and what keeps them honest.

- `coop server`: the Prefect server (API + UI) in the foreground, for systemd or a container.
- `coop deploy`: the work pool, every deployment of prefect.yaml and the two automations below.
- `coop worker`: a process worker, supervised: restarted when it dies, stopped promptly on
  SIGTERM (its flow runs are given `--grace` seconds, then killed with the worker's process
  group: the lost-run automation then marks them Crashed; a part is started again by its
  parent, a mass job by the restart automation, anything else by staff).
- `coop ballot-web` and `coop mail-sink` (in main.py) are the ballot page and the local sink.

Lost runs: a flow run sends a heartbeat every PREFECT_FLOWS_HEARTBEAT_FREQUENCY seconds while
its process lives. The automation installed by `coop deploy` / `coop up` marks a run Crashed
when, after it was taken by a worker (Pending), started (Running) or last beat, nothing more
came for COOP_LOST_RUN_AFTER_SECONDS: no heartbeat and no other state (a run suspended for a
staff decision has left its process on purpose and is left alone). Arming on the state events,
which the server emits itself, catches a machine lost before its first heartbeat was out.
A Crashed run frees its deployment's concurrency slot.

Lost mass jobs: a second automation starts a Crashed run of a mass job (a deployment tagged
MASS_JOB_TAG in prefect.yaml: the convening, the transition campaign, the contract batch) again,
with the same parameters and `restarts` one higher. The job is idempotent (the use cases skip what
is done), so the new run finishes it. The flows cap `restarts` at flows.restarts.MAX_RESTARTS and
the server validates a new run's parameters against the deployment's schema: past the cap no run
is made, the last Crashed run stays for staff and the automation's failed action is in the event
feed. Only Crashed: a Failed run (a rule, a refused double start) or a Cancelled one is a decision.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from prefect.automations import Automation

LOST_RUN_AUTOMATION = "coopflow: lost runs marked Crashed"
LOST_RUN_ARMED_BY = (
    "prefect.flow-run.Pending",
    "prefect.flow-run.Running",
    "prefect.flow-run.heartbeat",
)
RESTART_AUTOMATION = "coopflow: crashed mass jobs started again"
MASS_JOB_TAG = "mass-job"  # prefect.yaml: the deployments whose Crashed runs are started again
# the crashed run's parameters with `restarts` one higher (Prefect's json + jinja parameter kinds,
# rendered by the server with the triggering flow run as `flow_run`)
RESTART_PARAMETERS = {
    "__prefect_kind": "json",
    "value": {
        "__prefect_kind": "jinja",
        "template": "{{ dict(flow_run.parameters, "
        "restarts=(flow_run.parameters.restarts or 0) + 1) | tojson }}",
    },
}
HEARTBEAT_SECONDS = "60"  # PREFECT_FLOWS_HEARTBEAT_FREQUENCY unless set (Prefect's minimum: 30)
_PR_SET_PDEATHSIG = 1


def heartbeat_env(env: Mapping[str, str]) -> dict[str, str]:
    """The environment of a worker: its flow runs send heartbeats (the lost-run detection)."""
    out = dict(env)
    if not out.get("PREFECT_FLOWS_HEARTBEAT_FREQUENCY"):
        out["PREFECT_FLOWS_HEARTBEAT_FREQUENCY"] = out.get(
            "PREFECT_RUNNER_HEARTBEAT_FREQUENCY", HEARTBEAT_SECONDS
        )
    return out


def install_lost_run_automation(within_seconds: int) -> str:
    """Create (or replace) the automation marking a run Crashed when its heartbeats stop
    (Prefect's documented zombie-flow automation); returns its id. Uses PREFECT_API_URL."""
    return asyncio.run(_install(within_seconds))


async def _install(within_seconds: int) -> str:
    from prefect.automations import Automation
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    automation = Automation(
        name=LOST_RUN_AUTOMATION,
        description="A flow run whose heartbeats stopped (its machine or process is gone) is "
        "marked Crashed, which frees its concurrency slot; staff start it again.",
        trigger=EventTrigger(
            # armed by the worker taking the run, the run starting, each heartbeat; disarmed by
            # any later event of the run (a heartbeat, an end state, Suspended for staff...)
            after=set(LOST_RUN_ARMED_BY),
            expect={"prefect.flow-run.*"},
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=within_seconds),
        ),
        actions=[
            ChangeFlowRunState(
                state=StateType.CRASHED,
                message=f"No heartbeat for {within_seconds} s: the machine or process running "
                "this flow run is gone. Start it again (every step is safe to re-run).",
            )
        ],
    )
    return await _replace(automation)  # replaced: the settings may have changed


def restart_automation() -> Automation:
    """The automation starting a Crashed mass job again (see the module's docstring)."""
    from prefect.automations import Automation
    from prefect.events.actions import RunDeployment
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    return Automation(
        name=RESTART_AUTOMATION,
        description="A mass job whose machine was lost (its run marked Crashed) is started "
        "again with the same parameters; it skips what the lost run finished.",
        trigger=EventTrigger(
            expect={"prefect.flow-run.Crashed"},  # not Failed, not Cancelled
            match=ResourceSpecification({"prefect.resource.id": "prefect.flow-run.*"}),
            match_related=ResourceSpecification(
                {
                    "prefect.resource.role": "tag",
                    "prefect.resource.id": f"prefect.tag.{MASS_JOB_TAG}",
                }
            ),
            posture=Posture.Reactive,
            threshold=1,
        ),
        actions=[RunDeployment(source="inferred", parameters=RESTART_PARAMETERS)],
    )


def install_restart_automation() -> str:
    """Create (or replace) the restart automation; returns its id. Uses PREFECT_API_URL."""
    return asyncio.run(_replace(restart_automation()))


async def _replace(automation: Automation) -> str:
    from prefect import get_client

    async with get_client() as client:
        for old in await client.read_automations_by_name(name=automation.name):
            await client.delete_automation(old.id)
    created = await automation.acreate()
    return str(created.id)


def _die_with_parent() -> None:
    """In the child: receive SIGTERM when the supervisor dies (Linux), so no worker is orphaned."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: `coop down` still stops the group


class Supervisor:
    """Runs one command, restarts it when it exits (with a growing pause when it keeps dying
    at once), and stops it promptly on SIGTERM/SIGINT: SIGTERM to its process group, SIGKILL
    after `grace` seconds."""

    def __init__(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        *,
        name: str,
        grace: float = 10.0,
        max_pause: float = 30.0,
        say: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
    ) -> None:
        self.argv, self.env, self.name = list(argv), dict(env), name
        self.grace, self.max_pause, self.say = grace, max_pause, say
        self.stopping = False
        self.restarts = 0

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self.stopping = True

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(0.1)

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        quick_deaths = 0
        while not self.stopping:
            started = time.monotonic()
            child = subprocess.Popen(
                self.argv,
                env=self.env,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its flow runs with it: one group to stop
                preexec_fn=_die_with_parent,
            )
            self.say(f"{self.name}: started (pid {child.pid})")
            while child.poll() is None and not self.stopping:
                time.sleep(0.2)
            if self.stopping:
                self._stop(child)
                break
            quick_deaths = quick_deaths + 1 if time.monotonic() - started < 60 else 0
            pause = min(self.max_pause, 2.0 ** max(quick_deaths - 1, 0))
            self.say(
                f"{self.name}: pid {child.pid} exited with {child.returncode}; "
                f"restarting in {pause:.0f} s"
            )
            self.restarts += 1
            self._sleep(pause)
        self.say(f"{self.name}: stopped")
        return 0

    def _stop(self, child: subprocess.Popen[bytes]) -> None:
        """SIGTERM to the worker's group and to its flow runs' groups (a process worker starts
        each run in a session of its own), SIGKILL to what is left after `grace` seconds."""
        groups = {child.pid, *(g for g in map(_group_of, descendants(child.pid)) if g > 1)}
        _signal_groups(groups, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        while time.monotonic() < deadline and any(_group_alive(g) for g in groups):
            child.poll()  # reap the worker as soon as it exits
            time.sleep(0.1)
        _signal_groups(groups, signal.SIGKILL)
        child.wait()


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (Linux /proc; empty elsewhere)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for kid in parents.get(todo.pop(), []):
            found.append(kid)
            todo.append(kid)
    return found


def _group_of(pid: int) -> int:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return 0  # ended meanwhile


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _signal_groups(groups: set[int], sig: signal.Signals) -> None:
    for group in groups:
        try:
            os.killpg(group, sig)
        except (ProcessLookupError, PermissionError):
            pass


def worker_argv(name: str, pool: str, limit: int = 0) -> list[str]:
    prefect = str(Path(sys.executable).with_name("prefect"))
    argv = [prefect, "worker", "start", "--pool", pool, "--type", "process", "--name", name]
    return argv + (["--limit", str(limit)] if limit else [])


def worker(
    name: str = typer.Option("", help="Worker name in the UI (default: <host>-worker)"),
    pool: str = typer.Option("coop-process", help="Work pool"),
    grace: float = typer.Option(10.0, min=0, help="Seconds flow runs get after SIGTERM"),
    limit: int = typer.Option(0, min=0, help="Flow runs at once on this worker (0: no bound)"),
) -> None:
    """A supervised process worker: restarted when it dies, stopped promptly on SIGTERM.
    Needs PREFECT_API_URL and the COOP_* settings (the same key on every machine)."""
    from governance.config import get_settings
    from governance.db.keys import key_material

    key_material(get_settings())  # a key this database refuses: no worker (exit 2)
    name = name or f"{socket.gethostname()}-worker"
    env = heartbeat_env(os.environ)
    env.setdefault("COOP_HOME", str(_checkout()))  # prefect.yaml's pull step
    supervisor = Supervisor(worker_argv(name, pool, limit), env, name=name, grace=grace)
    raise typer.Exit(supervisor.run())


def _checkout() -> Path:
    from coopflow_cli.ops import project_root

    return project_root()


def server(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (0.0.0.0 in a container)"),
    port: int = typer.Option(4200, help="Port of the API and UI"),
) -> None:
    """The Prefect server in the foreground (its database: COOP_PREFECT_DATABASE_URL or
    PREFECT_SERVER_DATABASE_CONNECTION_URL, else SQLite under PREFECT_HOME)."""
    from coopflow_cli.ops import prefect_bin

    env = dict(os.environ, DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false")
    database = env.get("COOP_PREFECT_DATABASE_URL")
    if database:
        env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = database
    argv = [prefect_bin(), "server", "start", "--host", host, "--port", str(port)]
    os.execve(argv[0], [*argv, "--analytics-off"], env)  # noqa: S606 (signals go to the server)


def deploy(
    lost_after: int = typer.Option(
        0, help="Seconds without heartbeat before a run is marked Crashed (0: the setting)"
    ),
) -> None:
    """Work pool, every deployment of prefect.yaml and the lost-run automations, on the server
    at PREFECT_API_URL. Run once per release, from one machine."""
    from coopflow_cli.ops import StartupError, deploy_all, ensure_work_pool
    from governance.config import get_settings

    root = _checkout()
    within = lost_after or get_settings().lost_run_after_seconds
    try:
        ensure_work_pool(os.environ, root)
        deployed = deploy_all(os.environ, root).count("Deployment '")
        install_lost_run_automation(within)
        install_restart_automation()
    except StartupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"{deployed} deployment(s); lost runs marked Crashed after {within} s; "
        f"crashed mass jobs started again (at most {max_restarts()} times)"
    )


def max_restarts() -> int:
    from flows.restarts import MAX_RESTARTS

    return MAX_RESTARTS
