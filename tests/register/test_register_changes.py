"""Transfers, resignations, exclusions, deaths; the chain detects tampering."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update

from governance.db.models import OutboxMessage, RegisterEntry, Resignation
from governance.db.repositories import register as store
from governance.db.repositories.register import Holding
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.register.rules.register import (
    NothingToCancel,
    OutsideResignationWindow,
    TransferExceedsHolding,
)
from governance.register.use_cases import share_changes, share_payments, shares

STAFF = Actor.staff("anna")


def holder(make_member, n: int, on: date = date(2026, 1, 5)) -> int:
    member_id = make_member()
    with UnitOfWork() as uow:
        view = shares.subscribe(uow.session, member_id=member_id, share_class="A", shares=n,
                                actor=STAFF, now=datetime(on.year, on.month, on.day, 9, tzinfo=UTC))
        share_payments.record_payment(uow.session, subscription_id=view.id, amount_cents=3000 * n,
                              paid_on=on, actor=STAFF, bank_reference=f"B{member_id}")
        uow.commit()
    return member_id


def transfer(giver: int, receiver: int, n: int, key: str) -> share_changes.TransferResult:
    with UnitOfWork() as uow:
        result = share_changes.transfer_shares(
            uow.session, from_member_id=giver, to_member_id=receiver, share_class="A", shares=n,
            effective_on=date(2026, 2, 1), approved_by="board.chair", request_key=key,
            actor=STAFF)
        uow.commit()
    return result


def test_transfer_moves_existing_shares_and_notifies_both_with_certificates(make_member) -> None:
    giver, receiver = holder(make_member, 3), make_member()
    result = transfer(giver, receiver, 2, "t1")
    assert transfer(giver, receiver, 2, "t1").already_done
    assert [c.shares for c in result.certificates] == [1, 2]
    with UnitOfWork() as uow:
        s = uow.session
        assert shares.holdings_as_at(s, date(2026, 2, 1)) == [
            Holding(giver, "A", 1, 3000), Holding(receiver, "A", 2, 6000)]
        assert shares.holdings_as_at(s, date(2026, 1, 31)) == [Holding(giver, "A", 3, 9000)]
        mails = s.scalars(select(OutboxMessage).where(
            OutboxMessage.template == "share_transfer_notice")).all()
        assert sorted(m.member_id for m in mails) == sorted([giver, receiver])
        assert all(m.attachment_keys for m in mails)
        assert store.verify(s).ok
    with pytest.raises(TransferExceedsHolding, match="holds 1 class A share"):
        transfer(giver, receiver, 2, "t2")


def test_resignation_outside_the_window_is_refused_with_the_next_date(make_member) -> None:
    member_id = holder(make_member, 1)
    with UnitOfWork() as uow:
        out = share_changes.request_resignation(
            uow.session, member_id=member_id, requested_on=date(2026, 9, 1),
            iban="BE71096123456769", request_key="r1", actor=STAFF)
        uow.commit()
    assert not out.accepted and out.next_possible == date(2027, 1, 1)
    with pytest.raises(OutsideResignationWindow):
        from governance.register.rules.register import check_resignation_window

        check_resignation_window(date(2026, 7, 1), "01-01", 6)


def test_a_resignation_answer_names_the_letter_it_queued(make_member) -> None:
    def ask(member_id: int, on: date, key: str) -> share_changes.ResignationOutcome:
        with UnitOfWork() as uow:
            out = share_changes.request_resignation(
                uow.session, member_id=member_id, requested_on=on,
                iban="BE71096123456769", request_key=key, actor=STAFF)
            uow.commit()
        return out

    def letter(key: str | None) -> str | None:
        with UnitOfWork() as uow:
            return uow.session.scalar(
                select(OutboxMessage.template).where(OutboxMessage.idempotency_key == key))

    refused, accepted = holder(make_member, 1), holder(make_member, 1)
    no_address = holder(lambda: make_member(email=None), 1)
    out = ask(refused, date(2026, 9, 1), "r-refused")
    assert letter(out.mail_key) == "share_resignation_refused"
    first, again = ask(accepted, date(2026, 3, 1), "r-ok"), ask(accepted, date(2026, 3, 1), "r-ok")
    assert letter(first.mail_key) == "share_resignation_accepted"
    assert again.mail_key == first.mail_key
    assert ask(no_address, date(2026, 9, 1), "r-none").mail_key is None


def test_resignation_cancels_all_shares_at_the_end_of_the_window_once(make_member) -> None:
    member_id = holder(make_member, 2)
    with UnitOfWork() as uow:
        out = share_changes.request_resignation(
            uow.session, member_id=member_id, requested_on=date(2026, 3, 1),
            iban="BE71 0961 2345 6769", request_key="r2", actor=STAFF)
        uow.commit()
    assert out.accepted and out.effective_on == date(2026, 6, 30)
    for today in (date(2026, 6, 29), date(2026, 6, 30), date(2026, 7, 1)):
        with UnitOfWork() as uow:
            share_changes.complete_due_resignations(uow.session, today=today, actor=STAFF)
            uow.commit()
    with UnitOfWork() as uow:
        s = uow.session
        row = s.scalar(select(Resignation).where(Resignation.member_id == member_id))
        assert row is not None and row.status == "cancelled" and row.repayment_cents == 6000
        assert shares.is_shareholder(s, member_id, date(2026, 6, 29))
        assert not shares.is_shareholder(s, member_id, date(2026, 6, 30))
        assert s.scalar(select(OutboxMessage.template).where(
            OutboxMessage.template == "share_resignation_completed")) is not None
        assert store.verify(s).ok


def test_exclusion_and_death_cancel_the_shares_and_the_register_verifies(make_member) -> None:
    a, b = holder(make_member, 1), holder(make_member, 2)
    with UnitOfWork() as uow:
        assert share_changes.exclude_member(uow.session, member_id=a, decided_on=date(2026, 4, 1),
                                            reason="art. 12: acts against the cooperative",
                                            actor=STAFF) == 1
        assert share_changes.record_death(uow.session, member_id=b, died_on=date(2026, 4, 2),
                                          actor=STAFF) == 2
        uow.commit()
    with UnitOfWork() as uow:
        assert shares.holdings_as_at(uow.session, date(2026, 4, 2)) == []
        assert store.verify(uow.session).ok
        # recorded once: a second exclusion of the same member changes nothing
        assert share_changes.exclude_member(uow.session, member_id=a, decided_on=date(2026, 4, 3),
                                            reason="again", actor=STAFF) == 0
    nobody = make_member()
    with UnitOfWork() as uow, pytest.raises(NothingToCancel, match="holds no shares"):
        share_changes.record_death(uow.session, member_id=nobody, died_on=date(2026, 4, 2),
                                   actor=STAFF)


def test_verify_reports_the_first_tampered_entry(make_member) -> None:
    holder(make_member, 1)
    holder(make_member, 1)
    with UnitOfWork() as uow:
        uow.session.execute(update(RegisterEntry).where(RegisterEntry.sequence == 3)
                            .values(shares=5))
        uow.commit()
    with UnitOfWork() as uow:
        report = store.verify(uow.session)
    assert not report.ok and report.first_bad_sequence == 3
    assert "content does not match its hash" in (report.problem or "")


def test_repayments_go_into_one_pain001_batch_once(coop_env, make_member) -> None:
    from lxml import etree

    from tasks.share_register import write_repayment_batch

    member_id = holder(make_member, 2)
    with UnitOfWork() as uow:
        share_changes.request_resignation(
            uow.session, member_id=member_id, requested_on=date(2026, 2, 1),
            iban="BE05 0681 2345 6775", request_key="r-sepa", actor=STAFF)
        share_changes.complete_due_resignations(uow.session, today=date(2026, 7, 1), actor=STAFF)
        uow.commit()
    path = write_repayment_batch.fn("2026-07-01", date(2026, 7, 2))
    assert path is not None and write_repayment_batch.fn("2026-07-01", date(2026, 7, 2)) == path
    assert write_repayment_batch.fn("2026-07-02", date(2026, 7, 3)) is None  # nothing new
    tree = etree.parse(path)
    ns = {"p": tree.getroot().nsmap[None]}
    assert tree.getroot().nsmap[None].endswith("pain.001.001.03")
    assert tree.findtext(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", namespaces=ns) == "60.00"
    assert tree.findtext(".//p:CdtrAcct/p:Id/p:IBAN", namespaces=ns) == "BE05068123456775"
    assert tree.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=ns) == "BE71096123456769"
