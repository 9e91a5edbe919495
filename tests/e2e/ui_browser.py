"""Headless Debian chromium through Playwright, offline: every non-loopback request is blocked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlparse

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def _only_loopback(route: Any) -> None:
    url = route.request.url
    if url.startswith(("data:", "blob:")) or urlparse(url).hostname in LOOPBACK:
        route.continue_()
    else:  # e.g. the UI's analytics host: no network leaves the machine
        route.abort()


@contextmanager
def browser_page(executable: str, width: int = 1400, height: int = 900) -> Iterator[Any]:
    """A page in a fresh context; the browser is closed whatever happens."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height})
            context.route("**/*", _only_loopback)
            yield context.new_page()
        finally:
            browser.close()
