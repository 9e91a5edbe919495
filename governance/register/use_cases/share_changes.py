"""Changes to issued shares: transfers, resignations, exclusions, deaths.

Like `shares`, the steps work in the caller's session and never commit; the use cases
(`record_transfer`, `ask_resignation`, `finish_due_resignations`) commit once. Each takes the
register lock first, so two changes to the same shares are decided one after the other: the
second sees the first's result and is refused if the shares are gone.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.db.models import Member, RegisterEntry, RegisterHead, Resignation
from governance.db.repositories import register as store
from governance.db.repositories.register import NewEntry
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberStatus
from governance.kernel.rules.errors import InvalidTransition, NotFound
from governance.kernel.use_cases import outbox
from governance.register.rules import register as rules
from governance.register.rules.register import Entry, EntryKind, ResignationStatus
from governance.statutes import get_statutes


@dataclass(frozen=True)
class Certificate:
    """A share certificate to (re)issue: the member's holding in a class after an entry."""

    key: str
    member_id: int
    share_class: str
    shares: int
    paid_cents: int
    entry_sequence: int
    as_of: date


def certificate_key(member_id: int, share_class: str, sequence: int) -> str:
    return f"doc:share_certificate:{member_id}:{share_class}:{sequence}"


def certificate(
    session: Session, member_id: int, share_class: str, sequence: int, as_of: date
) -> Certificate:
    shares, paid = store.holding_after(session, member_id, share_class, sequence)
    key = certificate_key(member_id, share_class, sequence)
    return Certificate(key, member_id, share_class, shares, paid, sequence, as_of)


def _member(session: Session, member_id: int, field: str) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(f"there is no member with id {member_id}", field=field)
    return member


# --------------------------------------------------------------------------- transfers


@dataclass(frozen=True)
class TransferResult:
    sequence: int
    from_member_id: int
    to_member_id: int
    share_class: str
    shares: int
    certificates: tuple[Certificate, ...]
    already_done: bool = False


def transfer_shares(
    session: Session,
    *,
    from_member_id: int,
    to_member_id: int,
    share_class: str,
    shares: int,
    effective_on: date,
    approved_by: str,
    request_key: str,
    actor: Actor,
) -> TransferResult:
    """Move issued shares between two members after board approval; notify both parties with
    their re-issued certificates. The same request_key never transfers twice."""
    head = store.lock_head(session)
    reference = f"transfer:{request_key}"
    done = session.scalar(
        select(RegisterEntry).where(
            RegisterEntry.kind == EntryKind.TRANSFER, RegisterEntry.reference == reference
        )
    )
    if done is not None:
        return _transfer_result(session, done, already_done=True)
    giver = _member(session, from_member_id, "from_member_id")
    receiver = _member(session, to_member_id, "to_member_id")
    klass = get_statutes().share_class(share_class)
    _check_receiver(receiver, klass.allowed_kinds, share_class)
    # The register head is locked: the holdings read now are the latest, and stay so.
    entry = Entry(
        0, EntryKind.TRANSFER, effective_on, from_member_id, share_class, shares,
        shares * klass.nominal_value_cents, counterparty_id=to_member_id,
    )  # fmt: skip
    rules.check_transfer(entry, store.held(session, from_member_id, share_class))
    new = NewEntry(
        EntryKind.TRANSFER, effective_on, from_member_id, share_class, shares,
        entry.amount_cents, counterparty_id=to_member_id, reference=reference,
    )  # fmt: skip
    (sequence,) = store.append(session, head, [new])
    if receiver.status is MemberStatus.APPLICANT:
        receiver.status = MemberStatus.ACTIVE
    details = {"shares": shares, "share_class": share_class, "approved_by": approved_by}
    details |= {"from_member_id": from_member_id, "to_member_id": to_member_id}
    for member in (giver, receiver):
        TimelineRepository(session).record(
            actor=actor,
            action="shares_transferred",
            subject_type="register_entry",
            subject_id=sequence,
            member_id=member.id,
            details={**details, "sequence": sequence},
        )
    certificates = tuple(
        certificate(session, m, share_class, sequence, effective_on)
        for m in (from_member_id, to_member_id)
    )
    result = TransferResult(
        sequence, from_member_id, to_member_id, share_class, shares, certificates
    )
    _tell_parties(session, giver, receiver, result, effective_on)
    return result


def record_transfer(
    uow: UnitOfWork,
    *,
    from_member_id: int,
    to_member_id: int,
    share_class: str,
    shares: int,
    effective_on: date,
    approved_by: str,
    request_key: str,
    actor: Actor,
) -> TransferResult:
    """Record a board-approved transfer of shares between two members. Commits."""
    result = transfer_shares(
        uow.session,
        from_member_id=from_member_id,
        to_member_id=to_member_id,
        share_class=share_class,
        shares=shares,
        effective_on=effective_on,
        approved_by=approved_by,
        request_key=request_key,
        actor=actor,
    )
    uow.commit()
    return result


