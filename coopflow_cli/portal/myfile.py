"""Portal pages of "My file": what the cooperative holds about me, my documents, my contact
details (a new e-mail address only once proven), all my data as one file, and my request to be
erased (a register keeper decides)."""

from __future__ import annotations

import json
import logging
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from coopflow_cli.portal.labels import LABELS
from coopflow_cli.portal.processes import ProcessNotStarted
from coopflow_cli.portal.web import SECURITY_HEADERS, PageNotFound, Portal, portal_of
from documents import archive
from documents.formatting import long_date
from governance.clock import to_brussels
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.contact import (
    ContactFacts,
    ContactRefused,
    EmailTaken,
    contact_problems,
)
from governance.kernel.rules.decisions import DecisionStatus
from governance.kernel.rules.enums import Language
from governance.kernel.rules.errors import RuleViolation
from governance.members.queries import member_file
from governance.members.rules.portal import LinkPurpose, normalised_email
from governance.members.use_cases import erasure_requests, member_contact, portal_access
from governance.members.use_cases.erasure_requests import ErasureRequestView
from governance.members.use_cases.portal_access import LinkView, Person

router = APIRouter()
log = logging.getLogger("coopflow.portal")
DEPLOYMENT = "member-erasure"
CONTACT_FIELDS = ("language", "street", "postcode", "city", "country", "phone", "email")
SAVED = {
    "contact": "file_saved_contact",
    "email": "file_saved_email",
    "erasure": "file_saved_erasure",
}


def _day(lang: str) -> object:
    return lambda moment: long_date(to_brussels(moment).date(), lang) if moment else ""


def _start_erasure(portal: Portal, request: ErasureRequestView) -> None:
    """Start the staff decision (once per request: its key is the run's idempotency key)."""
    parameters = {"params": {"member": request.member_number or str(request.member_id),
                             "request": request.key}}  # fmt: skip
    portal.starter.start(DEPLOYMENT, parameters, request.key)


@router.get("/file")
def my_file(request: Request) -> Response:
    portal = portal_of(request)
    person = portal.require_member(request)
    assert person.member_id is not None
    with UnitOfWork(portal.settings) as uow:
        found = member_file.member_file(uow, person.member_id)
    erasure = found.erasure
    if erasure is not None and erasure.status is DecisionStatus.OPEN and not erasure.flow_run_id:
        try:  # the orchestration server was away when it was asked: start it now
            _start_erasure(portal, erasure)
        except ProcessNotStarted as exc:
            log.warning("portal: erasure %s not started yet: %s", erasure.key, exc)
    lang = portal.language(request)
    saved = SAVED.get(request.query_params.get("saved", ""))
    return portal.page(
        request,
        "file_home.html",
        file=found,
        day=_day(lang),
        saved=LABELS[lang][saved] if saved else "",
        once=portal_access.new_token(),
        lang=lang,
    )


@router.get("/file/documents/{document_id}")
def my_document(request: Request, document_id: str) -> Response:
    portal = portal_of(request)
    person = portal.require_member(request)
    assert person.member_id is not None
    if not document_id.isascii() or not document_id.isdigit() or len(document_id) > 12:
        raise PageNotFound()
    with UnitOfWork(portal.settings) as uow:
        found = member_file.own_document(uow, person.member_id, int(document_id))
    if found is None:
        raise PageNotFound()
    try:
        path = archive.local_path(portal.settings, found.relative_path)
    except archive.ArchiveMissing:
        raise PageNotFound() from None
    return FileResponse(
        path,
        media_type=found.media_type,
        filename=found.filename,
        headers=SECURITY_HEADERS,
    )


@router.get("/file/export")
def my_data(request: Request) -> Response:
    portal = portal_of(request)
    person = portal.require_member(request)
    assert person.member_id is not None
    now = portal.clock()
    with UnitOfWork(portal.settings) as uow:
        data = member_file.export(uow, person.member_id, now)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    name = f"my-data-{data['member'].get('member_number') or person.member_id}-{now:%Y-%m-%d}.json"
    headers = {**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type="application/json; charset=utf-8", headers=headers)


# --- contact details -------------------------------------------------------------------


