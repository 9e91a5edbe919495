"""`coop up` / `coop down` / `coop inbox`: the local Prefect server, worker and mail sink.

`up` starts, on 127.0.0.1, a Prefect server (SQLite under var/prefect by default, or the database
and Redis messaging configured in the environment: the production profile), waits until it is
healthy, creates the `coop-process` work pool, deploys every flow of prefect.yaml, installs the
lost-run and restart automations, then starts N supervised workers (`coop worker`: restarted when they die) and
(when mail goes to a loopback host) the local mail sink. Each runs in its own process group; their
PIDs go to var/run/*.pid, which is all `down` stops.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.text import Text

from governance.clock import BRUSSELS, brussels_now

if TYPE_CHECKING:
    from governance.config import Settings

WORK_POOL = "coop-process"
# started by `up`, stopped by `down` in this order (workers first: worker-1, worker-2...);
# the word identifies the process in /proc
SERVICES = {"worker": "worker", "server": "server", "mail-sink": "mail-sink"}
console = Console()


class StartupError(RuntimeError):
    """A component did not come up; the message says which and where its log is."""


def project_root() -> Path:
    """The checkout holding prefect.yaml (the package's parent when installed editable)."""
    here = Path(__file__).resolve().parents[1]
    return here if (here / "prefect.yaml").exists() else Path.cwd()


def prefect_bin() -> str:
    return str(Path(sys.executable).with_name("prefect"))


def prefect_env(
    *,
    port: int,
    prefect_home: Path,
    root: Path,
    base: Mapping[str, str] | None = None,
    host: str = "127.0.0.1",
) -> dict[str, str]:
    """Environment for the server, the CLI and the worker talking to it (no network, no tracking)."""
    env = dict(os.environ if base is None else base)
    api = f"http://{host}:{port}/api"
    env.update(
        {
            "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_HOME": str(prefect_home),
            "PREFECT_SERVER_API_HOST": host,
            "PREFECT_SERVER_API_PORT": str(port),
            # the UI must call this API, not the default port 4200
            "PREFECT_SERVER_UI_API_URL": api,
            "PREFECT_API_URL": api,
            "PREFECT_UI_URL": f"http://{host}:{port}",
            "COOP_HOME": str(root),  # prefect.yaml's pull step: where workers find the code
        }
    )
    # links the flows write for staff (inbox, reminders, "start again") lead to this UI,
    # unless the cooperative set its public address (a proxy in front of the UI)
    env.setdefault("COOP_PREFECT_UI_URL", env["PREFECT_UI_URL"])
    database = env.get("COOP_PREFECT_DATABASE_URL") or env.get(
        "PREFECT_SERVER_DATABASE_CONNECTION_URL"
    )
    if database:
        env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = database
    if env.get("PREFECT_SERVER_API_AUTH_STRING") and not env.get("PREFECT_API_AUTH_STRING"):
        env["PREFECT_API_AUTH_STRING"] = env["PREFECT_SERVER_API_AUTH_STRING"]
    return env


def describe_profile(env: Mapping[str, str]) -> str:
    """One line for operators: which database and which messaging the server uses."""
    database = env.get("PREFECT_SERVER_DATABASE_CONNECTION_URL", "")
    if database:
        db = f"{database.split('://', 1)[0]} (from the environment)"
    else:
        db = f"SQLite under {env['PREFECT_HOME']}"
    broker = env.get("PREFECT_MESSAGING_BROKER", "")
    messaging = "Redis" if "redis" in broker else "in-memory (one server)"
    return f"database: {db}; messaging: {messaging}"


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((host, port)) != 0


def spawn(name: str, argv: list[str], env: Mapping[str, str], cwd: Path, log_dir: Path) -> int:
    """Start a long-running process in its own process group, output to log_dir/<name>.log."""
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / f"{name}.log").open("ab") as log:
        process = subprocess.Popen(
            argv,
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process.pid


def alive(pid: int) -> bool:
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if finished == pid:
            return False
    except ChildProcessError:
        pass  # not our child (started by an earlier `coop up`)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_healthy(
    api_url: str, env: Mapping[str, str], timeout: float, pid: int | None = None
) -> float:
    """Poll GET /health until it answers true; return the seconds it took."""
    import httpx

    auth_string = env.get("PREFECT_API_AUTH_STRING", "")
    auth = tuple(auth_string.split(":", 1)) if ":" in auth_string else None
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if pid is not None and not alive(pid):
            raise StartupError("the Prefect server exited while starting")
        try:
            response = httpx.get(f"{api_url}/health", timeout=5, auth=auth)  # type: ignore[arg-type]
            if response.status_code == 200 and response.json() is True:
                return time.monotonic() - started
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    raise StartupError(f"the Prefect server at {api_url} was not healthy after {timeout:.0f} s")


