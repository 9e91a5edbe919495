"""Reminders of waiting applications: staff review overdue, information missing, closure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from governance.clock import brussels_date, utcnow
from governance.db.models.onboarding import Application as ApplicationRow
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.use_cases import outbox
from governance.members.rules.onboarding import ApplicationStatus
from governance.members.rules.onboarding_reminders import (
    ReminderDue,
    ReminderKind,
    WaitingApplication,
    due_reminders,
)
from governance.members.use_cases.onboarding import (
    PROCESS,
    _event,
    _get,
    _mail,
    _name,
)
from governance.members.use_cases.onboarding_review import info_key, review_key


def waiting_applications(uow: UnitOfWork) -> list[WaitingApplication]:
    """Applications waiting for staff or for the applicant, oldest first."""
    rows = uow.session.scalars(
        select(ApplicationRow)
        .where(
            ApplicationRow.status.in_(
                [ApplicationStatus.IN_REVIEW, ApplicationStatus.INFO_REQUESTED]
            )
        )
        .order_by(ApplicationRow.waiting_since)
    )
    result = [
        WaitingApplication(
            r.id,
            r.status,
            r.waiting_since or r.submitted_at,
            r.staff_reminders_sent,
            r.applicant_reminders_sent,
        )
        for r in rows
    ]
    uow.rollback()
    return result


@dataclass(frozen=True)
class ReminderOutcome:
    application_id: int
    kind: ReminderKind
    done: bool  # False when the application moved on meanwhile
    flow_run_id: str | None = None  # the suspended run to cancel after a closure


def apply_reminder(
    uow: UnitOfWork, due: ReminderDue, now: datetime | None = None
) -> ReminderOutcome:
    """Send one due reminder (or close the application); safe to call twice."""
    session = uow.session
    now = now or utcnow()
    row = _get(session, due.application_id, lock=True)
    waiting = WaitingApplication(
        row.id,
        row.status,
        row.waiting_since or row.submitted_at,
        row.staff_reminders_sent,
        row.applicant_reminders_sent,
    )
    current = due_reminders(waiting, now)
    if current != due:
        uow.rollback()
        return ReminderOutcome(due.application_id, due.kind, False)
    system = Actor.system("onboarding-reminders")
    flow_run_id = None
    if due.kind is ReminderKind.STAFF_REVIEW:
        outbox.enqueue(
            session,
            key=mail_keys.onboarding_review_reminder(row.id, row.review_round, due.sequence),
            to=uow.settings.staff_mailbox,
            template="onboarding_review_reminder",
            language=uow.settings.default_language,
            context={
                "application_id": row.id,
                "name": _name(row),
                "waiting_since": brussels_date(waiting.waiting_since).isoformat(),
                "key": review_key(row.id, row.review_round),
                "ui_url": uow.settings.prefect_ui_url,
            },
        )
        row.staff_reminders_sent = due.sequence + 1
        _event(session, row, system, "review_reminder_sent", sequence=due.sequence)
    elif due.kind is ReminderKind.APPLICANT_INFO:
        _mail(uow, row, f"info-reminder:{row.review_round}", "onboarding_info_reminder")
        row.applicant_reminders_sent += 1
        _event(session, row, system, "information_reminder_sent", round=row.review_round)
    else:
        row.status = ApplicationStatus.CLOSED
        row.closed_at = now
        _mail(uow, row, "closed", "onboarding_closed")
        key = info_key(row.id, row.review_round)
        pending = uow.decisions.find(key)
        flow_run_id = pending.flow_run_id if pending else None
        uow.decisions.cancel(key, "no answer from the applicant within 30 days")
        _event(session, row, system, "application_closed_unanswered", round=row.review_round)
    uow.commit()
    return ReminderOutcome(row.id, due.kind, True, flow_run_id)


__all__ = ["PROCESS", "ReminderOutcome", "apply_reminder", "waiting_applications"]