def _check_receiver(receiver: Member, allowed_kinds: Collection[str], share_class: str) -> None:
    """The receiver may hold this class of shares and is still a member who can."""
    if receiver.kind not in allowed_kinds:
        raise rules.InvalidEntry(
            f"class {share_class} shares are not open to a {receiver.kind}", field="to_member_id"
        )
    if receiver.status in (MemberStatus.EXCLUDED, MemberStatus.DECEASED, MemberStatus.ERASED):
        raise InvalidTransition(f"the receiver is {receiver.status}", field="to_member_id")


def _tell_parties(
    session: Session, giver: Member, receiver: Member, result: TransferResult, effective_on: date
) -> None:
    """Both parties told, each with their new certificate."""
    for member, cert in zip((giver, receiver), result.certificates, strict=True):
        outbox.tell_member(
            session,
            member,
            key=mail_keys.share_transfer_key(result.sequence, member.id),
            template="share_transfer_notice",
            attachment_keys=[cert.key],
            context={
                "giver": giver.display_name,
                "receiver": receiver.display_name,
                "shares": result.shares,
                "share_class": result.share_class,
                "held": cert.shares,
                "effective_on": effective_on.isoformat(),
            },
        )


def _transfer_result(session: Session, row: RegisterEntry, already_done: bool) -> TransferResult:
    assert row.counterparty_id is not None
    certs = tuple(
        certificate(session, m, row.share_class, row.sequence, row.effective_on)
        for m in (row.member_id, row.counterparty_id)
    )
    return TransferResult(
        row.sequence,
        row.member_id,
        row.counterparty_id,
        row.share_class,
        row.shares,
        certs,
        already_done,
    )


# --------------------------------------------------------------------------- resignation


@dataclass(frozen=True)
class ResignationOutcome:
    accepted: bool
    resignation_id: int | None
    effective_on: date | None
    next_possible: date | None
    reason: str = ""
    mail_key: str | None = None  # the letter's outbox key (None: the member has no e-mail)


def request_resignation(
    session: Session,
    *,
    member_id: int,
    requested_on: date,
    iban: str,
    request_key: str,
    actor: Actor,
) -> ResignationOutcome:
    """Accept a resignation inside the window (shares cancelled at its end) or refuse it with
    the next possible date; either way the member is told by e-mail. Idempotent by key."""
    from governance.kernel.rules.identifiers import iban as valid_iban

    store.lock_head(session)
    existing = session.scalar(select(Resignation).where(Resignation.request_key == request_key))
    if existing is not None:  # only accepted resignations are recorded, never a refusal
        return _already_accepted(existing)
    member = _member(session, member_id, "member_id")
    statutes = get_statutes()
    held = store.current_holdings(session, member_id)
    try:
        if not held:
            raise rules.NothingToCancel(f"member {member_id} holds no shares", field="member_id")
        window = rules.check_resignation_window(
            requested_on, statutes.financial_year_start, statutes.resignation_window_months
        )
        account = valid_iban(iban)
    except rules.OutsideResignationWindow as refusal:
        return _refuse_resignation(session, member, request_key, refusal, actor)
    row = Resignation(
        member_id=member_id,
        request_key=request_key,
        requested_on=requested_on,
        effective_on=window.closes_on,
        iban=account,
        status=ResignationStatus.ACCEPTED,
        shares=sum(h.shares for h in held),
        repayment_cents=0,
    )
    session.add(row)
    session.flush()
    TimelineRepository(session).record(
        actor=actor,
        action="resignation_accepted",
        subject_type="share_resignation",
        subject_id=row.id,
        member_id=member_id,
        details={"effective_on": row.effective_on.isoformat()},
    )
    letter = _tell(
        session,
        member,
        "share_resignation_accepted",
        mail_keys.share_resignation_accepted_key(member.id, row.id),
        {"effective_on": row.effective_on.isoformat()},
    )
    return ResignationOutcome(True, row.id, row.effective_on, None, "", letter)


def ask_resignation(
    uow: UnitOfWork,
    *,
    member_id: int,
    requested_on: date,
    iban: str,
    request_key: str,
    actor: Actor,
) -> ResignationOutcome:
    """Accept or refuse a member's resignation (idempotent by key). Commits."""
    outcome = request_resignation(
        uow.session,
        member_id=member_id,
        requested_on=requested_on,
        iban=iban,
        request_key=request_key,
        actor=actor,
    )
    uow.commit()
    return outcome


def _already_accepted(row: Resignation) -> ResignationOutcome:
    """The outcome of a resignation asked again with the same key: the accepted one."""
    letter = mail_keys.share_resignation_accepted_key(row.member_id, row.id)
    return ResignationOutcome(True, row.id, row.effective_on, None, "", letter)


def _refuse_resignation(
    session: Session,
    member: Member,
    request_key: str,
    refusal: rules.OutsideResignationWindow,
    actor: Actor,
) -> ResignationOutcome:
    """Tell the member the next possible date; a refusal is told, never stored."""
    letter = _tell(
        session,
        member,
        "share_resignation_refused",
        mail_keys.share_resignation_refused_key(member.id, request_key),
        {"next_possible": refusal.next_possible.isoformat(), "reason": refusal.message},
    )
    TimelineRepository(session).record(
        actor=actor,
        action="resignation_refused",
        subject_type="member",
        subject_id=member.id,
        member_id=member.id,
        details={"next_possible": refusal.next_possible.isoformat()},
    )
    return ResignationOutcome(False, None, None, refusal.next_possible, refusal.message, letter)


