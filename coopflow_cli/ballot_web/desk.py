"""What every page of the ballot site shares: templates, the wrong-code throttle, the clock, and
the answers common to several routes (the home page with a message, a ballot opened by its code,
the ballot shown again with its problems named). One per app, kept on `app.state.desk`."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from coopflow_cli.ballot_web.clients import client_address, code_target, parse_trusted
from coopflow_cli.ballot_web.labels import LABELS, assembly_name, plural
from documents.formatting import date_time
from governance.assembly.rules import voting
from governance.assembly.rules.assembly import InvalidBallotCode
from governance.assembly.rules.voting import WindowState
from governance.assembly.use_cases import voting as service
from governance.clock import utcnow
from governance.db.uow import UnitOfWork

TEMPLATES = Path(__file__).with_name("templates")
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; style-src 'unsafe-inline'; form-action 'self'",
}


def choices_from_form(form: dict[str, list[str]], agenda: tuple[Any, ...]) -> dict[str, Any]:
    """Motions come as r_<code>=for|against|abstain, elections as e_<code>=<candidate>..."""
    choices: dict[str, Any] = {}
    for item in agenda:
        if item.kind == "election":
            choices[item.code] = form.get(f"e_{item.code}", [])
        elif f"r_{item.code}" in form:
            choices[item.code] = form[f"r_{item.code}"][0]
    return choices


def problems(view: Any, chosen: dict[str, Any], lang: str) -> tuple[list[str], set[str]]:
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


async def form_of(request: Request) -> dict[str, list[str]]:
    body = (await request.body()).decode("utf-8", errors="replace")
    return parse_qs(body, keep_blank_values=False, max_num_fields=200)


class BallotDesk:
    """The ballot site's shared parts; `clock`, the throttle and `monotonic` are injectable for
    tests. X-Forwarded-For is believed only from `trusted_proxies`."""

    def __init__(
        self,
        clock: Callable[[], datetime] = utcnow,
        throttle: voting.WrongCodeThrottle | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        trusted_proxies: tuple[str, ...] = (),
    ) -> None:
        self.clock = clock
        self.monotonic = monotonic
        self.bucket = throttle or voting.WrongCodeThrottle()
        self.trusted = parse_trusted(trusted_proxies)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )

    def page(self, name: str, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.env.get_template(name).render(
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

    def home(self, lang: str, message: str = "", status: int = 200, code: str = "") -> HTMLResponse:
        return self.page("home.html", lang, status, message=message, code=code)

    def client_of(self, request: Request) -> str:
        peer = request.client.host if request.client else "unknown"
        return client_address(peer, request.headers.get("x-forwarded-for"), self.trusted)

    def refuse_code(self, request: Request, typed: str, lang: str, message: str) -> HTMLResponse:
        """A wrong code counts against the address and against the code's first characters;
        past the limit the answer is "slow down". A right code never comes here."""
        keys = (f"address:{self.client_of(request)}", f"code:{code_target(typed)}")
        now = self.monotonic()
        wait = max(self.bucket.wait_seconds(key, now) for key in keys)
        for key in keys:
            self.bucket.wrong_code(key, now)
        if wait > 0:
            return self.home(lang, LABELS[lang]["slow_down"].format(seconds=int(wait) + 1), 429)
        return self.home(lang, message, 400, typed if message == LABELS[lang]["typo_code"] else "")

    def open_ballot(
        self, request: Request, code: str, lang: str
    ) -> tuple[Any, HTMLResponse | None]:
        """The ballot view for `code`, or the page to show instead (wrong code, closed...)."""
        try:
            with UnitOfWork() as uow:
                view = service.ballot_view(uow, code, self.clock())
        except InvalidBallotCode:
            return None, self.refuse_code(request, code, lang, LABELS[lang]["typo_code"])
        except voting.UnknownBallotCode:
            return None, self.refuse_code(request, code, lang, LABELS[lang]["wrong_code"])
        t = LABELS[view.language]
        if view.state is WindowState.NOT_YET:
            when = date_time(view.opens_at, view.language)
            return view, self.home(view.language, t["not_yet"].format(when=when), 403)
        if view.state is WindowState.CLOSED:
            when = date_time(view.closed_at or view.closes_at, view.language)
            return view, self.home(view.language, t["closed"].format(when=when), 403)
        if view.already_voted and not view.revote_allowed:
            return view, self.home(view.language, t["used"], 409)
        return view, None

    def ballot_page(
        self, view: Any, code: str, chosen: dict[str, Any], **more: Any
    ) -> HTMLResponse:
        from governance.assembly.use_cases.voting_results import public_documents

        with UnitOfWork() as uow:
            documents = public_documents(uow, view.assembly_id, view.language)
        status = more.pop("status", 200)
        return self.page(
            "ballot.html",
            view.language,
            status,
            view=view,
            code=code,
            chosen=chosen,
            documents=documents,
            **more,
        )

    def ballot_again(
        self, view: Any, code: str, chosen: dict[str, Any], prefix: str
    ) -> HTMLResponse:
        """The ballot with the voter's choices kept and every problem named."""
        lang = view.language
        messages, wrong = problems(view, chosen, lang)
        if not messages:  # a form that is not ours (unknown item or candidate)
            messages = [LABELS[lang]["bad_form"]]
        if prefix:
            messages = [LABELS[lang][prefix].format(reason=messages[0]), *messages[1:]]
        return self.ballot_page(view, code, chosen, status=400, messages=messages, wrong=wrong)
