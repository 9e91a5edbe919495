"""Grant reminders: reviewers whose review deadline is near, grantees whose report is overdue.

`queue_reminders` is one transaction, committed once; the e-mails are outbox rows, keyed so a
reviewer is reminded once per assignment and a grantee once per instalment per week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.clock import after, brussels_date
from governance.db.models import Member
from governance.db.models.grants import (
    GrantApplication,
    GrantAssignment,
    GrantAward,
    GrantCall,
    GrantInstalment,
    GrantReport,
    GrantReviewer,
)
from governance.db.uow import UnitOfWork
from governance.grants.rules.grants import (
    AssignmentStatus,
    CallStatus,
    InstalmentStatus,
    ReportStatus,
)
from governance.kernel.rules import mail_keys
from governance.kernel.use_cases import outbox


@dataclass(frozen=True)
class ReminderCount:
    reviews: int
    reports: int


def queue_reminders(
    uow: UnitOfWork,
    now: datetime,
    review_window: timedelta = timedelta(days=3),
) -> ReminderCount:
    """Reviews due within the window (one reminder per assignment) and overdue reports (one
    reminder per instalment per week)."""
    reviews = _remind_reviewers(uow.session, now, review_window)
    reports = _remind_grantees(uow.session, now)
    uow.commit()
    return ReminderCount(reviews, reports)


def _remind_reviewers(session: Session, now: datetime, review_window: timedelta) -> int:
    """Queue a reminder for each review still awaited whose deadline is within the window."""
    reviews = (
        session.execute(
            select(GrantAssignment, GrantReviewer, GrantApplication, GrantCall)
            .join(GrantReviewer, GrantReviewer.id == GrantAssignment.reviewer_id)
            .join(GrantApplication, GrantApplication.id == GrantAssignment.application_id)
            .join(GrantCall, GrantCall.id == GrantApplication.call_id)
            .where(
                GrantCall.status == CallStatus.IN_REVIEW,
                GrantAssignment.status == AssignmentStatus.ASSIGNED,
                GrantCall.review_due_at <= after(now, review_window),
            )
        )
        .tuples()
        .all()
    )
    for assignment, reviewer, app, call in reviews:
        outbox.enqueue(
            session,
            key=mail_keys.grant_review_reminder(call.id, assignment.id),
            to=reviewer.email,
            template="grant_review_reminder",
            language=reviewer.language,
            context={
                "name": reviewer.name,
                "call": call.name,
                "reference": app.reference,
                "login": reviewer.login,
                "call_id": call.id,
                "due_on": brussels_date(call.review_due_at).isoformat(),
            },
        )
    return len(reviews)


def _remind_grantees(session: Session, now: datetime) -> int:
    """Queue this week's reminder for each overdue report not yet submitted; returns how many
    grantees (with an e-mail address) are reminded."""
    week = now.isocalendar()
    overdue = (
        session.execute(
            select(GrantInstalment, GrantApplication, Member, GrantCall.name)
            .join(GrantAward, GrantAward.id == GrantInstalment.award_id)
            .join(GrantApplication, GrantApplication.id == GrantAward.application_id)
            .join(Member, Member.id == GrantApplication.member_id)
            .join(GrantCall, GrantCall.id == GrantApplication.call_id)
            .where(
                GrantInstalment.status == InstalmentStatus.AWAITING_REPORT,
                GrantInstalment.report_due_at <= now,
            )
        )
        .tuples()
        .all()
    )
    sent_reports = 0
    for instalment, app, member, call_name in overdue:
        submitted = session.scalar(
            select(GrantReport.id).where(
                GrantReport.instalment_id == instalment.id,
                GrantReport.status == ReportStatus.SUBMITTED,
            )
        )
        if submitted is not None or not member.email:
            continue
        sent_reports += 1
        outbox.enqueue(
            session,
            key=mail_keys.grant_report_reminder(app.call_id, instalment.id, week.year, week.week),
            to=member.email,
            template="grant_report_reminder",
            language=member.language,
            member_id=member.id,
            context={
                "name": member.display_name,
                "call": call_name,
                "reference": app.reference,
                "seq": instalment.seq,
                "amount_cents": instalment.amount_cents,
                "due_on": brussels_date(instalment.report_due_at or now).isoformat(),
            },
        )
    return sent_reports
