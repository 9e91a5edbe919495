"""The outbox delivers real SMTP exactly once, retries transient failures, records bounces."""

from __future__ import annotations

import threading
from datetime import timedelta

from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import select

from documents.sink import EmlWriter, MailSink
from governance.clock import utcnow
from governance.db.models import OutboxMessage, TimelineEvent
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office, OutboxStatus
from governance.kernel.use_cases import delivery, outbox
from governance.members.rules.members import MemberFacts
from governance.members.use_cases import members
from tasks.mail import deliver_pending


def _queue(count: int, prefix: str = "t") -> list[int]:
    with UnitOfWork() as uow:
        member = members.create_member(uow.session, MemberFacts(
            kind=MemberKind.PERSON, first_name="Zoë", last_name="D'Hondt", language=Language.NL,
            office=Office.GENT, email="zoe@example.org"), Actor.system(), MemberStatus.ACTIVE)
        for i in range(count):
            outbox.enqueue(uow.session, key=f"{prefix}:{i}", to=f"m{i}@example.org",
                           template="welcome", language=Language.NL, member_id=member.id,
                           context={"name": "Zoë <b>&</b>", "member_number": f"M{i}",
                                    "coop_name": "SmartCoop"})
            # the same key again in the same transaction: still one message
            outbox.enqueue(uow.session, key=f"{prefix}:{i}", to="other@example.org",
                           template="welcome", language=Language.NL, context={})
        uow.commit()
        return [member.id]


def test_each_message_is_sent_once_even_when_delivery_runs_twice(coop_env, mail_sink) -> None:
    _queue(5)
    first = deliver_pending()
    second = deliver_pending()
    assert (first.sent, second.sent) == (5, 0)
    messages = mail_sink.parsed()
    assert sorted(m["To"] for m in messages) == [f"m{i}@example.org" for i in range(5)]
    assert all(m["Content-Language"] == "nl" for m in messages)
    assert "Zoë <b>&</b>" in messages[0].get_body(("plain",)).get_content()
    assert "<b>" not in messages[0].get_body(("html",)).get_content()


def test_concurrent_workers_never_send_a_message_twice(coop_env, mail_sink) -> None:
    _queue(60)
    reports = []

    def work() -> None:
        reports.append(deliver_pending(batch_size=7))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.sent for r in reports) == 60
    keys = [m["X-Coop-Key"] for m in mail_sink.parsed()]
    assert len(keys) == len(set(keys)) == 60


class Flaky(EmlWriter):
    """Refuses some recipients for good (550) and others once (451)."""

    def __init__(self, directory) -> None:  # type: ignore[no-untyped-def]
        super().__init__(directory)
        self.seen: set[str] = set()

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if address.startswith("m0@"):
            return "550 5.1.1 mailbox unknown"
        if address.startswith("m1@") and address not in self.seen:
            self.seen.add(address)
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_5xx_bounces_with_the_reply_and_a_4xx_retries(coop_env, monkeypatch) -> None:
    _queue(3)
    directory = coop_env.root / "flaky"
    with MailSink(directory, handler=Flaky(directory)) as sink:
        monkeypatch.setenv("COOP_SMTP_PORT", str(sink.port))
        from governance.config import reset_settings

        reset_settings()
        report = deliver_pending()
        assert (report.sent, report.bounced, report.retrying) == (1, 1, 1)
        with UnitOfWork() as uow:  # make the retry due now
            row = uow.session.scalar(select(OutboxMessage).where(
                OutboxMessage.idempotency_key == "t:1"))
            assert row is not None and row.status == OutboxStatus.PENDING
            assert row.next_attempt_at > utcnow()
            row.next_attempt_at = utcnow() - timedelta(seconds=1)
            uow.commit()
        assert deliver_pending().sent == 1
    with UnitOfWork() as uow:
        bounced = uow.session.scalar(select(OutboxMessage).where(
            OutboxMessage.idempotency_key == "t:0"))
        assert bounced is not None and bounced.status == OutboxStatus.BOUNCED
        assert bounced.last_error is not None and "550" in bounced.last_error
        event = uow.session.scalar(select(TimelineEvent).where(
            TimelineEvent.action == "email_bounced"))
        assert event is not None and event.member_id == bounced.member_id
    assert len(list(directory.glob("*.eml"))) == 2


def test_a_dead_server_leaves_messages_pending_not_lost(coop_env) -> None:
    _queue(2)
    report = deliver_pending()  # COOP_SMTP_PORT=1: connection refused
    assert report.sent == 0 and report.retrying == 2
    with UnitOfWork() as uow:
        statuses = uow.session.scalars(select(OutboxMessage.status)).all()
    assert statuses == [OutboxStatus.PENDING, OutboxStatus.PENDING]


def test_a_claim_abandoned_by_a_crashed_worker_is_delivered_later(coop_env, mail_sink) -> None:
    _queue(1)
    with UnitOfWork() as uow:
        claimed = uow.outbox.claim(delivery.new_claim_token(), 10, utcnow())
        uow.commit()
        assert len(claimed) == 1  # the worker "dies" here, before sending
        deliver_pending()  # another worker: the lease is still valid, so it does not touch it
        row = uow.session.get(OutboxMessage, claimed[0].id)
        assert row is not None and row.status == OutboxStatus.SENDING
        row.claimed_at = utcnow() - timedelta(hours=1)  # ...and the lease runs out
        uow.commit()
    assert deliver_pending().sent == 1
    with UnitOfWork() as uow:
        row = uow.session.scalar(select(OutboxMessage))
        assert row is not None and row.status == OutboxStatus.SENT and row.redelivered


def test_an_address_smtp_cannot_carry_fails_alone_and_the_rest_is_sent(coop_env, mail_sink) -> None:
    _queue(2)
    with UnitOfWork() as uow:
        row = uow.session.scalar(select(OutboxMessage).where(
            OutboxMessage.idempotency_key == "t:0"))
        assert row is not None
        row.to_address = "zoë@exämple.org"
        uow.commit()
    report = deliver_pending()
    assert (report.sent, report.bounced) == (1, 1)
    with UnitOfWork() as uow:
        problems = uow.outbox.undeliverable()
    assert [p.to for p in problems] == ["zoë@exämple.org"]
