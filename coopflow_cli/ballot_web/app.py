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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from coopflow_cli.ballot_web.board import add_board_routes
from coopflow_cli.ballot_web.clients import client_address, code_target, parse_trusted
from coopflow_cli.ballot_web.labels import LABELS, assembly_name, pick_language, plural
from documents.formatting import date_time
from governance.config import get_settings
from governance.db.uow import UnitOfWork
from governance.domain import voting
from governance.domain.assembly import InvalidBallotCode
from governance.domain.errors import RuleViolation
from governance.domain.voting import AgendaItem, WindowState
from governance.services import voting as service

TEMPLATES = Path(__file__).with_name("templates")
_RECEIPT = re.compile(r"[0-9a-f]{64}")
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; style-src 'unsafe-inline'; form-action 'self'",
}


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def _choices_from_form(form: dict[str, list[str]], agenda: tuple[Any, ...]) -> dict[str, Any]:
    """Motions come as r_<code>=for|against|abstain, elections as e_<code>=<candidate>..."""
    choices: dict[str, Any] = {}
    for item in agenda:
        if item.kind == "election":
            choices[item.code] = form.get(f"e_{item.code}", [])
        elif f"r_{item.code}" in form:
            choices[item.code] = form[f"r_{item.code}"][0]
    return choices


def _problems(view: Any, chosen: dict[str, Any], lang: str) -> tuple[list[str], set[str]]:
    """The voter's own mistakes, in their language: unanswered motions, too many ticks."""
    t = LABELS[lang]
    unanswered = [i.code for i in view.agenda if i.kind != "election" and i.code not in chosen]
    messages = [t["unanswered"].format(items=", ".join(unanswered))] if unanswered else []
    wrong = set(unanswered)
    for item in view.agenda:
        ticked = len(chosen.get(item.code, [])) if item.kind == "election" else 0
        if ticked > item.seats:
            wrong.add(item.code)
            messages.append(
                plural(lang, "too_many", item.seats).format(
                    code=item.code, seats=item.seats, n=ticked
                )
            )
    return messages, wrong


