"""Portal pages: my shares (holdings, register entries, subscriptions with their payment
instructions until the certificate arrives) and subscribing more shares.

Subscribing calls the use case first (the subscription exists, with its payment
instructions, before the page answers: one per form, whatever the clicks), then starts the
`share-subscription` process with the same request key: the process finds that subscription
instead of making another. If the orchestration server was away, "My shares" starts it again
(same key: one run) until the process has taken the subscription in hand."""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coopflow_cli.portal.labels import LABELS
from coopflow_cli.portal.processes import ProcessNotStarted
from coopflow_cli.portal.web import SECURITY_HEADERS, PageNotFound, Portal, portal_of
from documents import archive, formatting
from documents.attachment_names import attachment_names
from documents.transition_docs import payment_qr_png
from governance.db.uow import UnitOfWork
from governance.kernel.rules.errors import RuleViolation
from governance.members.use_cases import portal_access
from governance.members.use_cases.portal_access import Person
from governance.register.use_cases import shares_portal
from governance.register.use_cases.shares_portal import MySubscription, Stage, SubscribeChoice

router = APIRouter()
log = logging.getLogger("coopflow.portal")
DEPLOYMENT = "share-subscription"
WHAT = "shares-subscription"  # request keys: portal:shares-subscription:<session>:<once>
KEY_PREFIX = f"portal:{WHAT}:"
STEPS = (Stage.AWAITING_PAYMENT, Stage.PAID, Stage.CERTIFICATE)


def qr_data_uri(payload: str) -> str:
    """The EPC payment QR as an inline PNG (the page's CSP allows data: images)."""
    png = payment_qr_png(payload)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _formatters(lang: str) -> dict[str, Any]:
    """What the templates format with, in the page's language (babel)."""
    formatters: dict[str, Callable[..., str]] = {
        "money": lambda cents: formatting.money(cents, lang),
        "day": lambda value: formatting.long_date(value, lang) if value else "",
        "count": lambda value: formatting.number(value, lang),
        "iban": formatting.group_iban,
        "qr": qr_data_uri,
    }
    return dict(formatters)


def _member(portal: Portal, request: Request) -> tuple[Person, int]:
    person = portal.require_member(request)
    assert person.member_id is not None  # require_member
    return person, person.member_id


def _start(portal: Portal, member_id: int, sub: MySubscription) -> str:
    """Start (or find, by its key) the process of a subscription made in the portal."""
    assert sub.request_key is not None
    params = {
        "member_id": member_id,
        "share_class": sub.share_class,
        "shares": sub.shares,
        "request_key": sub.request_key,
        "staff": "system",
    }
    return portal.starter.start(DEPLOYMENT, {"params": params}, sub.request_key)


def _start_waiting(portal: Portal, member_id: int) -> bool:
    """Start again the processes the server did not take; False if it is still away."""
    with UnitOfWork(portal.settings) as uow:
        waiting = shares_portal.waiting_for_process(uow, member_id, KEY_PREFIX)
    for sub in waiting:
        try:
            _start(portal, member_id, sub)
        except ProcessNotStarted as exc:
            log.warning("portal: subscription %s: process not started: %s", sub.id, exc)
            return False
    return True


@router.get("/shares")
def my_shares(request: Request) -> Response:
    """What I hold, my register entries, my subscriptions and where each stands."""
    portal = portal_of(request)
    _, member_id = _member(portal, request)
    started = _start_waiting(portal, member_id)
    with UnitOfWork(portal.settings) as uow:
        mine = shares_portal.my_shares(uow, member_id)
        choice = shares_portal.subscribe_choice(uow, member_id)
    lang = portal.language(request)
    return portal.page(
        request,
        "shares_home.html",
        mine=mine,
        pay_to=mine.pay_to,
        may_subscribe=choice.may_subscribe,
        classes={c.code: c.label_in(lang) for c in choice.classes},
        steps=STEPS,
        started=started,
        **_formatters(lang),
    )


def _number(text: str) -> int | None:
    """A whole number typed with the digits 0-9 (nothing else), or None."""
    return int(text) if re.fullmatch(r"[0-9]{1,9}", text) else None


@router.get("/shares/subscription/{subscription_id}")
def subscription_page(request: Request, subscription_id: str) -> Response:
    """One subscription: its payment instructions and its way to the certificate."""
    portal = portal_of(request)
    _, member_id = _member(portal, request)
    wanted = _number(subscription_id)
    started = _start_waiting(portal, member_id)
    with UnitOfWork(portal.settings) as uow:
        sub = shares_portal.my_subscription(uow, member_id, wanted) if wanted else None
        choice = shares_portal.subscribe_choice(uow, member_id)
        pay_to = shares_portal.pay_to(uow)
    if sub is None:
        raise PageNotFound()
    lang = portal.language(request)
    return portal.page(
        request,
        "shares_subscription.html",
        sub=sub,
        pay_to=pay_to,
        classes={c.code: c.label_in(lang) for c in choice.classes},
        steps=STEPS,
        started=started,
        **_formatters(lang),
    )


