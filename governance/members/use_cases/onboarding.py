"""Onboarding use cases: an application, what is shown of it, and its submission.

The steps after it have modules of their own: `onboarding_screening` (the automatic checks),
`onboarding_review` (staff review, the applicant's information), `onboarding_admission` and
`onboarding_reminders`. Each public function is one business action in one transaction and
commits once (through the unit of work it is given). E-mails are outbox rows written in that
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.db.models.onboarding import Application as ApplicationRow
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberKind
from governance.kernel.rules.errors import NotFound
from governance.kernel.use_cases import outbox
from governance.members.rules.application_form import (
    Application,
    ValidApplication,
    validate_application,
)
from governance.members.rules.onboarding import OPEN_STATUSES, ApplicationStatus
from governance.statutes import get_statutes

PROCESS = "member-onboarding"


@dataclass(frozen=True)
class ApplicationView:
    """What flows, the CLI and documents need of an application (no national number)."""

    id: int
    status: ApplicationStatus
    kind: MemberKind
    name: str
    email: str
    language: Language
    share_class: str
    shares: int
    review_round: int
    review_reasons: list[dict[str, Any]]
    member_id: int | None
    decided_by: str | None

    @classmethod
    def of(cls, a: ApplicationRow) -> ApplicationView:
        return cls(
            a.id,
            a.status,
            a.kind,
            _name(a),
            a.email,
            a.language,
            a.share_class,
            a.shares,
            a.review_round,
            list(a.review_reasons or []),
            a.member_id,
            a.decided_by,
        )


def _name(a: ApplicationRow) -> str:
    if a.kind is MemberKind.COMPANY:
        return a.company_name or ""
    return f"{a.first_name or ''} {a.last_name or ''}".strip()


def _get(session: Session, application_id: int, lock: bool = False) -> ApplicationRow:
    query = select(ApplicationRow).where(ApplicationRow.id == application_id)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(f"there is no application {application_id}", field="application_id")
    return row


def _event(
    session: Session, row: ApplicationRow, actor: Actor, action: str, **details: Any
) -> None:
    TimelineRepository(session).record(
        actor=actor,
        action=action,
        subject_type="application",
        subject_id=row.id,
        member_id=row.member_id,
        details=details,
    )


def _mail(uow: UnitOfWork, row: ApplicationRow, key: str, template: str, **context: Any) -> None:
    outbox.enqueue(
        uow.session,
        key=mail_keys.onboarding_key(row.id, key),
        to=row.email,
        template=template,
        language=row.language,
        member_id=row.member_id,
        context={
            "name": _name(row),
            "application_id": row.id,
            "coop_name": uow.settings.coop_name,
            **context,
        },
    )


def get(uow: UnitOfWork, application_id: int) -> ApplicationView:
    return ApplicationView.of(_get(uow.session, application_id))


# --------------------------------------------------------------------------- submit


def submit_application(
    uow: UnitOfWork,
    form: Application,
    *,
    actor: Actor,
    request_key: str,
    now: datetime | None = None,
) -> ApplicationView:
    """Validate and store an application; an invalid one raises and stores nothing.

    The same `request_key` (a file, a flow run) returns the application already stored.
    """
    session = uow.session
    existing = session.scalar(
        select(ApplicationRow).where(ApplicationRow.request_key == request_key)
    )
    if existing is not None:
        return ApplicationView.of(existing)
    now = now or utcnow()
    valid = validate_application(form, get_statutes(), now)
    row = _new_row(uow, valid, actor=actor, request_key=request_key, now=now)
    session.add(row)
    session.flush()
    _event(
        session,
        row,
        actor,
        "application_submitted",
        kind=form.kind,
        share_class=form.share_class,
        shares=form.shares,
        national_number_given=bool(valid.national_number),
    )
    uow.commit()
    return ApplicationView.of(row)


def _new_row(
    uow: UnitOfWork, valid: ValidApplication, *, actor: Actor, request_key: str, now: datetime
) -> ApplicationRow:
    """The stored application: the form as validated, the national number encrypted."""
    form = valid.form
    nn = valid.national_number
    return ApplicationRow(
        request_key=request_key,
        status=ApplicationStatus.SUBMITTED,
        kind=form.kind,
        first_name=form.first_name,
        last_name=form.last_name,
        birth_date=form.birth_date,
        # the cipher is only reached for a national number (it needs the encryption key)
        national_number_enc=uow.cipher.encrypt(nn) if nn else None,
        identity_hash=uow.cipher.keyed_hash(nn) if nn else None,
        attestation_type=form.attestation,
        attestation_expires_on=form.attestation_expires_on,
        company_name=form.company_name,
        company_number=valid.company_number,
        vat_number=valid.vat_number,
        email=valid.email,
        phone=form.phone,
        street=form.street,
        postcode=form.postcode,
        city=form.city,
        country=valid.country,
        language=form.language,
        office=form.office,
        iban=valid.iban,
        share_class=form.share_class,
        shares=form.shares,
        privacy_policy_accepted_at=form.privacy_policy_accepted_at,
        internal_rules_accepted_at=form.internal_rules_accepted_at,
        capital_risk_accepted_at=form.capital_risk_accepted_at,
        submitted_by=actor.name,
        submitted_at=now,
        review_reasons=[{"reason": r} for r in valid.review_reasons],
        review_round=0,
        staff_reminders_sent=0,
        applicant_reminders_sent=0,
    )


def open_applications(uow: UnitOfWork) -> list[ApplicationView]:
    """Applications still waiting (for the automatic checks, staff or the applicant)."""
    rows = uow.session.scalars(
        select(ApplicationRow)
        .where(ApplicationRow.status.in_(OPEN_STATUSES))
        .order_by(ApplicationRow.id)
    )
    return [ApplicationView.of(r) for r in rows]
