"""The ballot page: a small FastAPI app (run it with `coop ballot-web`).

Enter the code (or follow the QR link /b/<code>), see the agenda in your language, choose,
review, confirm, get the receipt. No JavaScript, no cookies, no third-party requests;
Jinja2 autoescapes every text. Wrong codes are slowed down per address and per code
prefix by token buckets kept in memory (one process; see docs/ballot-secrecy.md); a right
code is never slowed down. The app keeps no log
of codes: run uvicorn without its access log (the QR link carries the code in the path)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from coopflow_cli.ballot_web.board import add_board_routes
from coopflow_cli.ballot_web.desk import BallotDesk, choices_from_form, form_of
from coopflow_cli.ballot_web.labels import LABELS, assembly_name, pick_language
from documents.formatting import date_time
from governance.assembly.rules import voting
from governance.assembly.rules.assembly import InvalidBallotCode
from governance.assembly.rules.voting import AgendaItem
from governance.assembly.use_cases import voting as service
from governance.clock import utcnow
from governance.config import get_settings
from governance.db.uow import UnitOfWork
from governance.kernel.rules.errors import RuleViolation

_RECEIPT = re.compile(r"[0-9a-f]{64}")
router = APIRouter()


def create_app(
    clock: Callable[[], datetime] = utcnow,
    throttle: voting.WrongCodeThrottle | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    trusted_proxies: tuple[str, ...] | None = None,
) -> FastAPI:
    """The ASGI app; `clock` and the throttle are injectable for tests. X-Forwarded-For is
    believed only from `trusted_proxies` (default: the COOP_TRUSTED_PROXIES setting)."""
    app = FastAPI(title="Ballot", docs_url=None, redoc_url=None, openapi_url=None)
    if trusted_proxies is None:
        trusted_proxies = (get_settings().trusted_proxies,)
    desk = BallotDesk(clock, throttle, monotonic, trusted_proxies)
    app.state.desk = desk
    app.include_router(router)
    add_board_routes(app, desk.page, desk.home)
    return app


def _desk(request: Request) -> BallotDesk:
    desk: BallotDesk = request.app.state.desk
    return desk


@router.get("/", response_class=HTMLResponse)
@router.get("/b", response_class=HTMLResponse)  # the address printed on the ballots
def index(request: Request, lang: str | None = None) -> HTMLResponse:
    return _desk(request).home(pick_language(lang, request.headers.get("accept-language")))


@router.get("/b/{code}", response_class=HTMLResponse)
def from_qr(request: Request, code: str) -> HTMLResponse:
    desk = _desk(request)
    lang = pick_language(None, request.headers.get("accept-language"))
    view, refusal = desk.open_ballot(request, code, lang)
    return refusal or desk.ballot_page(view, code, {})


@router.post("/ballot", response_class=HTMLResponse)
async def ballot(request: Request) -> HTMLResponse:
    desk = _desk(request)
    form = await form_of(request)
    lang = pick_language(form.get("lang", [""])[0], request.headers.get("accept-language"))
    code = form.get("code", [""])[0]
    view, refusal = desk.open_ballot(request, code, lang)
    if refusal:
        return refusal
    return desk.ballot_page(view, code, choices_from_form(form, view.agenda))


@router.post("/confirm", response_class=HTMLResponse)
async def confirm(request: Request) -> HTMLResponse:
    desk = _desk(request)
    form = await form_of(request)
    code = form.get("code", [""])[0]
    lang = pick_language(None, request.headers.get("accept-language"))
    view, refusal = desk.open_ballot(request, code, lang)
    if refusal:
        return refusal
    chosen = choices_from_form(form, view.agenda)
    agenda = [
        AgendaItem(a.code, a.kind, a.seats, tuple(c for c, _ in a.candidates)) for a in view.agenda
    ]
    try:
        clean = voting.validate_choices(agenda, chosen)
    except RuleViolation:
        return desk.ballot_again(view, code, chosen, prefix="")  # nothing attempted yet
    return desk.page("confirm.html", view.language, view=view, code=code, chosen=clean)


def _not_cast(
    desk: BallotDesk, error: RuleViolation, view: Any, chosen: dict[str, Any], code: str
) -> HTMLResponse:
    """The page for a ballot the service refused to record, in the voter's language."""
    lang = view.language
    if isinstance(error, voting.CodeAlreadyUsed):
        return desk.home(lang, LABELS[lang]["used"], 409)
    if isinstance(error, voting.VotingNotOpen):
        return desk.home(
            lang, LABELS[lang]["not_yet"].format(when=date_time(view.opens_at, lang)), 403
        )
    if isinstance(error, voting.VotingClosed):
        when = date_time(view.closed_at or min(view.closes_at, desk.clock()), lang)
        return desk.home(lang, LABELS[lang]["closed"].format(when=when), 403)
    if isinstance(error, voting.RemoteVotingNotAllowed):
        return desk.home(lang, LABELS[lang]["remote_not_allowed"], 403)
    return desk.ballot_again(view, code, chosen, prefix="error")


