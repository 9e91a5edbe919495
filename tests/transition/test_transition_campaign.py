"""The transition campaign end to end: invitations, a bank statement, reminders, restriction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from transition_helpers import import_sample

from documents.attachment_names import template_named
from flows.transition_campaign import TransitionParameters, transition_campaign
from governance.db.models import (
    Document,
    Member,
    OutboxMessage,
    ShareSubscription,
    TimelineEvent,
    TransitionInvitee,
)
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberStatus
from governance.register.rules.register import SubscriptionStatus
from governance.register.use_cases import shares
from governance.transition.rules.transition import InviteeResponse, parse_epc_payload
from governance.transition.use_cases.transition_followup import record_response
from seeding.camt import Credit, statement_xml

START = date(2026, 12, 1)


@dataclass(frozen=True)
class Invitee:
    campaign_id: int
    member_id: int
    subscription_id: int
    postal: bool


def _params(**kw: object) -> TransitionParameters:
    values: dict[str, object] = dict(
        name="Transition 2027", deadline=date(2027, 1, 31), reminder_days=[14, 3],
        restriction_on=date(2027, 3, 1), staff="anna", as_of=START, chunk_size=10,
    )
    values.update(kw)
    return TransitionParameters(**values)  # type: ignore[arg-type]


def _keys(sink) -> list[str]:  # type: ignore[no-untyped-def]
    return [m["X-Coop-Key"] for m in sink.parsed()]


def _pay(subscription_ids: list[int], booked: date, settings) -> None:  # type: ignore[no-untyped-def]
    """The bank's camt.053 statement paying these subscriptions, imported by the register
    (shares issued), then the register's certificate task for each issued subscription (what
    its share-register-daily flow does every morning) and delivery."""
    from governance.register.use_cases import payments
    from tasks.mail import deliver_pending
    from tasks.shares import certificates_due, issue_certificate

    credits = []
    with UnitOfWork() as uow:
        for n, sub_id in enumerate(subscription_ids):
            view = shares.get_subscription(uow.session, sub_id)
            digits = "".join(ch for ch in view.structured_communication if ch.isdigit())
            credits.append(Credit(view.amount_cents, f"Payer {n}", "BE68539007547034",
                                  f"BANKREF{sub_id}", structured=digits))
    data = statement_xml(settings.coop_iban, f"STMT-{booked}", booked, credits)
    with UnitOfWork() as uow:
        report = payments.import_statement(uow.session, data, actor=Actor.staff("anna"))
        uow.commit()
    assert sorted(report.issued_subscription_ids) == sorted(subscription_ids)
    due = certificates_due.fn()
    assert sorted(due) == sorted(subscription_ids)
    for sub_id in due:
        issue_certificate.fn(sub_id)
    deliver_pending(keys_prefix="mail:share_certificate:")


def test_campaign_invites_reminds_non_payers_and_restricts(coop_env, mail_sink,
                                                          prefect_harness) -> None:
    import_sample(25, without_email_every=5)  # 5 members without e-mail: postal list
    result = transition_campaign(_params())
    assert result["invited"] == 25
    keys = _keys(mail_sink)
    assert len(keys) == 20 and len(set(keys)) == 20
    assert all(m["Subject"] for m in mail_sink.parsed())
    assert all(":invitation:" in k for k in keys)
    message = mail_sink.parsed()[0]
    attachment = next(iter(message.iter_attachments()))
    assert template_named(attachment.get_filename()) == "transition_invitation"
    with UnitOfWork() as uow:
        s = uow.session
        invitees = [Invitee(i.campaign_id, i.member_id, i.subscription_id, i.postal)
                    for i in s.scalars(select(TransitionInvitee).order_by(TransitionInvitee.id))
                    if i.invited_at]
        assert len(invitees) == 25
        assert sum(i.postal for i in invitees) == 5
        assert s.scalar(select(func.count(Document.id)).where(
            Document.template == "transition_invitation")) == 25
        assert s.scalar(select(func.count(Document.id)).where(
            Document.template == "transition_board_report")) == 2
        subs = s.scalars(select(ShareSubscription).order_by(ShareSubscription.id)).all()
        assert {x.request_key for x in subs} == {
            f"transition:{i.campaign_id}:{i.member_id}" for i in invitees}
        # no second e-mail with payment instructions: the invitation carries them
        assert not s.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.template == "share_payment_instructions"))
        emailed = [i for i in invitees if not i.postal]
    postal = coop_env.archive / f"transition/{invitees[0].campaign_id}/postal"
    assert (postal / "invitations-addresses.csv").read_text("utf-8-sig").count("\n") == 6
    assert any(postal.glob("invitations-*.docx"))

    # Re-running the same day invites and e-mails nobody again.
    assert transition_campaign(_params())["invited"] == 0
    assert len(_keys(mail_sink)) == 20

    # Three members pay through a bank statement; one answers "not now", one resigns.
    payers = [i.subscription_id for i in emailed[:3]]
    _pay(payers, date(2026, 12, 10), coop_env.settings)
    certificates = [k for k in _keys(mail_sink) if k.startswith("mail:share_certificate:")]
    assert sorted(certificates) == sorted(f"mail:share_certificate:{p}" for p in payers)
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(func.count(Document.id)).where(
            Document.template == "share_certificate")) == 3
    with UnitOfWork() as uow:
        record_response(uow, member_id=emailed[3].member_id, response=InviteeResponse.NOT_NOW,
                        staff="anna", today=date(2026, 12, 12))
    with UnitOfWork() as uow:
        record_response(uow, member_id=emailed[4].member_id, response=InviteeResponse.RESIGN,
                        staff="anna", today=date(2026, 12, 12))

    # First reminder stage (14 days before the deadline): payers and responders are skipped.
    result = transition_campaign(_params(as_of=date(2027, 1, 17)))
    assert result["reminded"] == 20  # 25 - 3 paid - not now - resigned
    reminders = [k for k in _keys(mail_sink) if k.startswith("mail:transition:") and ":reminder" in k]
    assert len(reminders) == 15  # the 5 postal ones are on the postal list
    skipped = {i.member_id for i in emailed[:5]}
    assert not any(k.endswith(f":{m}") for k in reminders for m in skipped)
    assert transition_campaign(_params(as_of=date(2027, 1, 18)))["reminded"] == 0
    assert len([k for k in _keys(mail_sink) if k.startswith("mail:transition:") and ":reminder" in k]) == 15
    assert not [k for k in _keys(mail_sink) if k.startswith("mail:share_payment_reminder")]

    # Restriction: everyone still without a share, except the resigned member.
    result = transition_campaign(_params(as_of=date(2027, 3, 1)))
    assert result["restricted"] == 21
    with UnitOfWork() as uow:
        s = uow.session
        statuses = dict(s.execute(select(Member.id, Member.status)).tuples().all())
        assert statuses[emailed[0].member_id] is MemberStatus.ACTIVE
        assert statuses[emailed[3].member_id] is MemberStatus.RESTRICTED
        assert statuses[emailed[4].member_id] is MemberStatus.RESIGNED
        resigned_sub = s.get(ShareSubscription, emailed[4].subscription_id)
        assert resigned_sub is not None and resigned_sub.status is SubscriptionStatus.CANCELLED
        assert s.scalar(select(func.count(TimelineEvent.id)).where(
            TimelineEvent.action == "member_restricted")) == 21
    restricted_mail = [k for k in _keys(mail_sink) if ":restricted:" in k]
    assert len(restricted_mail) == 16  # 20 e-mailed - 3 paid - 1 resigned
    assert result["conversion"]["paid"] == 3 and result["invited"] == 0

    # Every e-mail of the campaign, as the member reads it: nothing a proofreader would strike.
    from documents.email import render_email
    from documents.proofread import proofread

    with UnitOfWork() as uow:
        sent = uow.session.execute(
            select(OutboxMessage.template, OutboxMessage.language, OutboxMessage.context)).all()
    assert {t for t, _l, _c in sent} >= {"transition_invitation", "transition_reminder",
                                         "transition_restricted", "share_certificate"}
    for template, language, context in sent:
        mail = render_email(template, str(language), context)
        assert proofread(mail.subject + "\n" + mail.text, str(language)) == [], template


def test_the_invitation_qr_is_a_valid_epc_transfer(coop_env) -> None:
    from documents import transition_docs as docs
    from governance.transition.use_cases import transition as campaigns

    import_sample(1)
    with UnitOfWork() as uow:
        campaign = campaigns.open_campaign(
            uow, name="T", share_class="A", deadline=date(2027, 1, 31), reminder_days=[3],
            restriction_on=date(2027, 3, 1), actor=Actor.staff("anna"), today=START)
    with UnitOfWork() as uow:
        campaigns.enrol_members(uow, campaign.id)
    with UnitOfWork() as uow:
        [letter] = campaigns.prepare_invitations(uow, campaign.id, 10, Actor.staff("anna"))
    payload = docs.payment_payload(letter, coop_env.settings)
    lines = payload.split("\n")
    assert lines[:8] == ["BCD", "002", "1", "SCT", "GKCCBEBB", "SmartCoop SC",
                         "BE71096123456769", "EUR30.00"]
    assert lines[8] == "" and lines[10] == ""
    digits = "".join(ch for ch in letter.communication if ch.isdigit())
    assert lines[9] == digits and len(digits) == 12
    from stdnum.be import ogm_vcs

    assert ogm_vcs.is_valid(lines[9])
    transfer = parse_epc_payload(payload)
    assert transfer.amount_cents == 3000 and transfer.reference == digits
    png = docs.payment_qr_png(payload)
    assert png.startswith(b"\x89PNG")
