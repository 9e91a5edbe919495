"""What the member portal reads and does about grants: the calls open now, a member's own
applications with their decision letters, and applying once per form.

Reads return frozen views, never rows; `apply_for_grant` is the portal's door to
`grants.submit_application` (one transaction, committed there)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from governance.db.models import Document, TimelineEvent
from governance.db.models.grants import GrantApplication, GrantBudgetLine, GrantCall, GrantCriterion
from governance.db.uow import UnitOfWork
from governance.grants.rules import grants as rules
from governance.grants.rules.grants import ApplicationStatus, CallStatus, Ineligibility
from governance.grants.use_cases.grant_awards import letter_key
from governance.grants.use_cases.grants import (
    SUBJECT_APPLICATION,
    ApplicationSpec,
    submit_application,
)
from governance.kernel.rules.enums import DocumentFormat


@dataclass(frozen=True)
class CriterionLine:
    label: str
    weight: int
    scale_max: int


@dataclass(frozen=True)
class CallView:
    """A call as a member reads it; `open` says whether it takes files at `now`."""

    id: int
    name: str
    opens_at: datetime
    closes_at: datetime
    review_due_at: datetime
    budget_cents: int
    min_amount_cents: int
    max_amount_cents: int
    criteria: tuple[CriterionLine, ...]
    open: bool
    my_application_id: int | None


@dataclass(frozen=True)
class LetterFile:
    """An archived decision letter: its path inside the archive, format and a file name."""

    relative_path: str
    format: DocumentFormat
    filename: str


@dataclass(frozen=True)
class MyApplication:
    id: int
    reference: str
    call_id: int
    call_name: str
    title: str
    summary: str
    amount_asked_cents: int
    budget_lines: tuple[tuple[str, int], ...]
    status: ApplicationStatus
    awarded_cents: int | None
    submitted_at: datetime
    closes_at: datetime
    review_due_at: datetime
    letter: LetterFile | None


@dataclass(frozen=True)
class Applied:
    """A stored application; `repeated`: this very form had stored it already."""

    application_id: int
    reference: str
    repeated: bool


def _is_open(call: GrantCall, now: datetime) -> bool:
    return call.status == CallStatus.OPEN and call.opens_at <= now <= call.closes_at


def _call_view(session: Session, call: GrantCall, member_id: int, now: datetime) -> CallView:
    criteria = session.scalars(
        select(GrantCriterion).where(GrantCriterion.call_id == call.id).order_by(GrantCriterion.id)
    )
    mine = session.scalar(
        select(GrantApplication.id).where(
            GrantApplication.call_id == call.id, GrantApplication.member_id == member_id
        )
    )
    return CallView(
        id=call.id,
        name=call.name,
        opens_at=call.opens_at,
        closes_at=call.closes_at,
        review_due_at=call.review_due_at,
        budget_cents=call.budget_cents,
        min_amount_cents=call.min_amount_cents,
        max_amount_cents=call.max_amount_cents,
        criteria=tuple(CriterionLine(c.label, c.weight, c.scale_max) for c in criteria),
        open=_is_open(call, now),
        my_application_id=mine,
    )


def open_calls(uow: UnitOfWork, member_id: int, now: datetime) -> list[CallView]:
    """The calls taking files now, closing soonest first."""
    calls = uow.session.scalars(
        select(GrantCall)
        .where(
            GrantCall.status == CallStatus.OPEN,
            GrantCall.opens_at <= now,
            GrantCall.closes_at >= now,
        )
        .order_by(GrantCall.closes_at, GrantCall.id)
    ).all()
    return [_call_view(uow.session, call, member_id, now) for call in calls]


def call_for_member(
    uow: UnitOfWork, call_id: int, member_id: int, now: datetime
) -> CallView | None:
    """One call (open or not), or None if there is no such call."""
    call = uow.session.get(GrantCall, call_id)
    return None if call is None else _call_view(uow.session, call, member_id, now)


def form_problems(
    call: CallView, title: str, summary: str, amount_cents: int, lines_cents: list[int]
) -> list[Ineligibility]:
    """What would make this file ineligible at screening (the domain's own rules), so the
    form can say so now; the applicant's membership and the time are checked elsewhere."""
    facts = rules.ApplicationFacts(
        reference="",
        member_active=True,
        amount_asked_cents=amount_cents,
        budget_lines_cents=tuple(lines_cents),
        has_title=bool(title.strip()),
        has_summary=bool(summary.strip()),
        submitted_at=call.closes_at,
    )
    limits = rules.CallRules(
        budget_cents=call.budget_cents,
        max_applications=1,
        min_amount_cents=call.min_amount_cents,
        max_amount_cents=call.max_amount_cents,
        closes_at=call.closes_at,
        reviewers_per_application=1,
        review_quorum=1,
        partial_funding=False,
        instalment_percents=(100,),
    )
    return rules.ineligibility_reasons(facts, limits)


def _mine(
    session: Session, member_id: int, application_id: int | None = None
) -> list[MyApplication]:
    query = (
        select(GrantApplication, GrantCall)
        .join(GrantCall, GrantCall.id == GrantApplication.call_id)
        .where(GrantApplication.member_id == member_id)
        .order_by(GrantApplication.submitted_at.desc(), GrantApplication.id.desc())
    )
    if application_id is not None:
        query = query.where(GrantApplication.id == application_id)
    rows = session.execute(query).tuples().all()
    ids = [app.id for app, _ in rows]
    lines: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for line in session.scalars(
        select(GrantBudgetLine)
        .where(GrantBudgetLine.application_id.in_(ids))
        .order_by(GrantBudgetLine.id)
    ):
        lines[line.application_id].append((line.label, line.amount_cents))
    letters = _letters(session, member_id, [app.reference for app, _ in rows])
    return [
        MyApplication(
            id=app.id,
            reference=app.reference,
            call_id=call.id,
            call_name=call.name,
            title=app.project_title,
            summary=app.summary,
            amount_asked_cents=app.amount_asked_cents,
            budget_lines=tuple(lines[app.id]),
            status=app.status,
            awarded_cents=app.final_cents if app.status == ApplicationStatus.AWARDED else None,
            submitted_at=app.submitted_at,
            closes_at=call.closes_at,
            review_due_at=call.review_due_at,
            letter=letters.get(app.reference),
        )
        for app, call in rows
    ]


def _letters(session: Session, member_id: int, references: list[str]) -> dict[str, LetterFile]:
    """The archived, not voided decision letters of these files (the member's own only)."""
    by_key = {letter_key(ref): ref for ref in references}
    found: dict[str, LetterFile] = {}
    for doc in session.scalars(
        select(Document).where(
            Document.idempotency_key.in_(list(by_key)),
            Document.member_id == member_id,
            Document.voided_at.is_(None),
        )
    ):
        reference = by_key[doc.idempotency_key]
        found[reference] = LetterFile(doc.path, doc.format, f"{reference}.{doc.format.value}")
    return found


def my_applications(uow: UnitOfWork, member_id: int) -> list[MyApplication]:
    """A member's applications, newest first."""
    return _mine(uow.session, member_id)


def my_application(uow: UnitOfWork, member_id: int, application_id: int) -> MyApplication | None:
    """One of the member's applications; None if it is not theirs (or does not exist)."""
    found = _mine(uow.session, member_id, application_id)
    return found[0] if found else None


def already_applied(
    uow: UnitOfWork, call_id: int, member_id: int, request_key: str
) -> Applied | None:
    """The member's file in this call if this very form stored it (sent again), None if
    they have none; DuplicateApplication if another form of theirs did."""
    existing = _existing(uow.session, call_id, member_id)
    return None if existing is None else _repeated(uow.session, existing, request_key)


def apply_for_grant(
    uow: UnitOfWork, call_id: int, spec: ApplicationSpec, request_key: str
) -> Applied:
    """Submit a file from the portal, once per form: the same form sent again (double
    click, reload, two requests at once) returns the file it stored; a member's second,
    different file in the same call is refused (DuplicateApplication)."""
    prior = already_applied(uow, call_id, spec.member_id, request_key)
    if prior is not None:
        return prior
    try:
        reference = submit_application(uow, call_id, spec, request_key=request_key)
    except (IntegrityError, rules.DuplicateApplication):
        # the other request of a double submission stored the file since the first look
        uow.rollback()
        prior = already_applied(uow, call_id, spec.member_id, request_key)
        if prior is not None:
            return prior
        # another member's file took the same reference at the same moment: once more
        reference = submit_application(uow, call_id, spec, request_key=request_key)
    stored = _existing(uow.session, call_id, spec.member_id)
    assert stored is not None and stored.reference == reference
    return Applied(stored.id, reference, repeated=False)


def _existing(session: Session, call_id: int, member_id: int) -> GrantApplication | None:
    return session.scalar(
        select(GrantApplication).where(
            GrantApplication.call_id == call_id, GrantApplication.member_id == member_id
        )
    )


def _repeated(session: Session, app: GrantApplication, request_key: str) -> Applied:
    submitted = session.scalars(
        select(TimelineEvent.details).where(
            TimelineEvent.subject_type == SUBJECT_APPLICATION,
            TimelineEvent.subject_id == app.reference,
            TimelineEvent.action == "grant_application_submitted",
        )
    ).all()
    if any(details.get("request_key") == request_key for details in submitted):
        return Applied(app.id, app.reference, repeated=True)
    raise rules.DuplicateApplication(
        f"member {app.member_id} already applied to call {app.call_id}", field="call_id"
    )
