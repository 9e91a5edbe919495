"""Screening a submitted application: duplicates or anything unusual send it to a person,
otherwise it is approved automatically."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.db.models import Member
from governance.db.models.onboarding import Application as ApplicationRow
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberStatus
from governance.members.rules.duplicates import KnownPerson, possible_duplicates
from governance.members.rules.onboarding import OPEN_STATUSES, ApplicationStatus
from governance.members.use_cases.onboarding import PROCESS, ApplicationView, _event, _get


def _known_people(session: Session, row: ApplicationRow) -> list[KnownPerson]:
    conditions = [func.lower(Member.email) == row.email.lower()]
    if row.identity_hash:
        conditions.append(Member.identity_hash == row.identity_hash)
    if row.birth_date:
        conditions.append(Member.birth_date == row.birth_date)
    people = [
        KnownPerson(
            "member", m.id, m.identity_hash, m.email, m.first_name, m.last_name, m.birth_date
        )
        for m in session.scalars(
            select(Member).where(or_(*conditions), Member.status != MemberStatus.ERASED)
        )
    ]
    app_conditions = [func.lower(ApplicationRow.email) == row.email.lower()]
    if row.identity_hash:
        app_conditions.append(ApplicationRow.identity_hash == row.identity_hash)
    if row.birth_date:
        app_conditions.append(ApplicationRow.birth_date == row.birth_date)
    others = session.scalars(
        select(ApplicationRow).where(
            or_(*app_conditions),
            ApplicationRow.id != row.id,
            ApplicationRow.member_id.is_(None),  # admitted ones are found as members
            ApplicationRow.status.in_(
                [*OPEN_STATUSES, ApplicationStatus.APPROVED, ApplicationStatus.ADMITTED]
            ),
        )
    )
    people += [
        KnownPerson(
            "application", a.id, a.identity_hash, a.email, a.first_name, a.last_name, a.birth_date
        )
        for a in others
    ]
    return people


def screen_application(
    uow: UnitOfWork, application_id: int, now: datetime | None = None
) -> ApplicationView:
    """Automatic checks: duplicates or anything unusual → staff review; otherwise approved."""
    session = uow.session
    row = _get(session, application_id, lock=True)
    if row.status is not ApplicationStatus.SUBMITTED:
        return ApplicationView.of(row)  # screened already (a re-run)
    now = now or utcnow()
    found = possible_duplicates(
        row.identity_hash,
        row.email,
        row.first_name,
        row.last_name,
        row.birth_date,
        _known_people(session, row),
    )
    reasons = list(row.review_reasons or []) + [
        {"reason": d.reason, "record_type": d.record_type, "record_id": d.record_id} for d in found
    ]
    row.review_reasons = reasons
    system = Actor.system(PROCESS)
    if reasons:
        row.status = ApplicationStatus.IN_REVIEW
        row.review_round = 1
        row.waiting_since = now
        _event(session, row, system, "application_sent_to_review", reasons=reasons)
    else:
        row.status = ApplicationStatus.APPROVED
        row.decided_by = system.name
        row.decided_at = now
        _event(session, row, system, "application_approved_automatically")
    uow.commit()
    return ApplicationView.of(row)
