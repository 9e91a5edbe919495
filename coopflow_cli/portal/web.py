"""What every portal page shares: who is signed in, the browser's own cookie, CSRF tokens,
form parsing, rate limits, the page renderer with its security headers, and the process
starter (deployments) and the mail sender (the delivery engine), both injectable in tests."""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from coopflow_cli.ballot_web.clients import Network, client_address
from coopflow_cli.portal.labels import LABELS, pick_language
from coopflow_cli.portal.processes import ProcessStarter
from documents.formatting import date_time
from governance.config import Settings
from governance.db.uow import UnitOfWork
from governance.members.rules.portal import LinkPurpose
from governance.members.use_cases import portal_access
from governance.members.use_cases.portal_access import LinkView, Person

TEMPLATES = Path(__file__).with_name("templates")
SESSION_COOKIE = "coop_session"
BROWSER_COOKIE = "coop_browser"
LANGUAGE_COOKIE = "coop_lang"
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
}
log = logging.getLogger("coopflow.portal")


class SignInNeeded(Exception):
    """The page needs a signed-in person: the handler answers with the sign-in page."""


class BadForm(Exception):
    """A POST without the right CSRF token: nothing is done, the page says so."""


class SlowDown(Exception):
    """Too many forms from one client address: answered 429 with the wait in words."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"wait {seconds:.0f} s")
        self.seconds = seconds


class PageNotFound(Exception):
    """Not there, or not this person's: one answer for both (no probing of ids)."""


@dataclass
class Bucket:
    """Requests allowed per key in a sliding window (one process; behind the trusted proxy
    setting the key is the client's address)."""

    limit: int
    window_seconds: float
    seen: dict[str, list[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_seconds(self, key: str, now: float) -> float:
        """0 if one more request is allowed now (and count it), else how long to wait."""
        with self.lock:
            if len(self.seen) > 50_000:  # forget addresses quiet for a whole window
                self.seen = {
                    k: v for k, v in self.seen.items() if v and now - v[-1] < self.window_seconds
                }
            recent = [t for t in self.seen.get(key, []) if now - t < self.window_seconds]
            if len(recent) >= self.limit:
                self.seen[key] = recent
                return self.window_seconds - (now - recent[0])
            recent.append(now)
            self.seen[key] = recent
            return 0.0


class Portal:
    """The shared machinery, one per app."""

    def __init__(
        self,
        settings: Settings,
        clock: Callable[[], datetime],
        starter: ProcessStarter,
        send_now: Callable[[str], None],
        trusted: tuple[Network, ...],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.starter = starter
        self.send_now = send_now
        self.trusted = trusted
        self.monotonic = monotonic
        # what a used link of another purpose does (e.g. confirm a new e-mail address)
        self.link_finishers: dict[LinkPurpose, Callable[[Request, LinkView], Response]] = {}
        self.secure = settings.portal_base_url.startswith("https://")
        self.sign_in_limit = Bucket(limit=10, window_seconds=900)  # per client address
        self.post_limit = Bucket(limit=120, window_seconds=600)  # forms per client address
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )

    # --- who is asking ---------------------------------------------------------------------

    def client(self, request: Request) -> str:
        peer = request.client.host if request.client else "unknown"
        return client_address(peer, request.headers.get("x-forwarded-for"), self.trusted)

    def browser(self, request: Request) -> str:
        """The browser's own random token (cookie), set on its first page."""
        token = request.cookies.get(BROWSER_COOKIE, "")
        if not token or len(token) > 100:
            token = request.state.__dict__.setdefault("new_browser", portal_access.new_token())
        return token

    def person(self, request: Request) -> Person | None:
        if "person" not in request.state.__dict__:
            with UnitOfWork(self.settings) as uow:
                found = portal_access.person(uow, request.cookies.get(SESSION_COOKIE), self.clock())
            request.state.person = found
        person: Person | None = request.state.person
        return person

    def require(self, request: Request) -> Person:
        """The signed-in person, or SignInNeeded (answered with the sign-in page)."""
        found = self.person(request)
        if found is None:
            raise SignInNeeded()
        return found

    def require_member(self, request: Request) -> Person:
        """A signed-in member (an applicant gets 'not found': the page is not theirs)."""
        found = self.require(request)
        if found.member_id is None:
            raise PageNotFound()
        return found

    def language(self, request: Request) -> str:
        """?lang=, then the session's language, then the cookie, then the browser's."""
        asked = request.query_params.get("lang")
        if asked in LABELS:
            return str(asked)
        found = self.person(request)
        if found is not None:
            return str(found.language)
        return pick_language(
            request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language")
        )

    # --- forms -----------------------------------------------------------------------------

    def csrf_token(self, request: Request) -> str:
        """The token every form carries: bound to the session (signed in) or to the browser
        cookie (signed out); a page of another site cannot read either."""
        bound = request.cookies.get(SESSION_COOKIE) or self.browser(request)
        return hashlib.sha256(f"csrf:{bound}".encode()).hexdigest()

    async def form(self, request: Request) -> dict[str, str]:
        """The posted fields (first value of each); BadForm without the right CSRF token."""
        body = (await request.body()).decode("utf-8", errors="replace")
        parsed = parse_qs(body, keep_blank_values=True, max_num_fields=200)
        fields = {name: values[0] for name, values in parsed.items()}
        given = fields.pop("csrf", "")
        if not hmac.compare_digest(given.encode(), self.csrf_token(request).encode()):
            raise BadForm()
        wait = self.limited(self.post_limit, request)
        if wait:
            raise SlowDown(wait)
        return fields

    def limited(self, bucket: Bucket, request: Request) -> float:
        """Seconds to wait before this client may do this again (0: go on)."""
        return bucket.wait_seconds(self.client(request), self.monotonic())

    # --- answers ---------------------------------------------------------------------------

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        """Render a page in the visitor's language, with the nav, the CSRF token and the
        security headers; sets the browser cookie on its first visit."""
        lang = context.pop("lang", None) or self.language(request)
        context.setdefault("person", self.person(request))
        html = self.env.get_template(name).render(
            t=LABELS[lang],
            lang=lang,
            csrf=self.csrf_token(request),
            path=request.url.path,
            when=lambda moment: date_time(moment, lang) if moment else "",
            **context,
        )
        response = HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
        self.set_browser_cookie(request, response)
        return response

    def redirect(self, request: Request, to: str) -> Response:
        response = RedirectResponse(to, status_code=303, headers=SECURITY_HEADERS)
        self.set_browser_cookie(request, response)
        return response

    def set_browser_cookie(self, request: Request, response: Response) -> None:
        fresh = request.state.__dict__.get("new_browser")
        if fresh and request.cookies.get(BROWSER_COOKIE) != fresh:
            response.set_cookie(
                BROWSER_COOKIE,
                fresh,
                max_age=400 * 86400,
                httponly=True,
                secure=self.secure,
                samesite="lax",
            )

    def set_session_cookie(self, response: Response, token: str) -> None:
        response.set_cookie(
            SESSION_COOKIE, token, httponly=True, secure=self.secure, samesite="lax"
        )

    def request_key(self, person: Person, fields: dict[str, str], what: str) -> str:
        """The idempotency key of a submission: the form's own random `once` field (set
        when the page was rendered), per person: a double click, a re-sent form or a reload
        make one thing."""
        once = fields.get("once", "")[:64] or "none"
        return f"portal:{what}:{person.session_id}:{once}"


def portal_of(request: Request) -> Portal:
    """The app's Portal (every route takes it from the request)."""
    portal: Portal = request.app.state.portal
    return portal
