"""The end-to-end stack: a real `prefect server`, a process worker and an SMTP sink, on free
loopback ports, with their own PREFECT_HOME and a fresh migrated cooperative database.

It starts them with the same functions as `coop up` (coopflow_cli.ops), so the suite also proves
that command's parts, and stops every process group it started, by PID.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from coopflow_cli import ops
from documents.sink import MailSink, _free_port
from governance.config import Settings
from governance.db.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "_artifacts"


class StackError(AssertionError):
    """Something in the stack misbehaved; the message carries the tail of the logs."""


@dataclass
class Stack:
    home: Path
    port: int
    env: dict[str, str]
    sink: MailSink
    settings: Settings
    pids: dict[str, int] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return self.env["PREFECT_API_URL"]

    @property
    def ui_url(self) -> str:
        return self.env["PREFECT_UI_URL"]

    @property
    def logs(self) -> Path:
        return self.home / "log"

    def log_tail(self, lines: int = 40) -> str:
        parts = []
        for log in sorted(self.logs.glob("*.log")):
            tail = log.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {log.name}\n" + "\n".join(tail))
        return "\n".join(parts)

    def fail(self, message: str) -> StackError:
        return StackError(f"{message}\n{self.log_tail()}")

    # --- talking to the server, as staff scripts or the UI would -------------------------

    @contextmanager
    def client_settings(self) -> Iterator[None]:
        """Point this (test) process's Prefect client at the stack's server."""
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings({PREFECT_API_URL: self.api_url}):
            yield

    def start(self, deployment: str, parameters: dict[str, Any]) -> UUID:
        """Start a deployment with parameters through the API; do not wait."""
        from prefect.deployments import run_deployment

        with self.client_settings():
            run = run_deployment(f"{deployment}/{deployment}", parameters=parameters, timeout=0)
        return run.id

    def state(self, run_id: UUID) -> Any:
        from prefect import get_client

        with self.client_settings(), get_client(sync_client=True) as client:
            return client.read_flow_run(run_id).state

    def wait_for(
        self, run_id: UUID, done: Callable[[Any], bool], what: str, timeout: float = 240
    ) -> Any:
        started = time.monotonic()
        state = None
        while time.monotonic() - started < timeout:
            state = self.state(run_id)
            if state is not None and done(state):
                return state
            if state is not None and state.is_final() and not done(state):
                raise self.fail(
                    f"run {run_id} ended {state.type} ({state.message}) while waiting until {what}"
                )
            time.sleep(1)
        raise self.fail(f"run {run_id} not {what} after {timeout:.0f} s (state {state})")

    def wait_for_decision_form(self, run_id: UUID, timeout: float = 240) -> dict[str, Any]:
        """Wait until the run is suspended AND its resume form is saved; return form+question."""
        import orjson
        from prefect import get_client
        from prefect.exceptions import PrefectHTTPStatusError
        from prefect.input.run_input import keyset_from_paused_state

        state = self.wait_for(run_id, lambda s: s.is_paused(), "suspended", timeout)
        keyset = keyset_from_paused_state(state)
        deadline = time.monotonic() + 60  # the form is saved just after the state is set
        with self.client_settings(), get_client(sync_client=True) as client:
            while True:
                try:
                    schema = client.read_flow_run_input(run_id, keyset["schema"])
                    description = client.read_flow_run_input(run_id, keyset["description"])
                    return {
                        "state": state,
                        "schema": orjson.loads(schema),
                        "question": orjson.loads(description),
                    }
                except PrefectHTTPStatusError as error:
                    # The sync client answers a form not saved yet with a 404 error, not
                    # ObjectNotFound: on a busy machine the state is seen before the form.
                    if error.response.status_code != 404:
                        raise
                    if time.monotonic() > deadline:
                        raise self.fail(f"run {run_id} suspended without its form") from None
                    time.sleep(0.5)

    def resume(self, run_id: UUID, run_input: dict[str, Any]) -> None:
        """Resume with staff input through the API (raises when the server refuses it)."""
        from prefect.flow_runs import resume_flow_run

        with self.client_settings():
            resume_flow_run(run_id, run_input=run_input)

    def wait_completed(self, run_id: UUID, timeout: float = 240) -> Any:
        return self.wait_for(run_id, lambda s: s.is_completed(), "completed", timeout)


@contextmanager
def coop_database(home: Path) -> Iterator[str]:
    """A fresh cooperative database: PostgreSQL when COOP_TEST_DATABASE_URL is set, else SQLite."""
    admin_url = os.environ.get("COOP_TEST_DATABASE_URL", "")
    if not admin_url:
        yield f"sqlite:///{home / 'coop.sqlite3'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"coop_e2e_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        from governance.db.engine import dispose_engines

        dispose_engines()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _coop_env(home: Path, database_url: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    # PostgreSQL requires COOP_ENCRYPTION_KEY (no machine makes a key of its own there)
    key = (
        {}
        if database_url.startswith("sqlite")
        else {"COOP_ENCRYPTION_KEY": Fernet.generate_key().decode()}
    )
    return {
        **key,
        "COOP_DATABASE_URL": database_url,
        "COOP_VAR_DIR": str(home / "var"),
        "COOP_ARCHIVE_DIR": str(home / "archive"),
        "COOP_SMTP_HOST": "127.0.0.1",
        "COOP_SMTP_PORT": "0",  # set once the sink listens
        "COOP_SMTP_USER": "",
        "COOP_PDF_OUTPUT": "false",  # DOCX keeps the suite fast; PDF has its own `pdf` tests
    }


@contextmanager
def prefect_database(home: Path, wanted: bool) -> Iterator[str | None]:
    """A PostgreSQL database for the Prefect server itself (as in production: under two busy
    workers its default SQLite file answers "database is locked" and the automations stall), when
    `wanted` and the tests run on PostgreSQL; else None (the server's own SQLite)."""
    admin_url = os.environ.get("COOP_TEST_DATABASE_URL", "")
    if not (wanted and admin_url.startswith("postgresql")):
        yield None
        return
    from sqlalchemy.engine import make_url

    with coop_database(home / "prefect-db") as url:
        yield make_url(url).set(drivername="postgresql+asyncpg").render_as_string(
            hide_password=False)


@contextmanager
def running_stack(
    home: Path,
    startup_timeout: float = 240,
    workers: int = 1,
    worker_limit: int = 0,
    lost_after: int = 0,
) -> Iterator[Stack]:
    """Start server, work pool, deployments, worker(s) and sink; always stop them by PID.
    With `lost_after` (seconds), the workers are supervised (`coop worker`, as `coop up` starts
    them, heartbeats every 30 s) and the lost-run automation marks a silent run Crashed."""
    home.mkdir(parents=True, exist_ok=True)
    port = _free_port("127.0.0.1")
    with coop_database(home) as database_url, MailSink(home / "mail") as sink, \
            prefect_database(home, workers > 1) as prefect_url:
        coop = _coop_env(home, database_url)
        coop["COOP_SMTP_PORT"] = str(sink.port)
        base = {k: v for k, v in os.environ.items() if not k.startswith(("COOP_", "PREFECT_"))}
        env = ops.prefect_env(
            port=port, prefect_home=home / "prefect", root=ROOT, base={**base, **coop}
        )
        env["PREFECT_WORKER_QUERY_SECONDS"] = "2"  # pick resumed runs up quickly
        if prefect_url:
            env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = prefect_url
        env["PREFECT_LOGGING_LEVEL"] = "INFO"
        upgrade(coop["COOP_DATABASE_URL"])
        settings = Settings(
            database_url=coop["COOP_DATABASE_URL"],
            var_dir=Path(coop["COOP_VAR_DIR"]),
            archive_dir=Path(coop["COOP_ARCHIVE_DIR"]),
            smtp_port=sink.port,
            smtp_user="",
            pdf_output=False,
            encryption_key=coop.get("COOP_ENCRYPTION_KEY"),
        )
        stack = Stack(home, port, env, sink, settings)
        try:
            stack.pids["server"] = ops.start_server(env, ROOT, stack.logs)
            try:
                ops.wait_healthy(stack.api_url, env, startup_timeout, pid=stack.pids["server"])
                ops.ensure_work_pool(env, ROOT)
                ops.deploy_all(env, ROOT)
                if lost_after:
                    env["PREFECT_FLOWS_HEARTBEAT_FREQUENCY"] = "30"  # Prefect's minimum
                    ops.install_automations(env, lost_after)
            except ops.StartupError as exc:
                raise stack.fail(str(exc)) from exc
            for number in range(1, workers + 1):
                name = "worker" if workers == 1 else f"worker-{number}"
                if lost_after:
                    stack.pids[name] = ops.start_supervised_worker(
                        env, ROOT, stack.logs, name, limit=worker_limit
                    )
                else:
                    stack.pids[name] = ops.start_worker(env, ROOT, stack.logs, name, worker_limit)
            yield stack
        finally:
            for name in [n for n in stack.pids if n.startswith("worker")] + ["server"]:
                if name in stack.pids:
                    ops.stop_group(stack.pids[name], grace=15)
