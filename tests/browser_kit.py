"""Chromium for the tests of the pages members meet (the portal, the ballot page): Debian's
chromium through Playwright, offline (only loopback requests leave the page), the app served
for real by uvicorn on a free loopback port, and axe-core run on a page.

The fixtures `browser` and `axe_script` are registered for every test by tests/conftest.py."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / "_vendor" / "axe-core" / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
RUN_AXE = """() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(
  v => ({id: v.id, impact: v.impact, help: v.help,
         nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))"""
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running(app: Any, config: uvicorn.Config | None = None) -> Iterator[str]:
    """Serve `app` (or the given uvicorn config, e.g. the page's own) on a free port; yields
    its base URL once /health answers."""
    if config is None:
        config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), access_log=False,
                                log_level="warning", limit_concurrency=1000, backlog=1024)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{config.port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def only_loopback(route: Any) -> None:
    """A context's route handler: nothing leaves the machine."""
    if route.request.url.startswith(("http://127.0.0.1", "http://localhost")):
        route.continue_()
    else:
        route.abort()


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Debian chromium, closed whatever happens."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


def serious_violations(page: Any, axe: Path) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings on the page as it is now (the context needs
    `bypass_csp=True` to inject it; the app keeps its CSP)."""
    page.add_script_tag(path=str(axe))
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in ("serious", "critical")]


def page_width(page: Any) -> int:
    """How wide the page is drawn: wider than the viewport means it scrolls sideways."""
    return int(page.evaluate("document.documentElement.scrollWidth"))


def installed_axe() -> Path:
    """axe-core from the npm registry (`make axe`), installed on first use."""
    if not AXE.exists():
        subprocess.run(["make", "-s", "axe"], cwd=ROOT, check=True, timeout=300)
    return AXE


@pytest.fixture(scope="session")
def axe_script() -> Path:
    return installed_axe()


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched
