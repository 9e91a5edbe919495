"""Portal pages: grants. A member reads the calls open now, applies to one (title, summary,
amount asked, budget lines), follows their applications and downloads the decision letter.

An application is stored by the grant use case (`grants_portal.apply_for_grant`, the same
as `coop grants apply`); no process starts per application: the call's `grant-awarding` run,
started by staff after the closing time, screens, reviews and decides every file at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from pydantic import ValidationError

from coopflow_cli.portal.labels import LABELS
from coopflow_cli.portal.web import SECURITY_HEADERS, PageNotFound, Portal, portal_of
from documents import archive
from documents.formatting import date_time, long_date, money
from governance.db.uow import UnitOfWork
from governance.grants.rules.grants import (
    ApplicationStatus,
    CallClosed,
    DuplicateApplication,
    Ineligibility,
)
from governance.grants.use_cases import grants_portal
from governance.grants.use_cases.grants import ApplicationSpec, BudgetLineSpec
from governance.grants.use_cases.grants_portal import CallView, MyApplication
from governance.kernel.rules.enums import DocumentFormat
from governance.kernel.rules.text import text_problem
from governance.members.use_cases.portal_access import Person, new_token

router = APIRouter()

BUDGET_ROWS = 5
TITLE_MAX = 300
LABEL_MAX = 200
SUMMARY_MAX = 5000
AMOUNT = re.compile(r"(\d{1,3}(?:[.,\s]\d{3})*|\d+)(?:[.,](\d{1,2}))?")
MEDIA_TYPES = {
    DocumentFormat.PDF: "application/pdf",
    DocumentFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# the screening's reasons, as the field of the form they belong to and the message's key
PROBLEM_FIELDS = {
    Ineligibility.NO_TITLE: ("title", "grants_err_required"),
    Ineligibility.NO_SUMMARY: ("summary", "grants_err_required"),
    Ineligibility.NO_BUDGET: ("line1_label", "grants_err_no_budget"),
    Ineligibility.ABOVE_PROJECT_BUDGET: ("amount", "grants_err_above_budget"),
    Ineligibility.BELOW_MINIMUM: ("amount", "grants_err_below_min"),
    Ineligibility.ABOVE_MAXIMUM: ("amount", "grants_err_above_max"),
}


def parse_cents(text: str) -> int | None:
    """'2500', '2 500', '2.500,50', '2500.5', '€ 2500' -> cents; None if not an amount."""
    cleaned = text.replace("€", "").replace("\u00a0", " ").replace("\u202f", " ").strip()
    found = AMOUNT.fullmatch(cleaned)
    if not found:
        return None
    euros = int(re.sub(r"[.,\s]", "", found.group(1)))
    cents = int((found.group(2) or "0").ljust(2, "0"))
    return euros * 100 + cents


@dataclass
class Filled:
    """The form as typed, and what is wrong with it (field id -> message)."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    amount_cents: int = 0
    lines: list[BudgetLineSpec] = field(default_factory=list)


def read_form(fields: dict[str, str], t: dict[str, str]) -> Filled:
    """Check each field, keeping what was typed; empty budget rows are ignored."""
    names = ["title", "summary", "amount"]
    names += [f"line{i}_{part}" for i in range(1, BUDGET_ROWS + 1) for part in ("label", "amount")]
    filled = Filled({name: fields.get(name, "").strip() for name in names})
    v, errors = filled.values, filled.errors
    for name, limit, one_line in (("title", TITLE_MAX, True), ("summary", SUMMARY_MAX, False)):
        if len(v[name]) > limit:
            errors[name] = t["grants_err_too_long"].format(limit=limit)
        elif text_problem(v[name], one_line=one_line):
            errors[name] = t["grants_err_character"]
    if not v["amount"]:
        errors["amount"] = t["grants_err_required"]
    elif (asked := parse_cents(v["amount"])) is None or asked <= 0:
        errors["amount"] = t["grants_err_amount"]
    else:
        filled.amount_cents = asked
    for i in range(1, BUDGET_ROWS + 1):
        _read_line(filled, i, t)
    return filled


def _read_line(filled: Filled, i: int, t: dict[str, str]) -> None:
    label_id, amount_id = f"line{i}_label", f"line{i}_amount"
    label, amount = filled.values[label_id], filled.values[amount_id]
    if not label and not amount:
        return
    cents = parse_cents(amount) if amount else None
    if not label:
        filled.errors[label_id] = t["grants_err_line_label"]
    elif len(label) > LABEL_MAX:
        filled.errors[label_id] = t["grants_err_too_long"].format(limit=LABEL_MAX)
    elif text_problem(label, one_line=True):
        filled.errors[label_id] = t["grants_err_character"]
    if not amount:
        filled.errors[amount_id] = t["grants_err_line_amount"]
    elif cents is None or cents <= 0:
        filled.errors[amount_id] = t["grants_err_amount"]
    if label_id not in filled.errors and amount_id not in filled.errors and cents:
        filled.lines.append(BudgetLineSpec(label=label, amount_cents=cents))


def check_rules(filled: Filled, call: CallView, t: dict[str, str], lang: str) -> None:
    """The screening's own completeness and amount rules, said now on the fields (a rule
    on the budget waits until every budget row reads well)."""
    budget_read = not any(name.startswith("line") for name in filled.errors)
    problems = grants_portal.form_problems(
        call,
        filled.values["title"],
        filled.values["summary"],
        filled.amount_cents,
        [line.amount_cents for line in filled.lines],
    )
    words = {
        "min": money(call.min_amount_cents, lang),
        "max": money(call.max_amount_cents, lang),
        "total": money(sum(line.amount_cents for line in filled.lines), lang),
    }
    for problem in problems:
        if problem not in PROBLEM_FIELDS:
            continue
        name, key = PROBLEM_FIELDS[problem]
        if name == "amount" and not filled.amount_cents:
            continue  # empty or unreadable: already said
        if problem in (Ineligibility.NO_BUDGET, Ineligibility.ABOVE_PROJECT_BUDGET) and (
            not budget_read
        ):
            continue
        filled.errors.setdefault(name, t[key].format(**words))


# --------------------------------------------------------------------------- status words


def status_words(app: MyApplication, t: dict[str, str], lang: str) -> tuple[str, str]:
    """The status in a few words (lists) and in a sentence (the application's page)."""
    decided = long_date(app.review_due_at, lang)
    closes = long_date(app.closes_at, lang)
    if app.status is ApplicationStatus.AWARDED:
        amount = money(app.awarded_cents or 0, lang)
        return (
            t["grants_status_awarded"].format(amount=amount),
            t["grants_explain_awarded"].format(amount=amount),
        )
    key = {
        ApplicationStatus.SUBMITTED: "submitted",
        ApplicationStatus.INELIGIBLE: "screened",
        ApplicationStatus.BEYOND_LIMIT: "screened",
        ApplicationStatus.IN_REVIEW: "in_review",
        ApplicationStatus.RANKED: "ranked",
        ApplicationStatus.REJECTED: "rejected",
    }[app.status]
    return (
        t[f"grants_status_{key}"].format(date=decided),
        t[f"grants_explain_{key}"].format(date=decided, closes=closes),
    )


# --------------------------------------------------------------------------- pages


def _t(portal: Portal, request: Request) -> tuple[str, dict[str, str]]:
    lang = portal.language(request)
    return lang, LABELS[lang]


