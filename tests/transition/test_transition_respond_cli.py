"""`coop transition respond`: staff record "not now" and resignations; refused once paid."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from transition_helpers import import_sample
from typer.testing import CliRunner

from coopflow_cli.main import app
from governance.db.models import Member, ShareSubscription
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberStatus
from governance.register.rules.register import SubscriptionStatus
from governance.register.use_cases import share_payments
from governance.transition.use_cases import transition as campaigns


def test_answers_are_recorded_and_a_payer_cannot_resign_here(coop_env) -> None:
    import_sample(3)
    actor = Actor.staff("anna")
    with UnitOfWork() as uow:
        campaign = campaigns.open_campaign(
            uow, name="T", share_class="A", deadline=date(2027, 1, 31), reminder_days=[3],
            restriction_on=date(2027, 3, 1), actor=actor, today=date(2026, 12, 1))
    with UnitOfWork() as uow:
        campaigns.enrol_members(uow, campaign.id)
    with UnitOfWork() as uow:
        letters = campaigns.prepare_invitations(uow, campaign.id, 10, actor)
    with UnitOfWork() as uow:
        share_payments.record_payment(uow.session, subscription_id=letters[2].subscription_id,
                              amount_cents=3000, paid_on=date(2026, 12, 5), actor=actor,
                              bank_reference="B1")
        uow.commit()
    runner = CliRunner()
    out = runner.invoke(app, ["transition", "respond", "M0000001", "not-now", "--staff", "anna"])
    assert out.exit_code == 0 and "'not_now' recorded in T" in out.output
    again = runner.invoke(app, ["transition", "respond", "1", "not-now", "--staff", "anna"])
    assert again.exit_code == 0 and "already recorded" in again.output
    out = runner.invoke(app, ["transition", "respond", "2", "resign", "--staff", "anna"])
    assert out.exit_code == 0 and "subscription cancelled" in out.output
    paid = runner.invoke(app, ["transition", "respond", "3", "resign", "--staff", "anna"])
    assert paid.exit_code == 1 and "has paid and holds a share" in paid.output
    unknown = runner.invoke(app, ["transition", "respond", "M0009999", "resign", "--staff", "a"])
    assert unknown.exit_code == 1 and "there is no member M0009999" in unknown.output
    with UnitOfWork() as uow:
        status = dict(uow.session.execute(select(Member.id, Member.status)).tuples().all())
        assert status == {1: MemberStatus.ACTIVE, 2: MemberStatus.RESIGNED,
                          3: MemberStatus.ACTIVE}
        sub = uow.session.get(ShareSubscription, letters[1].subscription_id)
        assert sub is not None and sub.status is SubscriptionStatus.CANCELLED
