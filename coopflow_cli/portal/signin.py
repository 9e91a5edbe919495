"""Sign in with a one-time link, sign out, the language, and the signed-in home page."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coopflow_cli.portal.labels import LABELS
from coopflow_cli.portal.web import SESSION_COOKIE, Portal, portal_of
from governance.db.uow import UnitOfWork
from governance.kernel.rules.enums import Language
from governance.members.rules.portal import LinkFromAnotherBrowser, LinkNotValid, LinkPurpose
from governance.members.use_cases import portal_access

EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,24}")
router = APIRouter()


def sign_in_page(
    portal: Portal, request: Request, status: int = 200, **context: object
) -> Response:
    """The sign-in form, with a message above it if any."""
    context.setdefault("message", "")
    context.setdefault("email", "")
    return portal.page(request, "sign_in.html", status, **context)


def _refused_link(portal: Portal, request: Request, exc: Exception) -> Response:
    lang = portal.language(request)
    if isinstance(exc, LinkFromAnotherBrowser):
        return sign_in_page(portal, request, 403, message=LABELS[lang]["link_other_browser"])
    return sign_in_page(portal, request, 410, message=LABELS[lang]["link_not_valid"])


@router.get("/")
def home(request: Request) -> Response:
    portal = portal_of(request)
    if portal.person(request) is not None:
        return portal.redirect(request, "/me")
    return sign_in_page(portal, request)


@router.post("/sign-in")
async def ask_link(request: Request) -> Response:
    """Queue a link and send it now; the page is the same whether the address is known."""
    portal = portal_of(request)
    fields = await portal.form(request)
    lang = portal.language(request)
    email = fields.get("email", "").strip()
    if not EMAIL.fullmatch(email):
        message = LABELS[lang]["bad_email"]
        return sign_in_page(portal, request, 400, message=message, email=email, invalid=True)
    wait = portal.limited(portal.sign_in_limit, request)
    if wait:
        message = LABELS[lang]["slow_down"].format(seconds=int(wait) + 1)
        return sign_in_page(portal, request, 429, message=message, email=email)
    with UnitOfWork(portal.settings) as uow:
        sent = portal_access.request_link(
            uow,
            email=email,
            browser=portal.browser(request),
            language=Language(lang),
            base_url=portal.settings.portal_base_url,
            now=portal.clock(),
        )
    if sent.outbox_key:
        portal.send_now(sent.outbox_key)
    return portal.page(request, "check_mail.html")


@router.get("/link/{token}")
def open_link(request: Request, token: str) -> Response:
    """Shows what the link does; only the button (a POST) uses it: mail scanners that open
    links sign nobody in."""
    portal = portal_of(request)
    try:
        with UnitOfWork(portal.settings) as uow:
            link = portal_access.peek_link(uow, token, portal.browser(request), portal.clock())
    except (LinkFromAnotherBrowser, LinkNotValid) as exc:
        return _refused_link(portal, request, exc)
    lang = None if "lang" in request.query_params else str(link.language)
    return portal.page(
        request, "link.html", email=link.email, token=token, purpose=str(link.purpose), lang=lang
    )


@router.post("/link/{token}")
async def use_link(request: Request, token: str) -> Response:
    portal = portal_of(request)
    await portal.form(request)
    now = portal.clock()
    try:
        with UnitOfWork(portal.settings) as uow:
            link = portal_access.use_link(uow, token, portal.browser(request), now)
    except (LinkFromAnotherBrowser, LinkNotValid) as exc:
        return _refused_link(portal, request, exc)
    if link.purpose is not LinkPurpose.SIGN_IN:
        return portal.link_finishers[link.purpose](request, link)
    with UnitOfWork(portal.settings) as uow:
        session = portal_access.start_session(uow, link.email, link.language, now)
    response = portal.redirect(request, "/me")
    portal.set_session_cookie(response, session)
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    portal = portal_of(request)
    await portal.form(request)
    with UnitOfWork(portal.settings) as uow:
        portal_access.sign_out(uow, request.cookies.get(SESSION_COOKIE), portal.clock())
    request.state.person = None
    notice = LABELS[portal.language(request)]["signed_out"]
    response = sign_in_page(portal, request, notice=notice)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/language")
async def choose_language(request: Request) -> Response:
    """A signed-in person's language for the portal's pages (the language of their letters
    is changed in My file)."""
    portal = portal_of(request)
    fields = await portal.form(request)
    person = portal.require(request)
    chosen = fields.get("lang", "")
    if chosen in LABELS:
        with UnitOfWork(portal.settings) as uow:
            portal_access.set_session_language(uow, person.session_id, Language(chosen))
    back = fields.get("back", "/me")
    safe = back.startswith("/") and not back.startswith("//")
    return portal.redirect(request, back if safe else "/me")


@router.get("/me")
def dashboard(request: Request) -> Response:
    portal = portal_of(request)
    portal.require(request)
    return portal.page(request, "dashboard.html")