@router.get("/shares/certificate/{subscription_id}")
def certificate(request: Request, subscription_id: str) -> Response:
    """The archived certificate of one of my subscriptions (404 for anything else)."""
    portal = portal_of(request)
    _, member_id = _member(portal, request)
    wanted = _number(subscription_id)
    with UnitOfWork(portal.settings) as uow:
        found = shares_portal.my_certificate(uow, member_id, wanted) if wanted else None
    if found is None:
        raise PageNotFound()
    try:
        data = archive.read_bytes(portal.settings, found.archive_name)
    except archive.ArchiveMissing:
        raise PageNotFound() from None
    name = attachment_names([found.archive_name], portal.language(request))[0]
    headers = {
        **SECURITY_HEADERS,
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
    }
    return Response(data, media_type=found.media_type, headers=headers)


# --------------------------------------------------------------------------- subscribing


def _form_page(
    portal: Portal,
    request: Request,
    choice: SubscribeChoice,
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    lang = portal.language(request)
    t = LABELS[lang]
    default = choice.held_classes[0] if choice.held_classes else ""
    if not default and choice.classes:
        default = choice.classes[0].code
    return portal.page(
        request,
        "shares_subscribe.html",
        status,
        choice=choice,
        classes=[(c.code, c.label_in(lang), c) for c in choice.classes],
        values=values or {"shares": "1", "share_class": default},
        errors=errors or {},
        labels_of={"shares": t["shares_count"], "share_class": t["shares_class"]},
        once=portal_access.new_token(),
        **_formatters(lang),
    )


@router.get("/shares/subscribe")
def subscribe_form(request: Request) -> Response:
    portal = portal_of(request)
    _, member_id = _member(portal, request)
    with UnitOfWork(portal.settings) as uow:
        choice = shares_portal.subscribe_choice(uow, member_id)
    if not choice.may_subscribe:
        return _closed(portal, request)
    return _form_page(portal, request, choice)


def _closed(portal: Portal, request: Request) -> Response:
    """A member who left (excluded, deceased) subscribes no more: said, nothing offered."""
    message = LABELS[portal.language(request)]["shares_closed"]
    return portal.page(request, "message.html", 403, message=message)


def check_form(fields: dict[str, str], choice: SubscribeChoice, lang: str) -> dict[str, str]:
    """A localized message per wrong field (empty: the form is right)."""
    t = LABELS[lang]
    errors: dict[str, str] = {}
    offer = next((c for c in choice.classes if c.code == fields.get("share_class")), None)
    if offer is None:
        errors["share_class"] = t["shares_error_class"]
    typed = fields.get("shares", "").strip()
    count = _number(typed)
    minimum = offer.minimum_shares if offer else 1
    if count is None:
        errors["shares"] = t["shares_error_number"]
    elif count < minimum:
        errors["shares"] = t["shares_error_minimum"].format(minimum=minimum)
    elif count > choice.maximum:
        maximum = formatting.number(choice.maximum, lang)
        errors["shares"] = t["shares_error_maximum"].format(maximum=maximum)
    return errors


@router.post("/shares/subscribe")
async def subscribe(request: Request) -> Response:
    """Record the subscription (once per form), then start its process."""
    portal = portal_of(request)
    fields = await portal.form(request)
    person, member_id = _member(portal, request)
    lang = portal.language(request)
    with UnitOfWork(portal.settings) as uow:
        choice = shares_portal.subscribe_choice(uow, member_id)
    values = {"shares": fields.get("shares", "")[:20], "share_class": fields.get("share_class", "")}
    if not choice.may_subscribe:
        return _closed(portal, request)
    errors = check_form(fields, choice, lang)
    if errors:
        return _form_page(portal, request, choice, 400, values, errors)
    key = portal.request_key(person, fields, WHAT)
    try:
        with UnitOfWork(portal.settings) as uow:
            sub_id = shares_portal.subscribe_from_portal(
                uow,
                member_id=member_id,
                member_number=person.member_number,
                share_class=values["share_class"],
                shares_count=_number(fields.get("shares", "").strip()) or 0,
                request_key=key,
            )
    except RuleViolation as exc:  # the statutes refused: said in the member's words
        log.info("portal: subscription refused: %s", exc)
        errors = {"share_class": LABELS[lang]["shares_error_refused"]}
        return _form_page(portal, request, choice, 400, values, errors)
    with UnitOfWork(portal.settings) as uow:
        sub = shares_portal.my_subscription(uow, member_id, sub_id)
    assert sub is not None
    _start(portal, member_id, sub)  # ProcessNotStarted: the app says "saved, come back"
    return portal.redirect(request, f"/shares/subscription/{sub_id}")
