"""The member portal's ASGI app (run it with `coop portal`)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI, Request
from fastapi.responses import Response

from coopflow_cli.ballot_web.clients import parse_trusted
from coopflow_cli.portal import apply, grants, jobs, myfile, shares, signin
from coopflow_cli.portal.labels import LABELS
from coopflow_cli.portal.processes import DeploymentStarter, ProcessNotStarted, ProcessStarter
from coopflow_cli.portal.web import BadForm, PageNotFound, Portal, SignInNeeded, SlowDown
from governance.clock import utcnow
from governance.config import Settings, get_settings
from governance.members.rules.portal import LinkPurpose

log = logging.getLogger("coopflow.portal")


def send_in_background(settings: Settings) -> Callable[[str], None]:
    """Deliver one outbox message now, off the request (the page answers at once, the same
    for a known and an unknown address); the delivery engine claims it, so a message is
    sent once even if a flow's delivery runs at the same time."""

    def send(key: str) -> None:
        def run() -> None:
            from tasks.mail import deliver_pending

            try:
                deliver_pending(settings, keys_prefix=key)
            except Exception:  # stays pending: the next delivery sends it
                log.exception("portal: message %s not sent now", key)

        threading.Thread(target=run, name=f"send-{key}", daemon=True).start()

    return send


def create_app(
    *,
    settings: Settings | None = None,
    clock: Callable[[], datetime] = utcnow,
    starter: ProcessStarter | None = None,
    send_now: Callable[[str], None] | None = None,
    trusted_proxies: tuple[str, ...] | None = None,
    monotonic: Callable[[], float] = time.monotonic,
) -> FastAPI:
    """The portal; clock, starter, mail sender and proxies are injectable for tests."""
    settings = settings or get_settings()
    if trusted_proxies is None:
        trusted_proxies = (settings.trusted_proxies,)
    portal = Portal(
        settings,
        clock,
        starter or DeploymentStarter(),
        send_now or send_in_background(settings),
        parse_trusted(trusted_proxies),
        monotonic,
    )
    app = FastAPI(title="Member portal", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.portal = portal

    _add_error_pages(app, portal)
    portal.link_finishers[LinkPurpose.EMAIL_CHANGE] = myfile.finish_email_change
    for area in (signin, apply, shares, jobs, grants, myfile):
        app.include_router(area.router)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _add_error_pages(app: FastAPI, portal: Portal) -> None:
    """What a visitor sees when a page cannot be shown: sign in, expired form, not found,
    the orchestration server away."""

    @app.exception_handler(SignInNeeded)
    def sign_in_first(request: Request, exc: SignInNeeded) -> Response:
        lang = portal.language(request)
        message = LABELS[lang]["session_ended"] if request.cookies.get("coop_session") else ""
        return portal.page(request, "sign_in.html", 401, message=message, email="")

    @app.exception_handler(BadForm)
    def bad_form(request: Request, exc: BadForm) -> Response:
        lang = portal.language(request)
        return portal.page(request, "message.html", 400, message=LABELS[lang]["bad_form"])

    @app.exception_handler(SlowDown)
    def slow_down(request: Request, exc: SlowDown) -> Response:
        lang = portal.language(request)
        message = LABELS[lang]["slow_down"].format(seconds=int(exc.seconds) + 1)
        return portal.page(request, "message.html", 429, message=message)

    @app.exception_handler(PageNotFound)
    def not_found(request: Request, exc: PageNotFound) -> Response:
        lang = portal.language(request)
        return portal.page(request, "message.html", 404, message=LABELS[lang]["not_found"])

    @app.exception_handler(ProcessNotStarted)
    def not_started(request: Request, exc: ProcessNotStarted) -> Response:
        log.warning("portal: process not started: %s", exc)
        lang = portal.language(request)
        return portal.page(request, "message.html", 503, message=LABELS[lang]["unavailable"])

    @app.exception_handler(404)
    def unknown_page(request: Request, exc: Exception) -> Response:
        lang = portal.language(request)
        return portal.page(request, "message.html", 404, message=LABELS[lang]["not_found"])


def serve(
    host: str = "127.0.0.1", port: int = 8770, trusted_proxies: tuple[str, ...] | None = None
) -> None:
    """Run the portal with uvicorn until stopped (no access log: paths hold one-time links;
    X-Forwarded-For believed only from the trusted proxies)."""
    import uvicorn

    uvicorn.Server(
        uvicorn.Config(
            create_app(trusted_proxies=trusted_proxies),
            host=host,
            port=port,
            access_log=False,
            log_level="warning",
            proxy_headers=False,
        )
    ).run()