def _number(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise PageNotFound()
    return int(text)


def _calls_and_mine(portal: Portal, person: Person) -> tuple[list[CallView], list[MyApplication]]:
    assert person.member_id is not None
    with UnitOfWork(portal.settings) as uow:
        calls = grants_portal.open_calls(uow, person.member_id, portal.clock())
        mine = grants_portal.my_applications(uow, person.member_id)
    return calls, mine


@router.get("/grants")
def grants_home(request: Request) -> Response:
    """The calls open now and my applications with their status and letters."""
    portal = portal_of(request)
    person = portal.require_member(request)
    lang, t = _t(portal, request)
    calls, mine = _calls_and_mine(portal, person)
    return portal.page(
        request,
        "grants_home.html",
        calls=calls,
        mine=[(app, status_words(app, t, lang)[0]) for app in mine],
        money=lambda cents: money(cents, lang),
        day=lambda moment: long_date(moment, lang),
    )


def _call_or_404(portal: Portal, call_id: int, person: Person) -> CallView:
    assert person.member_id is not None
    with UnitOfWork(portal.settings) as uow:
        call = grants_portal.call_for_member(uow, call_id, person.member_id, portal.clock())
    if call is None:
        raise PageNotFound()
    return call


def _closed_page(portal: Portal, request: Request, call: CallView) -> Response:
    lang, t = _t(portal, request)
    closed = t["grants_closed"].format(
        name=call.name, closes=date_time(call.closes_at, lang), opens=date_time(call.opens_at, lang)
    )
    return portal.page(request, "grants_closed.html", 410, message=closed)


def _form_page(
    portal: Portal, request: Request, call: CallView, filled: Filled | None = None
) -> Response:
    lang, t = _t(portal, request)
    labels_of = {
        "title": t["grants_title"],
        "summary": t["grants_summary"],
        "amount": t["grants_amount"],
    }
    for i in range(1, BUDGET_ROWS + 1):
        labels_of[f"line{i}_label"] = t["grants_line_label_n"].format(n=i)
        labels_of[f"line{i}_amount"] = t["grants_line_amount_n"].format(n=i)
    return portal.page(
        request,
        "grants_apply.html",
        400 if filled and filled.errors else 200,
        call=call,
        values=filled.values if filled else {},
        errors={name: filled.errors[name] for name in labels_of if name in filled.errors}
        if filled
        else {},
        labels_of=labels_of,
        rows=range(1, BUDGET_ROWS + 1),
        once=new_token(),
        money=lambda cents: money(cents, lang),
        limits=t["grants_amount_help"].format(
            min=money(call.min_amount_cents, lang), max=money(call.max_amount_cents, lang)
        ),
    )


def _to_application(
    portal: Portal, request: Request, application_id: int, already: bool
) -> Response:
    suffix = "?already=1" if already else ""
    return portal.redirect(request, f"/grants/applications/{application_id}{suffix}")


@router.get("/grants/{call_id}/apply")
def apply_form(request: Request, call_id: str) -> Response:
    """The application form of a call open now (my application if I applied already)."""
    portal = portal_of(request)
    person = portal.require_member(request)
    call = _call_or_404(portal, _number(call_id), person)
    if call.my_application_id is not None:
        return _to_application(portal, request, call.my_application_id, already=True)
    if not call.open:
        return _closed_page(portal, request, call)
    return _form_page(portal, request, call)


@router.post("/grants/{call_id}/apply")
async def apply_send(request: Request, call_id: str) -> Response:
    """Store the application (once per form) and show its status page."""
    portal = portal_of(request)
    fields = await portal.form(request)
    person = portal.require_member(request)
    assert person.member_id is not None
    lang, t = _t(portal, request)
    call = _call_or_404(portal, _number(call_id), person)
    key = portal.request_key(person, fields, "grant-application")
    try:
        with UnitOfWork(portal.settings) as uow:
            prior = grants_portal.already_applied(uow, call.id, person.member_id, key)
    except DuplicateApplication:
        assert call.my_application_id is not None
        return _to_application(portal, request, call.my_application_id, already=True)
    if prior is not None:
        return _to_application(portal, request, prior.application_id, already=False)
    if not call.open:
        return _closed_page(portal, request, call)
    filled = read_form(fields, t)
    check_rules(filled, call, t, lang)
    if filled.errors:
        return _form_page(portal, request, call, filled)
    return _store(portal, request, call, person.member_id, filled, key)


def _store(
    portal: Portal, request: Request, call: CallView, member_id: int, filled: Filled, key: str
) -> Response:
    try:
        spec = ApplicationSpec(
            member_id=member_id,
            project_title=filled.values["title"],
            summary=filled.values["summary"],
            amount_asked_cents=filled.amount_cents,
            budget_lines=filled.lines,
            submitted_at=portal.clock(),
        )
        with UnitOfWork(portal.settings) as uow:
            applied = grants_portal.apply_for_grant(uow, call.id, spec, key)
    except CallClosed:  # the deadline passed while the member typed
        return _closed_page(portal, request, call)
    except DuplicateApplication:  # another form of theirs, sent at the same moment
        person = portal.require_member(request)
        mine = _call_or_404(portal, call.id, person).my_application_id
        assert mine is not None
        return _to_application(portal, request, mine, already=True)
    except ValidationError:  # every field was read above: what the model still refuses
        t = LABELS[portal.language(request)]
        filled.errors["title"] = t["grants_err_character"]
        return _form_page(portal, request, call, filled)
    return _to_application(portal, request, applied.application_id, already=False)


def _mine_or_404(portal: Portal, request: Request, application_id: str) -> MyApplication:
    person = portal.require_member(request)
    assert person.member_id is not None
    number = _number(application_id)
    with UnitOfWork(portal.settings) as uow:
        app = grants_portal.my_application(uow, person.member_id, number)
    if app is None:
        raise PageNotFound()
    return app


@router.get("/grants/applications/{application_id}")
def application_page(request: Request, application_id: str) -> Response:
    """One of my applications: its status in words, what I asked, the decision letter."""
    portal = portal_of(request)
    app = _mine_or_404(portal, request, application_id)
    lang, t = _t(portal, request)
    short, sentence = status_words(app, t, lang)
    return portal.page(
        request,
        "grants_application.html",
        app=app,
        short=short,
        sentence=sentence,
        already="already" in request.query_params,
        money=lambda cents: money(cents, lang),
    )


@router.get("/grants/applications/{application_id}/letter")
def application_letter(request: Request, application_id: str) -> Response:
    """The archived decision letter of one of my applications (404 otherwise)."""
    portal = portal_of(request)
    app = _mine_or_404(portal, request, application_id)
    if app.letter is None:
        raise PageNotFound()
    try:
        path = archive.local_path(portal.settings, app.letter.relative_path)
    except archive.ArchiveMissing:
        raise PageNotFound() from None
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[app.letter.format],
        filename=app.letter.filename,
        headers=SECURITY_HEADERS,
    )