@router.post("/cast", response_class=HTMLResponse)
async def cast(request: Request) -> HTMLResponse:
    desk = _desk(request)
    form = await form_of(request)
    code = form.get("code", [""])[0]
    lang = pick_language(None, request.headers.get("accept-language"))
    try:
        with UnitOfWork() as uow:
            view = service.ballot_view(uow, code, desk.clock())
        chosen = choices_from_form(form, view.agenda)
        with UnitOfWork() as uow:
            receipt = service.cast_ballot(uow, code, chosen, now=desk.clock())
    except (InvalidBallotCode, voting.UnknownBallotCode):
        return desk.refuse_code(request, code, lang, LABELS[lang]["wrong_code"])
    except RuleViolation as error:
        return _not_cast(desk, error, view, chosen, code)
    return desk.page(
        "receipt.html",
        view.language,
        view=view,
        receipt=receipt.receipt,
        cast_at=date_time(desk.clock(), view.language),
        assembly_name=assembly_name(
            view.kind, (view.meeting_at or view.opens_at).year, view.language
        ),
        assembly_id=view.assembly_id,
        base=get_settings().ballot_base_url.rstrip("/"),
    )


@router.get("/r/{assembly_id}/{receipt}", response_class=HTMLResponse)
def receipt_again(
    request: Request, assembly_id: int, receipt: str, lang: str | None = None
) -> HTMLResponse:
    """The receipt shown again from its address: nothing is looked up or stored (the server
    cannot tell whose it is); after the close the board says if it was counted."""
    from governance.assembly.use_cases.voting_results import assembly_heading

    desk = _desk(request)
    language = pick_language(lang, request.headers.get("accept-language"))
    if not _RECEIPT.fullmatch(receipt):
        return desk.home(language, LABELS[language]["bad_receipt"], 404)
    with UnitOfWork() as uow:
        heading = assembly_heading(uow, assembly_id)
    if heading is None:
        return desk.home(language, LABELS[language]["not_found"], 404)
    kind, year = heading
    return desk.page(
        "receipt.html",
        language,
        receipt=receipt,
        cast_at="",
        assembly_name=assembly_name(kind, year, language),
        assembly_id=assembly_id,
        base=get_settings().ballot_base_url.rstrip("/"),
    )


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/favicon.ico")
def favicon() -> RedirectResponse:
    return RedirectResponse("/", status_code=404)


def server_config(
    host: str = "127.0.0.1", port: int = 8765, trusted_proxies: tuple[str, ...] | None = None
) -> Any:
    """uvicorn's settings for the page: no access log (the QR path holds the code) and no
    uvicorn X-Forwarded-For handling (it believes any local client): the app believes the
    header only from the trusted proxies."""
    import uvicorn

    return uvicorn.Config(
        create_app(trusted_proxies=trusted_proxies),
        host=host,
        port=port,
        access_log=False,
        log_level="warning",
        proxy_headers=False,
    )


def serve(
    host: str = "127.0.0.1", port: int = 8765, trusted_proxies: tuple[str, ...] | None = None
) -> None:
    """Run the page with uvicorn until stopped."""
    import uvicorn

    uvicorn.Server(server_config(host, port, trusted_proxies)).run()
