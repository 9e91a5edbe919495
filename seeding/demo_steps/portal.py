"""Demo: the member portal served for real (uvicorn on a free local port); a member asks for a
sign-in link, the link arrives in the local SMTP sink, the member opens it and reads the pages
of their own file, as in a browser (httpx keeps the cookies)."""

from __future__ import annotations

import email
import re
import socket
import threading
import time
from email import policy
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from coopflow_cli.portal.app import create_app
from governance.db.uow import UnitOfWork
from governance.members.queries import member_file
from seeding.demo_steps import picks

_CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
_LINK = re.compile(r"https?://\S+?(/link/[A-Za-z0-9_-]+)")
PAGES = ("/me", "/shares", "/jobs", "/grants", "/file")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _link_for(mailbox: Path, to: str, after: float, timeout: float = 20) -> str:
    """The sign-in link of the newest message to `to` written after `after`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(mailbox.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True):
            if path.stat().st_mtime < after:
                break
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if to.lower() in str(message["To"]).lower():
                body = message.get_body(("plain",))
                found = _LINK.search(body.get_content() if body else "")
                if found:
                    return found.group(1)
        time.sleep(0.2)
    raise RuntimeError(f"no sign-in link reached {to}")


def visit_portal(ctx: Any) -> None:
    member_id = picks.active_members(1, with_email=True)[0]
    with UnitOfWork() as uow:  # the address as the member's own file in the portal shows it
        address = member_file.facts(uow, member_id).email
    assert address
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        shown = _sign_in_and_read(f"http://127.0.0.1:{port}", ctx.sink.directory, address)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
    ctx.report("member-portal", "member signed in with an e-mailed one-time link", 1)
    ctx.report("member-portal", "pages of their own file shown", f"{shown} / {len(PAGES)}")


def _sign_in_and_read(base: str, mailbox: Path, address: str) -> int:
    with httpx.Client(base_url=base, follow_redirects=True, timeout=30) as browser:
        for _ in range(100):
            try:
                home = browser.get("/")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        asked = time.time() - 1
        token = _CSRF.search(home.text)
        assert token
        browser.post("/sign-in", data={"email": address, "csrf": token.group(1)})
        path = _link_for(mailbox, address, asked)
        page = browser.get(path)
        token = _CSRF.search(page.text)
        assert token
        signed_in = browser.post(path, data={"csrf": token.group(1)})
        if not str(signed_in.url).endswith("/me"):
            raise RuntimeError(f"the portal did not sign the member in: {signed_in.status_code}")
        return sum(1 for p in PAGES if browser.get(p).status_code == 200)