def prefect_cli(
    args: list[str], env: Mapping[str, str], cwd: Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run one `prefect ...` command; raise with its output when it fails."""
    result = subprocess.run(
        [prefect_bin(), *args],
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise StartupError(f"prefect {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def ensure_work_pool(env: Mapping[str, str], cwd: Path) -> None:
    """Create the process work pool unless it exists (its settings are kept)."""
    try:
        prefect_cli(["work-pool", "inspect", WORK_POOL], env, cwd, timeout=120)
    except StartupError:
        prefect_cli(["work-pool", "create", WORK_POOL, "--type", "process"], env, cwd, timeout=120)


def deploy_all(env: Mapping[str, str], cwd: Path) -> str:
    """`prefect --no-prompt deploy --all` from the checkout holding prefect.yaml."""
    return prefect_cli(["--no-prompt", "deploy", "--all"], env, cwd, timeout=600).stdout


def start_server(env: Mapping[str, str], cwd: Path, log_dir: Path) -> int:
    port = env["PREFECT_SERVER_API_PORT"]
    host = env["PREFECT_SERVER_API_HOST"]
    argv = [prefect_bin(), "server", "start", "--host", host, "--port", port, "--analytics-off"]
    return spawn("server", argv, env, cwd, log_dir)


def start_worker(
    env: Mapping[str, str], cwd: Path, log_dir: Path, name: str = "worker", limit: int = 0
) -> int:
    """A process worker of the pool, named `name` (the name Prefect shows on the runs it took);
    `limit` bounds the flow runs it runs at once (0: no bound)."""
    argv = [prefect_bin(), "worker", "start", "--pool", WORK_POOL, "--type", "process"]
    argv += ["--name", name] + (["--limit", str(limit)] if limit else [])
    return spawn(name, argv, env, cwd, log_dir)


def start_supervised_worker(
    env: Mapping[str, str],
    cwd: Path,
    log_dir: Path,
    name: str,
    grace: float = 10.0,
    limit: int = 0,
) -> int:
    """`coop worker` (a supervised process worker) in its own process group; `limit` bounds
    the flow runs it runs at once (0: no bound)."""
    from coopflow_cli.fleet import heartbeat_env

    worker_name = f"{socket.gethostname()}-{name}"
    argv = [sys.executable, "-m", "coopflow_cli.main", "worker", "--name", worker_name]
    argv += ["--grace", str(grace), "--limit", str(limit)]
    return spawn(name, argv, heartbeat_env(env), cwd, log_dir)


def start_mail_sink(
    env: Mapping[str, str], cwd: Path, log_dir: Path, directory: Path, port: int
) -> int:
    argv = [sys.executable, "-m", "coopflow_cli.main", "mail-sink", "--dir", str(directory)]
    return spawn("mail-sink", [*argv, "--port", str(port)], env, cwd, log_dir)


def stop_group(pid: int, grace: float = 20.0) -> bool:
    """SIGTERM the process group led by pid, SIGKILL it after `grace` s; True if it was running."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not alive(pid):
            break
        time.sleep(0.2)
    try:
        os.killpg(pid, signal.SIGKILL)  # what is left of the group (flow-run subprocesses)
    except ProcessLookupError:
        pass
    alive(pid)  # reap it when it is our child
    return True


def install_automations(env: Mapping[str, str], lost_after_seconds: int) -> None:
    """The lost-run and restart automations on the server `env` points at (replaced when they
    exist)."""
    from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_API_URL, temporary_settings

    from coopflow_cli.fleet import install_lost_run_automation, install_restart_automation

    updates: dict[Any, Any] = {PREFECT_API_URL: env["PREFECT_API_URL"]}
    if env.get("PREFECT_API_AUTH_STRING"):
        updates[PREFECT_API_AUTH_STRING] = env["PREFECT_API_AUTH_STRING"]
    with temporary_settings(updates):
        try:
            install_lost_run_automation(lost_after_seconds)
            install_restart_automation()
        except Exception as exc:  # the server refused it: stop what was started
            raise StartupError(f"the lost-run automations could not be installed: {exc}") from exc


def _is_ours(pid: int, word: str) -> bool:
    """Guard against a recycled PID: the process's command line must name the service."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.exists():
        return alive(pid)
    return word in cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")


def _run_dir(root: Path) -> Path:
    return root / "var" / "run"


def ready_database() -> Settings:
    """Refuse to start without the key where one is required, with placeholders in
    production, or with a key the database refuses (exit 2); bring the schema up to date."""
    from governance.config import get_settings
    from governance.db.keys import key_material
    from governance.db.migrate import upgrade
    from governance.placeholders import require_ready

    settings = get_settings()
    if settings.encryption_key is None and not settings.local_key_allowed():
        settings.resolved_encryption_key()  # raises: the key is required here (exit 2)
    require_ready(settings, "start (coop up)")  # production: no placeholder reaches a member
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url())
    key_material(settings)  # a key that does not open this database: nothing starts (exit 2)
    return settings


def up(
    port: int = typer.Option(4200, help="Port of the Prefect server and UI on 127.0.0.1"),
    mail_sink: bool = typer.Option(True, help="Start the local SMTP sink (loopback SMTP only)"),
    timeout: float = typer.Option(180, help="Seconds to wait for the server"),
    workers: int = typer.Option(
        1, min=1, max=16, help="Process workers, each supervised (restarted when it dies)"
    ),
) -> None:
    """Start the Prefect server, deploy every flow, start the workers and the mail sink."""
    root = project_root()
    run_dir, log_dir = _run_dir(root), root / "var" / "log"
    running = [p.stem for p in run_dir.glob("*.pid")] if run_dir.exists() else []
    if running:
        console.print(f"already up ({', '.join(running)}): run `coop down` first")
        raise typer.Exit(1)
    if not port_is_free(port):
        console.print(f"port {port} on 127.0.0.1 is taken: choose another with --port")
        raise typer.Exit(1)
    os.chdir(root)  # relative COOP_* paths (var/) mean the same here and in the worker
    settings = ready_database()
    env = prefect_env(port=port, prefect_home=root / "var" / "prefect", root=root)
    run_dir.mkdir(parents=True, exist_ok=True)
    started: list[str] = []

    def remember(name: str, pid: int) -> None:
        (run_dir / f"{name}.pid").write_text(f"{pid}\n")
        started.append(name)

    try:
        console.print(describe_profile(env))
        remember("server", start_server(env, root, log_dir))
        took = wait_healthy(env["PREFECT_API_URL"], env, timeout, pid=_read_pid(run_dir, "server"))
        console.print(f"server healthy after {took:.1f} s")
        ensure_work_pool(env, root)
        deployed = deploy_all(env, root).count("Deployment '")
        console.print(f"{deployed} deployment(s) on work pool {WORK_POOL}")
        install_automations(env, settings.lost_run_after_seconds)
        for number in range(1, workers + 1):
            name = f"worker-{number}"
            remember(name, start_supervised_worker(env, root, log_dir, name))
        local_smtp = settings.smtp_host in ("127.0.0.1", "localhost", "::1")
        if mail_sink and local_smtp and port_is_free(settings.smtp_port):
            mail_dir = settings.var_dir / "mail"
            remember("mail-sink", start_mail_sink(env, root, log_dir, mail_dir, settings.smtp_port))
        time.sleep(2)
        for name in started:
            if not alive(_read_pid(run_dir, name)):
                raise StartupError(f"{name} exited at once: see {log_dir / name}.log")
    except (StartupError, subprocess.TimeoutExpired) as exc:
        console.print(f"[red]{exc}[/red]\nstopping what was started")
        _stop_all(run_dir)
        raise typer.Exit(1) from exc
    ui = env["PREFECT_UI_URL"]
    console.print(f"Prefect UI: [bold]{ui}[/bold]  (logs in {log_dir}, `coop down` stops)")
    if ui != settings.prefect_ui_url.rstrip("/"):
        console.print(f"set COOP_PREFECT_UI_URL={ui} so that `coop inbox` links here")


def _read_pid(run_dir: Path, name: str) -> int:
    return int((run_dir / f"{name}.pid").read_text().strip())


def _stop_all(run_dir: Path) -> list[tuple[str, int, bool]]:
    stopped: list[tuple[str, int, bool]] = []
    if not run_dir.exists():
        return stopped
    workers = sorted(p.stem for p in run_dir.glob("worker-*.pid"))
    names = [*workers, *(n for n in SERVICES if (run_dir / f"{n}.pid").exists())]
    for name in names:
        pid_file = run_dir / f"{name}.pid"
        pid = _read_pid(run_dir, name)
        was_running = _is_ours(pid, SERVICES.get(name, "worker")) and stop_group(pid)
        pid_file.unlink()
        stopped.append((name, pid, was_running))
    return stopped


def down() -> None:
    """Stop exactly what `coop up` started (by the PIDs in var/run) and remove the pid files."""
    stopped = _stop_all(_run_dir(project_root()))
    if not stopped:
        console.print("nothing to stop")
    for name, pid, was_running in stopped:
        console.print(f"{name} (pid {pid}): {'stopped' if was_running else 'was not running'}")


def inbox(
    as_json: bool = typer.Option(False, "--json", help="JSON for scripts"),
    staff: str | None = typer.Option(
        None, "--staff", help="Only what this login may decide (its roles)"
    ),
) -> None:
    """Every run waiting for a staff decision: what is asked, since when, due by, the UI link."""
    from governance.config import get_settings
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.errors import RuleViolation
    from governance.kernel.use_cases.staff import decisions_for

    settings = get_settings()
    try:
        with UnitOfWork() as uow:
            waiting = decisions_for(uow.session, staff) if staff else uow.decisions.waiting()
    except RuleViolation as exc:
        console.print(f"[red]{exc.field or 'staff'}[/red]: {exc.message}")
        raise typer.Exit(1) from exc
    now = brussels_now()
    ui = settings.prefect_ui_url.rstrip("/")
    rows = [
        {
            "key": r.key,
            "process": r.process,
            "subject": f"{r.subject_type} {r.subject_id}",
            "asked": headline(r.question),
            "waiting_since": r.requested_at.astimezone(BRUSSELS).isoformat(timespec="minutes"),
            "due_by": r.due_at.astimezone(BRUSSELS).isoformat(timespec="minutes"),
            "overdue": r.due_at <= now,
            "link": f"{ui}/runs/flow-run/{r.flow_run_id}" if r.flow_run_id else "",
        }
        for r in waiting
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        console.print("nothing waits for a staff decision")
        return
    print_inbox(rows, console)


def print_inbox(rows: list[dict[str, object]], out: Console) -> None:
    """One block per waiting run, readable at 80 columns: the link alone on its own line,
    never wrapped (a terminal can still open it with a click)."""
    out.print(f"[bold]{len(rows)} decision(s) waiting for staff[/bold] (times in Europe/Brussels)")
    for number, row in enumerate(rows, start=1):
        since = str(row["waiting_since"]).replace("T", " ")[:16]
        due = str(row["due_by"]).replace("T", " ")[:16]
        late = " [red bold]OVERDUE[/red bold]" if row["overdue"] else ""
        out.print()
        out.print(f"[bold]{number}. {row['process']}[/bold] · {row['subject']}", highlight=False)
        out.print(Text(f"   {row['asked']}"), highlight=False)
        out.print(f"   waiting since {since} · due by {due}{late}", highlight=False)
        link = str(row["link"])
        if link:
            out.print(f"[link={link}]{link}[/link]", soft_wrap=True, highlight=False)
        else:
            out.print("   (no run to open: answer it with the process's own command)")


def headline(question: str) -> str:
    """The first non-empty line of the markdown question, without its markup."""
    for line in question.splitlines():
        text = line.strip().lstrip("#").strip().replace("**", "")
        if text:
            return text[:160]
    return ""
