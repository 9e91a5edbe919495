"""A throw-away work pool for a benchmark: a fresh PostgreSQL database, a real `prefect server`,
every deployment of prefect.yaml, an SMTP sink and process workers, each in a process of its own,
started with the same functions as `coop up` (coopflow_cli.ops) and stopped by PID.

Two workers writing one database is a PostgreSQL set-up (as in production); the admin URL comes
from COOP_BENCH_POSTGRES_URL (default: the local server, user postgres).
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from coopflow_cli import ops

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def postgres_database(prefix: str = "coop_bench") -> Iterator[str]:
    """A new, empty database on the PostgreSQL server; dropped at the end (even when in use)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = os.environ.get("COOP_BENCH_POSTGRES_URL", ADMIN_URL)
    name = f"{prefix}_{secrets.token_hex(4)}"
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


@dataclass
class Pool:
    root: Path
    env: dict[str, str]
    project: Path
    pids: dict[str, int] = field(default_factory=dict)

    @property
    def logs(self) -> Path:
        return self.root / "log"

    def log_tail(self, lines: int = 30) -> str:
        parts = []
        for log in sorted(self.logs.glob("*.log")):
            tail = log.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {log.name}\n" + "\n".join(tail))
        return "\n".join(parts)

    @contextmanager
    def client(self) -> Iterator[Any]:
        """A Prefect client of this process, pointed at the pool's server."""
        from prefect.client.orchestration import get_client
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings({PREFECT_API_URL: self.env["PREFECT_API_URL"]}):
            with get_client(sync_client=True) as client:
                yield client

    def start_worker(self, name: str, limit: int, timeout: float = 120) -> None:
        """Start a process worker and wait until the server sees it online."""
        from prefect.client.schemas.objects import WorkerStatus

        self.pids[name] = ops.start_worker(self.env, self.project, self.logs, name, limit)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not ops.alive(self.pids[name]):
                raise ops.StartupError(f"{name} exited: see {self.logs / name}.log")
            with self.client() as client:
                workers = client.read_workers_for_work_pool(ops.WORK_POOL)
            if any(w.name == name and w.status == WorkerStatus.ONLINE for w in workers):
                return
            time.sleep(0.5)
        raise ops.StartupError(f"{name} not online after {timeout:.0f} s")

    def start(self, deployment: str, parameters: dict[str, Any]) -> UUID:
        from prefect.client.schemas.objects import FlowRun
        from prefect.deployments import run_deployment
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings({PREFECT_API_URL: self.env["PREFECT_API_URL"]}):
            run = run_deployment(f"{deployment}/{deployment}", parameters=parameters, timeout=0)
        assert isinstance(run, FlowRun)  # called from sync code: the run, not a coroutine
        return run.id

    def wait_final(self, run_id: UUID, timeout: float) -> Any:
        """Poll the run until its state is final; return that state."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.client() as client:
                state = client.read_flow_run(run_id).state
            if state is not None and state.is_final():
                return state
            time.sleep(0.5)
        raise TimeoutError(f"run {run_id} not finished after {timeout:.0f} s")


def _wait_port(port: int, pid: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not ops.alive(pid):
            raise ops.StartupError("the mail sink exited while starting")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise ops.StartupError(f"the mail sink does not listen on port {port}")


@contextmanager
def work_pool(root: Path, coop: dict[str, str], poll_seconds: int = 2) -> Iterator[Pool]:
    """Server, work pool, deployments and a mail sink (port in COOP_SMTP_PORT) for the COOP_*
    settings `coop`; no worker yet (Pool.start_worker). Every process is stopped by its PID."""
    from documents.sink import _free_port

    project = ops.project_root()
    smtp_port = _free_port("127.0.0.1")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("COOP_", "PREFECT_"))}
    base.update({**coop, "COOP_SMTP_HOST": "127.0.0.1", "COOP_SMTP_PORT": str(smtp_port)})
    env = ops.prefect_env(
        port=_free_port("127.0.0.1"), prefect_home=root / "prefect", root=project, base=base
    )
    env["PREFECT_WORKER_QUERY_SECONDS"] = str(poll_seconds)
    pool = Pool(root, env, project)
    try:
        pool.pids["mail-sink"] = ops.start_mail_sink(
            env, project, pool.logs, root / "mail", smtp_port
        )
        _wait_port(smtp_port, pool.pids["mail-sink"])
        pool.pids["server"] = ops.start_server(env, project, pool.logs)
        ops.wait_healthy(env["PREFECT_API_URL"], env, 240, pid=pool.pids["server"])
        ops.ensure_work_pool(env, project)
        ops.deploy_all(env, project)
        yield pool
    finally:
        for name in [n for n in pool.pids if n.startswith("worker")] + ["server", "mail-sink"]:
            if name in pool.pids:
                ops.stop_group(pool.pids[name], grace=15)