def _contact_page(
    portal: Portal,
    request: Request,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    lang = portal.language(request)
    t = LABELS[lang]
    labels_of = {
        "language": t["file_letters_language"],
        "street": t["file_f_street"],
        "postcode": t["file_f_postcode"],
        "city": t["file_f_city"],
        "country": t["file_f_country"],
        "phone": t["file_phone"],
        "email": t["file_email"],
    }
    return portal.page(
        request,
        "file_contact.html",
        status,
        values=values,
        errors=errors or {},
        labels_of=labels_of,
        languages=[lang_.value for lang_ in Language],
        lang=lang,
    )


@router.get("/file/contact")
def contact_form(request: Request) -> Response:
    portal = portal_of(request)
    person = portal.require_member(request)
    assert person.member_id is not None
    with UnitOfWork(portal.settings) as uow:
        facts = member_file.facts(uow, person.member_id)
    values = {
        "language": facts.language.value,
        "street": facts.street,
        "postcode": facts.postcode,
        "city": facts.city,
        "country": facts.country,
        "phone": facts.phone,
        "email": facts.email,
    }
    return _contact_page(portal, request, values)


def _typed(fields: dict[str, str]) -> dict[str, str]:
    values = {name: fields.get(name, "").strip()[:300] for name in CONTACT_FIELDS}
    values["country"] = values["country"].upper()
    return values


def _problems(uow: UnitOfWork, member_id: int, values: dict[str, str], lang: str) -> dict[str, str]:
    """Every field's problem, in the member's words."""
    t = LABELS[lang]
    facts = ContactFacts(**{k: v for k, v in values.items() if k != "email"})
    errors = {name: t[f"file_err_{p.value}"] for name, p in contact_problems(facts).items()}
    current = member_file.facts(uow, member_id).email
    if normalised_email(values["email"]) != normalised_email(current):
        try:
            member_contact.check_new_email(uow, member_id, values["email"])
        except ContactRefused as exc:
            errors["email"] = t[f"file_err_{exc.problem.value}"]
        except EmailTaken:
            errors["email"] = t["file_err_email_taken"]
    return {name: errors[name] for name in CONTACT_FIELDS if name in errors}


@router.post("/file/contact")
async def change_contact(request: Request) -> Response:
    portal = portal_of(request)
    fields = await portal.form(request)
    person = portal.require_member(request)
    assert person.member_id is not None
    lang = portal.language(request)
    values = _typed(fields)
    with UnitOfWork(portal.settings) as uow:
        errors = _problems(uow, person.member_id, values, lang)
        current = member_file.facts(uow, person.member_id).email
    if errors:
        return _contact_page(portal, request, values, errors, 400)
    facts = ContactFacts(**{k: v for k, v in values.items() if k != "email"})
    with UnitOfWork(portal.settings) as uow:
        member_contact.change_contact(uow, person.member_id, facts)
    if normalised_email(values["email"]) == normalised_email(current):
        return portal.redirect(request, "/file?saved=contact")
    return _ask_email_change(portal, request, person, values["email"])


def _ask_email_change(portal: Portal, request: Request, person: Person, email: str) -> Response:
    """The new address gets a confirmation link for this browser; nothing changes before."""
    with UnitOfWork(portal.settings) as uow:
        sent = portal_access.request_link(
            uow,
            email=email,
            browser=portal.browser(request),
            language=person.language,
            base_url=portal.settings.portal_base_url,
            now=portal.clock(),
            purpose=LinkPurpose.EMAIL_CHANGE,
            member_id=person.member_id,
        )
    if sent.outbox_key:
        portal.send_now(sent.outbox_key)
    return portal.page(request, "file_email_sent.html", email=normalised_email(email))


def finish_email_change(request: Request, link: LinkView) -> Response:
    """A confirmation link of a new e-mail address was used: make it the member's address."""
    portal = portal_of(request)
    if link.member_id is None:
        raise PageNotFound()
    now = portal.clock()
    try:
        with UnitOfWork(portal.settings) as uow:
            changed = member_contact.change_email(uow, link.member_id, link.email, now)
    except RuleViolation:  # the address is someone else's now, or the file was erased
        lang = portal.language(request)
        message = LABELS[lang]["file_email_not_changed"]
        return portal.page(request, "message.html", 409, message=message)
    if changed.notice_key:
        portal.send_now(changed.notice_key)
    with UnitOfWork(portal.settings) as uow:
        session = portal_access.start_session(uow, changed.new_email, link.language, now)
    request.state.person = None  # the old session ended: the next page reads the new one
    response = portal.redirect(request, "/file?saved=email")
    portal.set_session_cookie(response, session)
    return response


# --- erasure ---------------------------------------------------------------------------


@router.post("/file/erasure")
async def ask_erasure(request: Request) -> Response:
    portal = portal_of(request)
    fields = await portal.form(request)
    person = portal.require_member(request)
    assert person.member_id is not None
    source = portal.request_key(person, fields, "erasure")
    key = erasure_requests.erasure_key(person.member_id, source)
    actor = Actor.member(person.member_number or str(person.member_id))
    now: datetime = portal.clock()
    with UnitOfWork(portal.settings) as uow:  # stored before the process starts
        asked = erasure_requests.ask_for_erasure(uow, person.member_id, key, actor=actor, now=now)
    _start_erasure(portal, asked)
    return portal.redirect(request, "/file?saved=erasure#erasure")