def _tell(
    session: Session, member: Member, template: str, key: str, context: dict[str, object]
) -> str | None:
    """Queue one letter to the member; returns its key (None: no e-mail address)."""
    return (
        key
        if outbox.tell_member(session, member, key=key, template=template, context=context)
        else None
    )


def _cancel_all(
    session: Session, head: RegisterHead, member: Member, kind: EntryKind, on: date, reference: str
) -> tuple[int, int]:
    """Cancel every share the member holds; returns (shares, paid cents) cancelled."""
    shares = paid = 0
    entries = []
    for holding in store.current_holdings(session, member.id):
        entries.append(
            NewEntry(
                kind,
                on,
                member.id,
                holding.share_class,
                holding.shares,
                holding.paid_cents,
                reference=reference,
            )
        )
        shares += holding.shares
        paid += holding.paid_cents
    if not entries:
        raise rules.NothingToCancel(f"member {member.id} holds no shares", field="member_id")
    store.append(session, head, entries)
    return shares, paid


def complete_due_resignations(session: Session, *, today: date, actor: Actor) -> list[int]:
    """At the end of the window: cancel the shares of accepted resignations, fix the repayment
    (min of nominal paid and book value), e-mail the letter. A second run does nothing."""
    head = store.lock_head(session)
    book = get_statutes().book_value_per_share_cents
    due = session.scalars(
        select(Resignation)
        .where(Resignation.status == ResignationStatus.ACCEPTED, Resignation.effective_on <= today)
        .order_by(Resignation.id)
    ).all()
    done = []
    for resignation in due:
        member = _member(session, resignation.member_id, "member_id")
        shares, paid = _cancel_all(
            session,
            head,
            member,
            EntryKind.RESIGNATION,
            resignation.effective_on,
            f"resignation:{resignation.id}",
        )
        resignation.shares = shares
        resignation.repayment_cents = rules.repayment_cents(shares, paid, book)
        resignation.status = ResignationStatus.CANCELLED
        member.status = MemberStatus.RESIGNED
        TimelineRepository(session).record(
            actor=actor,
            action="shares_cancelled",
            subject_type="share_resignation",
            subject_id=resignation.id,
            member_id=member.id,
            details={"shares": shares, "repayment_cents": resignation.repayment_cents},
        )
        _tell(
            session,
            member,
            "share_resignation_completed",
            mail_keys.share_resignation_completed_key(member.id, resignation.id),
            {
                "shares": shares,
                "repayment_cents": resignation.repayment_cents,
                "effective_on": resignation.effective_on.isoformat(),
                "iban": resignation.iban,
            },
        )
        done.append(resignation.id)
    return done


def finish_due_resignations(uow: UnitOfWork, *, today: date, actor: Actor) -> list[int]:
    """Complete the resignations whose effective date has come. Commits."""
    resigned = complete_due_resignations(uow.session, today=today, actor=actor)
    uow.commit()
    return resigned


def _leave(
    session: Session,
    member_id: int,
    kind: EntryKind,
    on: date,
    reason: str,
    status: MemberStatus,
    actor: Actor,
) -> int:
    head = store.lock_head(session)
    key = f"{kind}:{member_id}"
    if session.scalar(select(Resignation).where(Resignation.request_key == key)) is not None:
        return 0
    member = _member(session, member_id, "member_id")
    shares, paid = _cancel_all(session, head, member, kind, on, reason)
    book = get_statutes().book_value_per_share_cents
    session.add(
        Resignation(
            member_id=member_id,
            request_key=key,
            requested_on=on,
            effective_on=on,
            iban=member.iban or "",
            status=ResignationStatus.CANCELLED,
            shares=shares,
            repayment_cents=rules.repayment_cents(shares, paid, book),
        )
    )
    member.status = status
    TimelineRepository(session).record(
        actor=actor,
        action=f"member_{status}",
        subject_type="member",
        subject_id=member_id,
        member_id=member_id,
        details={"shares": shares, "reason": reason},
    )
    return shares


def exclude_member(
    session: Session, *, member_id: int, decided_on: date, reason: str, actor: Actor
) -> int:
    """Record a (notified, reasoned) exclusion: all shares cancelled, repayment due."""
    if not reason.strip():
        raise rules.InvalidEntry("an exclusion needs its statutory reason", field="reason")
    return _leave(
        session,
        member_id,
        EntryKind.EXCLUSION,
        decided_on,
        reason.strip(),
        MemberStatus.EXCLUDED,
        actor,
    )


def record_death(session: Session, *, member_id: int, died_on: date, actor: Actor) -> int:
    """Death is a resignation on the date of death (CSA 6:121): shares cancelled, heirs repaid."""
    return _leave(
        session, member_id, EntryKind.DEATH, died_on, "death", MemberStatus.DECEASED, actor
    )
