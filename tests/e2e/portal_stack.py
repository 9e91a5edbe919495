"""The member portal inside the end-to-end stack, as its users meet it: `coop portal` in its
own process, with the stack's cooperative database, SMTP sink and Prefect server (the pages
start and resume the same deployments staff do), stopped by PID whatever happens."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from e2e_stack import ROOT, Stack

from coopflow_cli import ops
from documents.sink import _free_port


@contextmanager
def running_portal(stack: Stack, startup_timeout: float = 60) -> Iterator[str]:
    """`coop portal --port <free>` with the stack's environment; yields its base URL (the
    address in the e-mailed links) once /health answers."""
    port = _free_port("127.0.0.1")
    base = f"http://127.0.0.1:{port}"
    env = {**stack.env, "COOP_PORTAL_BASE_URL": base}
    argv = [sys.executable, "-m", "coopflow_cli.main", "portal", "--port", str(port)]
    pid = ops.spawn("portal", argv, env, ROOT, stack.logs)
    stack.pids["portal"] = pid
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if not ops.alive(pid):
                raise stack.fail("coop portal stopped at start")
            if time.monotonic() > deadline:
                raise stack.fail(f"coop portal not healthy after {startup_timeout:.0f} s")
            time.sleep(0.3)
        yield base
    finally:
        ops.stop_group(pid, grace=10)
        stack.pids.pop("portal", None)