def create_app(
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    throttle: voting.WrongCodeThrottle | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    trusted_proxies: tuple[str, ...] | None = None,
) -> FastAPI:
    """The ASGI app; `clock` and the throttle are injectable for tests. X-Forwarded-For is
    believed only from `trusted_proxies` (default: the COOP_TRUSTED_PROXIES setting)."""
    app = FastAPI(title="Ballot", docs_url=None, redoc_url=None, openapi_url=None)
    env = _environment()
    bucket = throttle or voting.WrongCodeThrottle()
    if trusted_proxies is None:
        trusted_proxies = (get_settings().trusted_proxies,)
    trusted = parse_trusted(trusted_proxies)

    def page(name: str, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(name).render(
            t=LABELS[lang],
            lang=lang,
            plural=lambda key, n: plural(lang, key, n),
            when=lambda moment: date_time(moment, lang),
            name_of=lambda view: assembly_name(
                view.kind, (view.meeting_at or view.opens_at).year, lang
            ),
            **context,
        )
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    def client_of(request: Request) -> str:
        peer = request.client.host if request.client else "unknown"
        return client_address(peer, request.headers.get("x-forwarded-for"), trusted)

    def refuse_code(request: Request, typed: str, lang: str, message: str) -> HTMLResponse:
        """A wrong code counts against the address and against the code's first characters;
        past the limit the answer is "slow down". A right code never comes here."""
        keys = (f"address:{client_of(request)}", f"code:{code_target(typed)}")
        now = monotonic()
        wait = max(bucket.wait_seconds(key, now) for key in keys)
        for key in keys:
            bucket.wrong_code(key, now)
        if wait > 0:
            return home(lang, LABELS[lang]["slow_down"].format(seconds=int(wait) + 1), 429)
        return home(lang, message, 400, typed if message == LABELS[lang]["typo_code"] else "")

    async def form_of(request: Request) -> dict[str, list[str]]:
        body = (await request.body()).decode("utf-8", errors="replace")
        return parse_qs(body, keep_blank_values=False, max_num_fields=200)

    def home(lang: str, message: str = "", status: int = 200, code: str = "") -> HTMLResponse:
        return page("home.html", lang, status, message=message, code=code)

    def open_ballot(request: Request, code: str, lang: str) -> tuple[Any, HTMLResponse | None]:
        """The ballot view for `code`, or the page to show instead (wrong code, closed...)."""
        try:
            with UnitOfWork() as uow:
                view = service.ballot_view(uow, code, clock())
        except InvalidBallotCode:
            return None, refuse_code(request, code, lang, LABELS[lang]["typo_code"])
        except voting.UnknownBallotCode:
            return None, refuse_code(request, code, lang, LABELS[lang]["wrong_code"])
        t = LABELS[view.language]
        if view.state is WindowState.NOT_YET:
            when = date_time(view.opens_at, view.language)
            return view, home(view.language, t["not_yet"].format(when=when), 403)
        if view.state is WindowState.CLOSED:
            when = date_time(view.closed_at or view.closes_at, view.language)
            return view, home(view.language, t["closed"].format(when=when), 403)
        if view.already_voted and not view.revote_allowed:
            return view, home(view.language, t["used"], 409)
        return view, None

    @app.get("/", response_class=HTMLResponse)
    @app.get("/b", response_class=HTMLResponse)  # the address printed on the ballots
    def index(request: Request, lang: str | None = None) -> HTMLResponse:
        return home(pick_language(lang, request.headers.get("accept-language")))

    def ballot_page(view: Any, code: str, chosen: dict[str, Any], **more: Any) -> HTMLResponse:
        from governance.services.voting_results import public_documents

        with UnitOfWork() as uow:
            documents = public_documents(uow, view.assembly_id, view.language)
        status = more.pop("status", 200)
        return page(
            "ballot.html",
            view.language,
            status,
            view=view,
            code=code,
            chosen=chosen,
            documents=documents,
            **more,
        )

    @app.get("/b/{code}", response_class=HTMLResponse)
    def from_qr(request: Request, code: str) -> HTMLResponse:
        lang = pick_language(None, request.headers.get("accept-language"))
        view, refusal = open_ballot(request, code, lang)
        return refusal or ballot_page(view, code, {})

    @app.post("/ballot", response_class=HTMLResponse)
    async def ballot(request: Request) -> HTMLResponse:
        form = await form_of(request)
        lang = pick_language(form.get("lang", [""])[0], request.headers.get("accept-language"))
        code = form.get("code", [""])[0]
        view, refusal = open_ballot(request, code, lang)
        if refusal:
            return refusal
        return ballot_page(view, code, _choices_from_form(form, view.agenda))

    def ballot_again(view: Any, code: str, chosen: dict[str, Any], prefix: str) -> HTMLResponse:
        """The ballot with the voter's choices kept and every problem named."""
        lang = view.language
        messages, wrong = _problems(view, chosen, lang)
        if not messages:  # a form that is not ours (unknown item or candidate)
            messages = [LABELS[lang]["bad_form"]]
        if prefix:
            messages = [LABELS[lang][prefix].format(reason=messages[0]), *messages[1:]]
        return ballot_page(view, code, chosen, status=400, messages=messages, wrong=wrong)

    @app.post("/confirm", response_class=HTMLResponse)
    async def confirm(request: Request) -> HTMLResponse:
        form = await form_of(request)
        code = form.get("code", [""])[0]
        lang = pick_language(None, request.headers.get("accept-language"))
        view, refusal = open_ballot(request, code, lang)
        if refusal:
            return refusal
        chosen = _choices_from_form(form, view.agenda)
        agenda = [
            AgendaItem(a.code, a.kind, a.seats, tuple(c for c, _ in a.candidates))
            for a in view.agenda
        ]
        try:
            clean = voting.validate_choices(agenda, chosen)
        except RuleViolation:
            return ballot_again(view, code, chosen, prefix="")  # nothing attempted yet
        return page("confirm.html", view.language, view=view, code=code, chosen=clean)

    @app.post("/cast", response_class=HTMLResponse)
    async def cast(request: Request) -> HTMLResponse:
        form = await form_of(request)
        code = form.get("code", [""])[0]
        lang = pick_language(None, request.headers.get("accept-language"))
        try:
            with UnitOfWork() as uow:
                view = service.ballot_view(uow, code, clock())
            chosen = _choices_from_form(form, view.agenda)
            with UnitOfWork() as uow:
                receipt = service.cast_ballot(uow, code, chosen, now=clock())
        except (InvalidBallotCode, voting.UnknownBallotCode):
            return refuse_code(request, code, lang, LABELS[lang]["wrong_code"])
        except voting.CodeAlreadyUsed:
            return home(view.language, LABELS[view.language]["used"], 409)
        except voting.VotingNotOpen:
            when = date_time(view.opens_at, view.language)
            return home(view.language, LABELS[view.language]["not_yet"].format(when=when), 403)
        except voting.VotingClosed:
            when = date_time(view.closed_at or min(view.closes_at, clock()), view.language)
            return home(view.language, LABELS[view.language]["closed"].format(when=when), 403)
        except voting.RemoteVotingNotAllowed:
            return home(view.language, LABELS[view.language]["remote_not_allowed"], 403)
        except RuleViolation:
            return ballot_again(view, code, chosen, prefix="error")
        return page(
            "receipt.html",
            view.language,
            view=view,
            receipt=receipt.receipt,
            cast_at=date_time(clock(), view.language),
            assembly_name=assembly_name(
                view.kind, (view.meeting_at or view.opens_at).year, view.language
            ),
            assembly_id=view.assembly_id,
            base=get_settings().ballot_base_url.rstrip("/"),
        )

    @app.get("/r/{assembly_id}/{receipt}", response_class=HTMLResponse)
    def receipt_again(
        request: Request, assembly_id: int, receipt: str, lang: str | None = None
    ) -> HTMLResponse:
        """The receipt shown again from its address: nothing is looked up or stored (the
        server cannot tell whose it is); after the close the board says if it was counted."""
        from governance.services.voting_results import assembly_heading

        language = pick_language(lang, request.headers.get("accept-language"))
        if not _RECEIPT.fullmatch(receipt):
            return home(language, LABELS[language]["bad_receipt"], 404)
        with UnitOfWork() as uow:
            heading = assembly_heading(uow, assembly_id)
        if heading is None:
            return home(language, LABELS[language]["not_found"], 404)
        kind, year = heading
        return page(
            "receipt.html",
            language,
            receipt=receipt,
            cast_at="",
            assembly_name=assembly_name(kind, year, language),
            assembly_id=assembly_id,
            base=get_settings().ballot_base_url.rstrip("/"),
        )

    add_board_routes(app, page, home)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/favicon.ico")
    def favicon() -> RedirectResponse:
        return RedirectResponse("/", status_code=404)

    return app


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
