"""The register flows under Prefect, with staff decisions given as inputs beforehand."""

from __future__ import annotations

from datetime import date, timedelta

from business_clock import at_split_instants
from sqlalchemy import func, select

from governance.clock import BRUSSELS, business_today, frozen_at
from governance.db.models import Document, OutboxMessage
from governance.db.uow import UnitOfWork
from governance.register.use_cases import shares, unpaid_subscriptions
from seeding.camt import Credit, statement_xml


def _sent(mail_sink) -> list[str]:
    return sorted(str(m["Subject"]) for m in mail_sink.parsed())


def test_subscription_flow_with_a_staff_confirmation_issues_and_mails_once(
    coop_env, mail_sink, make_member, prefect_harness
) -> None:
    from flows.share_subscription import SubscriptionParameters, share_subscription
    from tasks.shares import start_subscription_now

    member_id = make_member()
    sub_id = start_subscription_now(member_id, "A", 2, "web:42", "anna")
    with UnitOfWork() as uow:  # the staff answer arrives before the flow asks (CLI, UI)
        unpaid_subscriptions.payment_confirmation_request(uow.session, sub_id)
        uow.decisions.decide(key=unpaid_subscriptions.confirmation_key(sub_id), staff="anna",
                                  decision={"decision": "paid", "amount_cents": 6000,
                                            "paid_on": "2026-03-05", "bank_reference": "B1"})
        uow.commit()
    params = SubscriptionParameters(member_id=member_id, shares=2, request_key="web:42",
                                    staff="anna")
    assert share_subscription(params) == "issued"
    assert share_subscription(params) == "issued"  # re-run: nothing issued or sent twice
    subjects = _sent(mail_sink)
    assert len(subjects) == 2 and any("certificat" in s for s in subjects)
    certificate = next(m for m in mail_sink.parsed() if "certificat" in str(m["Subject"]))
    assert len(list(certificate.iter_attachments())) == 1
    with UnitOfWork() as uow:
        assert shares.is_shareholder(uow.session, member_id, date(2026, 3, 5))


@at_split_instants
def test_daily_run_imports_the_statement_issues_certificates_and_reminds(
    business_clock, coop_env, mail_sink, make_member, prefect_harness
) -> None:
    """Run as the scheduler does (no date given) at instants where UTC and Brussels differ."""
    from flows.share_register_daily import DailyParameters, share_register_daily
    from tasks.shares import start_subscription_now

    ids = [start_subscription_now(make_member(), "A", 1, f"k{i}") for i in range(3)]
    with UnitOfWork() as uow:
        subs = [shares.get_subscription(uow.session, i) for i in ids]
    ogm = [sub.structured_communication for sub in subs]
    brussels_today = business_clock.astimezone(BRUSSELS).date()
    assert {sub.due_on for sub in subs} == {brussels_today + timedelta(days=10)}
    digits = ["".join(c for c in o if c.isdigit()) for o in ogm]
    inbox = coop_env.root / "inbox"
    inbox.mkdir()
    (inbox / "s1.xml").write_bytes(statement_xml("BE71096123456769", "S-1", business_today(), [
        Credit(3000, "A", "BE05068123456775", "R1", digits[0]),
        Credit(1000, "B", "BE05068123456775", "R2", digits[1]),
    ]))
    params = DailyParameters(inbox=str(inbox))
    result = share_register_daily(params)
    assert result["issued"] == 1 and result["certificates"] == 1 and result["reviews"] == 1
    assert not list(inbox.glob("*.xml")) and (inbox / "done" / "s1.xml").exists()
    again = share_register_daily(params)
    assert again["issued"] == again["certificates"] == again["sent"] == 0
    with frozen_at(business_clock + timedelta(days=10)):  # the scheduled run ten days later
        later = share_register_daily(DailyParameters(inbox=str(inbox)))
    assert later["reminded"] == 2  # the partial payment is a review, the rest is unpaid
    with UnitOfWork() as uow:
        s = uow.session
        assert s.scalar(select(func.count()).select_from(Document).where(
            Document.template == "share_certificate")) == 1
        templates = s.scalars(select(OutboxMessage.template)).all()
        assert sorted(templates).count("share_payment_reminder") == 2


def test_transfer_flow_with_board_approval_and_resignation_flow_refusal(
    coop_env, mail_sink, make_member, prefect_harness
) -> None:
    from test_register_changes import holder

    from flows.share_resignation import ResignationParameters, resignation
    from flows.share_transfer import TransferParameters, share_transfer
    from tasks.share_register import ask_board, record_board_decision

    giver, receiver = holder(make_member, 2), make_member()
    params = TransferParameters(from_member_id=giver, to_member_id=receiver, share_class="A",
                                shares=1, effective_on=date(2026, 2, 1), request_key="deed-7")
    assert ask_board.fn(params.model_dump(mode="json")) is None
    record_board_decision.fn("deed-7", "approved", "minutes 2026-02", "board.secretary")
    assert share_transfer(params) == "transferred"
    assert share_transfer(params) == "transferred"
    with UnitOfWork() as uow:
        held = {h.member_id: h.shares for h in shares.holdings_as_at(uow.session, date(2026, 2, 1))}
    assert held == {giver: 1, receiver: 1}
    transfer_mails = [m for m in mail_sink.parsed() if "Cession" in str(m["Subject"])]
    assert len(transfer_mails) == 2
    assert all(len(list(m.iter_attachments())) == 1 for m in transfer_mails)
    out = resignation(ResignationParameters(member_id=giver, requested_on=date(2026, 8, 1),
                                            iban="BE71096123456769", request_key="res-1"))
    assert out["accepted"] is False and out["next_possible"] == "2027-01-01"
    assert any("pas encore" in str(m["Subject"]) for m in mail_sink.parsed())
