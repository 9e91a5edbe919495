"""Verified deciders: a registered, active staff member with the role, proven by a TOTP code.

`verify_decider` is the one check every staff decision goes through (forms, CLI, deployments).
A code is valid for the current RFC 6238 time-step and one step either side (clock drift); a step
once used cannot be used again by the same person. Wrong codes are counted: after
`MAX_FAILURES` the login is locked for `LOCK_FOR` and the active administrators are e-mailed.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

import pyotp
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.db.models.staff import StaffAnswerCheck, StaffMember, StaffRecoveryCode
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules import staff as rules
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.staff import CodeState, DecisionKind, StaffRole, StaffRuleViolation
from governance.kernel.use_cases import outbox

SUBJECT = "staff"


@dataclass(frozen=True)
class VerifiedStaff:
    """Who decides, proven: the registered login, the role used, how it was proven."""

    login: str
    name: str
    kind: DecisionKind
    role: StaffRole
    method: str  # "totp" | "recovery_code"


@dataclass(frozen=True)
class AnswerCheck:
    """The outcome of checking one submitted answer (a form or a CLI call)."""

    verified: bool
    login: str
    reason: str | None


@dataclass(frozen=True)
class Refusals:
    count: int
    last_reason: str | None


def verify_decider(
    uow: UnitOfWork,
    login: str,
    code: str,
    kind: DecisionKind,
    *,
    context: str = "",
    now: datetime | None = None,
) -> VerifiedStaff:
    """Prove that `login` may take a decision of `kind` now; raise a StaffRuleViolation else.
    Commits once: the used step (or the failure, the lock and its report) is kept either way."""
    outcome = _attempt(uow, login, code, kind, context, now or utcnow())
    uow.commit()
    if isinstance(outcome, StaffRuleViolation):
        raise outcome
    return outcome


def check_answer(
    uow: UnitOfWork,
    *,
    answer_key: str,
    decision_key: str,
    login: str,
    code: str,
    kind: DecisionKind,
    now: datetime | None = None,
) -> AnswerCheck:
    """Verify a submitted form answer once: checking the same answer again (a run re-running
    from the top) returns the first outcome instead of spending or refusing the code again."""
    session = uow.session
    done = session.scalar(select(StaffAnswerCheck).where(StaffAnswerCheck.answer_key == answer_key))
    if done is not None:
        return AnswerCheck(done.verified, done.login, done.reason)
    outcome = _attempt(uow, login, code, kind, decision_key, now or utcnow())
    refused = isinstance(outcome, StaffRuleViolation)
    reason = outcome.message if isinstance(outcome, StaffRuleViolation) else None
    session.add(
        StaffAnswerCheck(
            answer_key=answer_key,
            decision_key=decision_key,
            login=login[:40],
            kind=kind.value,
            verified=not refused,
            reason=reason,
        )
    )
    uow.commit()
    return AnswerCheck(not refused, login, reason)


def refused_answers(session: Session, decision_key: str) -> Refusals:
    """How many answers to this decision were refused for their identity, and the last reason."""
    count = session.scalar(
        select(func.count())
        .select_from(StaffAnswerCheck)
        .where(StaffAnswerCheck.decision_key == decision_key, StaffAnswerCheck.verified.is_(False))
    )
    last = session.scalar(
        select(StaffAnswerCheck.reason)
        .where(StaffAnswerCheck.decision_key == decision_key, StaffAnswerCheck.verified.is_(False))
        .order_by(StaffAnswerCheck.id.desc())
        .limit(1)
    )
    return Refusals(int(count or 0), last)


def _attempt(
    uow: UnitOfWork, login: str, code: str, kind: DecisionKind, context: str, now: datetime
) -> VerifiedStaff | StaffRuleViolation:
    """Check everything, write what the check changes; return the proof or the refusal."""
    session = uow.session
    row = session.scalar(
        select(StaffMember).where(StaffMember.login == login.strip()).with_for_update()
    )
    try:
        if row is None:
            raise rules.UnknownStaff(login)
        if not row.active:
            raise rules.StaffInactive(row.login)
        if row.totp_secret_enc is None:
            raise rules.StaffNotEnrolled(row.login)
        rules.check_not_locked(row.login, _state(row), now)
        rules.check_roles(row.login, frozenset(StaffRole(r) for r in row.roles), kind)
    except StaffRuleViolation as refused:
        _refused_event(session, login, kind, context, refused)
        return refused
    typed = rules.normalise_code(code)
    method = "recovery_code" if rules.is_recovery_code(typed) else "totp"
    refusal = (
        _spend_recovery_code(uow, row, typed, now)
        if method == "recovery_code"
        else _spend_totp(uow, row, typed, now)
    )
    if refusal is not None:
        _refused_event(session, row.login, kind, context, refusal)
        return _count_failure(uow, row, refusal, now)
    row.failures = 0
    uow.timeline.record(
        actor=Actor.staff(row.login),
        action="staff_verified",
        subject_type=SUBJECT,
        subject_id=row.login,
        details={
            "kind": kind.value,
            "role": rules.ROLE_FOR[kind].value,
            "method": method,
            "for": context,
        },
    )
    return VerifiedStaff(row.login, row.name, kind, rules.ROLE_FOR[kind], method)


def _state(row: StaffMember) -> CodeState:
    return CodeState(row.failures, row.locked_until, row.last_used_step)


def _spend_totp(
    uow: UnitOfWork, row: StaffMember, code: str, now: datetime
) -> StaffRuleViolation | None:
    """None when the code matches a step not used before (that step is then spent)."""
    assert row.totp_secret_enc is not None
    totp = pyotp.TOTP(uow.cipher.decrypt(row.totp_secret_enc))
    current = totp.timecode(now)
    for step in (current, current - 1, current + 1):  # RFC 6238 §5.2: one step of drift
        if hmac.compare_digest(totp.generate_otp(step), code):
            if row.last_used_step is not None and step <= row.last_used_step:
                return rules.CodeReplayed()
            row.last_used_step = step
            return None
    return rules.CodeRefused(rules.MAX_FAILURES - row.failures - 1)


def _spend_recovery_code(
    uow: UnitOfWork, row: StaffMember, code: str, now: datetime
) -> StaffRuleViolation | None:
    hashed = uow.cipher.keyed_hash(f"recovery:{code}")
    recovery = uow.session.scalar(
        select(StaffRecoveryCode).where(
            StaffRecoveryCode.staff_id == row.id, StaffRecoveryCode.code_hash == hashed
        )
    )
    if recovery is None:
        return rules.CodeRefused(rules.MAX_FAILURES - row.failures - 1)
    if recovery.used_at is not None:
        return rules.CodeReplayed()
    recovery.used_at = now
    return None


def _count_failure(
    uow: UnitOfWork, row: StaffMember, refusal: StaffRuleViolation, now: datetime
) -> StaffRuleViolation:
    after = rules.after_failure(_state(row), now)
    row.failures, row.locked_until = after.failures, after.locked_until
    if after.locked_until is None:
        return refusal
    _report_lock(uow, row, after.locked_until)
    return rules.StaffLocked(row.login, after.locked_until)


def _report_lock(uow: UnitOfWork, row: StaffMember, until: datetime) -> None:
    """Timeline event and one e-mail to every active administrator."""
    session = uow.session
    uow.timeline.record(
        actor=Actor.system("staff-verification"),
        action="staff_locked",
        subject_type=SUBJECT,
        subject_id=row.login,
        details={"until": until.isoformat(), "failures": rules.MAX_FAILURES},
    )
    admins = session.scalars(select(StaffMember).where(StaffMember.active.is_(True)))
    for admin in admins:
        if StaffRole.ADMINISTRATOR.value not in admin.roles:
            continue
        outbox.enqueue(
            session,
            key=mail_keys.staff_locked_key(row.login, until, admin.login),
            to=admin.email,
            template="staff_locked",
            language=uow.settings.default_language,
            context={
                "login": row.login,
                "name": row.name,
                "failures": rules.MAX_FAILURES,
                "until": until.strftime("%Y-%m-%d %H:%M UTC"),
            },
        )


def _refused_event(
    session: Session, login: str, kind: DecisionKind, context: str, refused: StaffRuleViolation
) -> None:
    TimelineRepository(session).record(
        actor=Actor.system("staff-verification"),
        action="staff_refused",
        subject_type=SUBJECT,
        subject_id=login.strip()[:64],
        details={"kind": kind.value, "reason": refused.code, "for": context},
    )


def lock_mail_prefix(login: str) -> str:
    """Outbox keys of the lock reports for this login (a task delivers them at once)."""
    return mail_keys.staff_locked(login)
