"""Pure rules of the campaign: dates, reminder stages, the EPC payload, conversion figures;
and the invitation through both rendering paths."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest

from governance.transition.rules.transition import (
    CampaignPlan,
    EpcTransfer,
    InvalidCampaign,
    InvalidPaymentQr,
    InviteeFacts,
    InviteeResponse,
    conversion,
    epc_payload,
    parse_epc_payload,
)

TODAY = date(2026, 12, 1)


def _plan(**kw: object) -> CampaignPlan:
    values: dict[str, object] = dict(deadline=date(2027, 1, 31), reminder_days=[3, 14],
                                     restriction_on=date(2027, 3, 1), today=TODAY)
    values.update(kw)
    return CampaignPlan.checked(**values)  # type: ignore[arg-type]


def test_campaign_dates_that_cannot_work_are_refused_naming_the_field() -> None:
    with pytest.raises(InvalidCampaign) as exc:
        _plan(deadline=TODAY)
    assert exc.value.field == "deadline"
    with pytest.raises(InvalidCampaign) as exc:
        _plan(restriction_on=date(2027, 1, 30))
    assert exc.value.field == "restriction_on"
    with pytest.raises(InvalidCampaign) as exc:
        _plan(reminder_days=[70])
    assert exc.value.field == "reminder_days"


def test_reminder_stages_come_in_order_and_stop_at_restriction() -> None:
    plan = _plan()
    assert plan.reminder_days == (14, 3)
    assert plan.reminders_due(date(2027, 1, 16)) == 0
    assert plan.reminders_due(date(2027, 1, 17)) == 1
    assert plan.reminders_due(date(2027, 1, 28)) == 2
    assert plan.reminders_due(date(2027, 3, 1)) == 0
    assert plan.invitations_open(date(2027, 2, 28)) and not plan.invitations_open(date(2027, 3, 1))


def test_the_epc_payload_round_trips_and_refuses_bad_fields() -> None:
    transfer = EpcTransfer(bic="GKCCBEBB", name="SmartCoop SC", iban="BE71096123456769",
                           amount_cents=3000, reference="000000004242")
    payload = epc_payload(transfer)
    assert payload.split("\n") == ["BCD", "002", "1", "SCT", "GKCCBEBB", "SmartCoop SC",
                                   "BE71096123456769", "EUR30.00", "", "000000004242", ""]
    assert parse_epc_payload(payload) == transfer
    with pytest.raises(InvalidPaymentQr):
        epc_payload(EpcTransfer("GKCC", "X", "BE71096123456769", 3000, "000000004242"))
    with pytest.raises(InvalidPaymentQr):
        epc_payload(EpcTransfer("GKCCBEBB", "X", "BE71096123456769", 3000, "1", text="both"))


def test_conversion_counts_by_office_language_and_week() -> None:
    facts = [
        InviteeFacts("gent", "nl", TODAY, date(2026, 12, 3), None, False),
        InviteeFacts("gent", "nl", TODAY, None, InviteeResponse.NOT_NOW, True),
        InviteeFacts("liege", "fr", TODAY, date(2026, 12, 10), None, False),
        InviteeFacts("liege", "fr", TODAY, None, InviteeResponse.RESIGN, False),
    ]
    figures = conversion(facts)
    assert (figures.total.invited, figures.total.paid, figures.total.percent_paid) == (4, 2, 50.0)
    assert [(r.group, r.paid, r.not_now, r.resigned) for r in figures.by_office] == [
        ("gent", 1, 1, 0), ("liege", 1, 0, 1)]
    assert figures.paid_by_week == [("2026-W49", 1, 1), ("2026-W50", 1, 2)]


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
def test_the_invitation_reads_the_same_through_both_rendering_paths(language: str) -> None:
    from documents import transition_docs as docs
    from documents.bulk_render import bulk_template
    from documents.render import render_docx
    from documents.template_sources.transition_invitation import sample

    context = sample(language)
    payload = epc_payload(EpcTransfer("GKCCBEBB", "SmartCoop SC", "BE71096123456769", 3000,
                                      "000000004242"))
    png = docs.payment_qr_png(payload)

    def text(data: bytes) -> tuple[list[str], int]:
        document = docx.Document(io.BytesIO(data))
        return [p.text for p in document.paragraphs], len(document.inline_shapes)

    plain = text(render_docx("transition_invitation", language, context, {"qr": png}))
    bulk = text(bulk_template("transition_invitation", language).render(
        context.model_dump(mode="python"), {"qr": png}))
    assert plain == bulk
    assert bulk[1] == 1
    # the communication whole, its "+" held together by invisible word joiners (U+2060)
    assert any("+\u2060+\u2060+000/0000/04242+\u2060+\u2060+" in p for p in bulk[0])


def test_batch_subscriptions_match_single_ones(coop_env) -> None:
    from sqlalchemy import select
    from stdnum.be import ogm_vcs
    from transition_helpers import import_sample

    from governance.db.models import RegisterEntry, ShareSubscription, TimelineEvent
    from governance.db.repositories import register as store
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor
    from governance.register.use_cases import shares
    from governance.register.use_cases.share_batches import SubscriptionRequest, subscribe_many

    import_sample(3)
    actor = Actor.staff("anna")
    with UnitOfWork() as uow:
        single = shares.subscribe(uow.session, member_id=1, share_class="A", shares=1,
                                  actor=actor, request_key="k1")
        batch = subscribe_many(uow.session, [SubscriptionRequest(1, "k1"),
                                             SubscriptionRequest(2, "k2"),
                                             SubscriptionRequest(3, "k3")],
                               share_class="A", shares=1, actor=actor)
        uow.commit()
    assert batch["k1"] == single
    assert [v.id for v in batch.values()] == [1, 2, 3]
    with UnitOfWork() as uow:
        again = subscribe_many(uow.session, [SubscriptionRequest(3, "k3")], share_class="A",
                               shares=1, actor=actor)
        uow.commit()
        assert again["k3"] == batch["k3"]
        s = uow.session
        subs = s.scalars(select(ShareSubscription).order_by(ShareSubscription.id)).all()
        assert all(ogm_vcs.is_valid(x.structured_communication) for x in subs)
        assert [e.kind for e in s.scalars(select(RegisterEntry))] == ["subscription"] * 3
        assert store.verify(s).ok
        actions = s.scalars(select(TimelineEvent.action).where(
            TimelineEvent.action == "shares_subscribed")).all()
        assert len(actions) == 3
