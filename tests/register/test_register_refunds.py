"""Money owed back outside a resignation is paid by the SEPA repayment batch, once: a payment
refunded on review, the excess of an over-payment, what a lapsed subscription had received;
without an account number it waits for staff."""

from __future__ import annotations

from datetime import UTC, date, datetime

from lxml import etree
from sqlalchemy import select
from typer.testing import CliRunner

from coopflow_cli.main import app
from governance.db.models import ShareRefund
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.register.use_cases import refunds, share_payments, shares, unpaid_subscriptions
from governance.register.use_cases.share_payments import ReviewDecision

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
STAFF = Actor.staff("anna")
PAYER = "BE05 0681 2345 6775"


def _subscribe_and_pay(member_id: int, shares_count: int, cents: int, iban: str | None,
                       key: str) -> tuple[int, int]:
    """A subscription (30 EUR a share) and one payment for it: (subscription, payment)."""
    with UnitOfWork() as uow:
        sub = shares.subscribe(uow.session, member_id=member_id, share_class="A",
                               shares=shares_count, actor=STAFF, request_key=key, now=NOW)
        out = share_payments.record_payment(uow.session, subscription_id=sub.id, amount_cents=cents,
                                    paid_on=date(2026, 3, 5), actor=STAFF, bank_reference=key,
                                    payer_name="Zoë Payer", payer_iban=iban)
        uow.commit()
    return sub.id, out.payment_id


def _review(payment_id: int, decision: ReviewDecision) -> None:
    with UnitOfWork() as uow:
        share_payments.resolve_payment_review(uow.session, payment_id=payment_id, decision=decision,
                                      staff="anna")
        uow.commit()


def _refunds() -> list[tuple[str, int, str, str]]:
    with UnitOfWork() as uow:
        return [(r.reason, r.amount_cents, r.status, r.iban) for r in uow.session.scalars(
            select(ShareRefund).order_by(ShareRefund.id))]


def test_refunds_are_owed_once_and_paid_in_one_batch(make_member) -> None:
    from tasks.share_register import write_repayment_batch

    member = make_member()
    _sub, refused = _subscribe_and_pay(member, 1, 1000, PAYER, "under")  # 10 of 30 EUR
    _review(refused, ReviewDecision.REFUND)
    _review(refused, ReviewDecision.REFUND)  # the same answer again: one refund
    _sub2, over = _subscribe_and_pay(member, 2, 9000, PAYER, "over")  # 90 for 60 EUR
    _review(over, ReviewDecision.APPLY)
    partial, applied = _subscribe_and_pay(member, 3, 4000, PAYER, "lapse")  # 40 of 90 EUR
    _review(applied, ReviewDecision.APPLY)  # counted; the rest never comes
    with UnitOfWork() as uow:
        lapsed = unpaid_subscriptions.cancel_overdue_subscriptions(uow.session, today=date(2026, 4, 1),
                                                     actor=Actor.system("daily"))
        uow.commit()
    assert partial in lapsed
    iban = PAYER.replace(" ", "")
    assert _refunds() == [("refunded", 1000, "due", iban), ("excess", 3000, "due", iban),
                          ("cancelled", 4000, "due", iban)]
    path = write_repayment_batch.fn("2026-04-01", date(2026, 4, 2))
    assert path is not None and write_repayment_batch.fn("2026-04-01", date(2026, 4, 2)) == path
    assert write_repayment_batch.fn("2026-04-02", date(2026, 4, 3)) is None  # paid once
    tree = etree.parse(path)
    ns = {"p": tree.getroot().nsmap[None]}
    assert tree.findtext(".//p:GrpHdr/p:MsgId", namespaces=ns) == "REPAY-2026-04-01"
    amounts = [a.text for a in tree.findall(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", ns)]
    assert amounts == ["10.00", "30.00", "40.00"]
    ids = [e.text for e in tree.findall(".//p:CdtTrfTxInf/p:PmtId/p:EndToEndId", ns)]
    assert all(i and i.startswith("REFUND") for i in ids)
    assert {s for *_x, s, _i in _refunds()} == {"in_batch"}


def test_a_refund_without_an_account_waits_for_staff(make_member, staff_phones) -> None:
    from tasks.share_register import write_repayment_batch

    _sub, payment = _subscribe_and_pay(make_member(), 1, 1000, None, "cash")
    _review(payment, ReviewDecision.REFUND)
    assert write_repayment_batch.fn("b1", date(2026, 4, 2)) is None
    [refund_id] = _waiting()
    runner = CliRunner()
    listed = runner.invoke(app, ["shares", "refunds"])
    assert f"refund {refund_id}: 10.00 EUR to Zoë Payer (refunded" in listed.output
    bad = runner.invoke(app, ["shares", "refund-iban", str(refund_id), "BE00 1234",
                              "--staff", "anna", "--code", staff_phones.code("anna")])
    assert bad.exit_code == 1 and "not a valid IBAN" in bad.output
    good = runner.invoke(app, ["shares", "refund-iban", str(refund_id), PAYER,
                               "--staff", "anna", "--code", staff_phones.code("anna")])
    assert good.exit_code == 0, good.output
    assert _waiting() == []
    assert write_repayment_batch.fn("b2", date(2026, 4, 3)) is not None


def _waiting() -> list[int]:
    with UnitOfWork() as uow:
        return [r.id for r in refunds.waiting_for_iban(uow.session)]


def test_a_batch_once_written_takes_nothing_new(make_member) -> None:
    """A re-run the same day rewrites the same file (same message id, same transfers); a refund
    that fell due in between goes in the next batch, never into a file the bank may have."""
    from tasks.share_register import write_repayment_batch

    member = make_member()
    _sub, first = _subscribe_and_pay(member, 1, 1000, PAYER, "first")
    _review(first, ReviewDecision.REFUND)
    path = write_repayment_batch.fn("2026-04-01", date(2026, 4, 2))
    assert path is not None
    written = open(path, "rb").read()
    _sub2, second = _subscribe_and_pay(member, 1, 2000, PAYER, "second")
    _review(second, ReviewDecision.REFUND)
    assert write_repayment_batch.fn("2026-04-01", date(2026, 4, 2)) == path
    assert open(path, "rb").read().count(b"<CdtTrfTxInf>") == written.count(b"<CdtTrfTxInf>") == 1
    later = write_repayment_batch.fn("2026-04-02", date(2026, 4, 3))
    assert later is not None and b"<InstdAmt Ccy=\"EUR\">20.00</InstdAmt>" in open(later, "rb").read()
