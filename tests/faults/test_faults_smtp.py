"""SMTP faults: a hostile server (random 421/451, connections dropped before the reply, 550 for
some recipients, one address always busy) against the real delivery code, until done.
Every deliverable message arrives exactly once; refused ones are bounced with the reply and
listed for staff; nothing retries past the attempt cap."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from faults_smtp import HostileSmtp, arrivals
from sqlalchemy import func, select, update
from test_assembly_convening import new_assembly, shareholders

from documents.sink import MailSink
from governance.clock import utcnow
from governance.config import reset_settings
from governance.db.models import Member, OutboxMessage
from governance.db.models.assembly import AssemblyVoter
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.delivery import MAX_ATTEMPTS
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office, OutboxStatus
from governance.kernel.use_cases import outbox
from tasks.assembly import open_convening, prepare_chunk, prepare_shared_documents
from tasks.mail import deliver_pending, deliver_prefix


def _fast_forward() -> int:
    """The backoff has elapsed: make every waiting message due now. Returns how many wait."""
    with UnitOfWork() as uow:
        result = uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING)
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        uow.commit()
        return int(result.rowcount or 0)


def _statuses() -> dict[str, int]:
    with UnitOfWork() as uow:
        rows = uow.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    return {str(status): int(n) for status, n in rows}


def _rows() -> list[OutboxMessage]:
    with UnitOfWork() as uow:
        rows = list(uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        uow.session.expunge_all()
    return rows


def _point_settings_at(port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOP_SMTP_PORT", str(port))
    reset_settings()


def _until_done(deliver, rounds_cap: int = MAX_ATTEMPTS + 2) -> int:  # type: ignore[no-untyped-def]
    """Run delivery rounds (fast-forwarding the backoff) until nothing is pending."""
    rounds = 0
    while rounds < rounds_cap:
        rounds += 1
        deliver()
        if _fast_forward() == 0:
            break
    return rounds


@pytest.mark.slow
def test_a_ga_convening_through_a_hostile_server_reaches_everyone_exactly_once(
    coop_env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, faults_report
) -> None:  # type: ignore[no-untyped-def]
    ids = shareholders([Language.FR, Language.NL, Language.DE, Language.EN] * 60)  # 240
    assembly_id = new_assembly()
    plan = open_convening.fn(assembly_id, "faults", 80)
    prepare_shared_documents.fn(assembly_id)
    for number in plan["chunks"]:
        prepare_chunk.fn(assembly_id, number)
    with UnitOfWork() as uow:
        addresses = sorted(e for e in uow.session.scalars(select(AssemblyVoter.email)) if e)
    assert len(addresses) == len(ids)
    rejected = frozenset(addresses[5:240:40])  # 6 unknown mailboxes
    busy = frozenset([addresses[3]])  # a server that never takes it
    directory = tmp_path / "mail"
    handler = HostileSmtp(directory, seed=10, p=0.05, rejected=rejected, always_busy=busy)
    prefix = mail_keys.assembly_convocation(assembly_id)
    with MailSink(directory, handler=handler) as sink:
        _point_settings_at(sink.port, monkeypatch)
        rounds = _until_done(lambda: deliver_prefix(prefix, connections=2))
    found = arrivals(directory)
    deliverable = set(addresses) - rejected - busy
    assert found.duplicates == 0
    assert set(found.recipients) == deliverable and max(found.recipients.values()) == 1
    assert len(set(found.message_ids)) == found.files
    rows = _rows()
    by_status = {s: [r for r in rows if r.status == s] for s in OutboxStatus}
    assert {r.to_address for r in by_status[OutboxStatus.SENT]} == deliverable
    assert {r.to_address for r in by_status[OutboxStatus.BOUNCED]} == rejected
    assert all(r.last_error and r.last_error.startswith("550") for r in by_status[OutboxStatus.BOUNCED])
    assert [r.to_address for r in by_status[OutboxStatus.FAILED]] == list(busy)
    assert by_status[OutboxStatus.FAILED][0].attempts == MAX_ATTEMPTS
    assert max(r.attempts for r in rows) <= MAX_ATTEMPTS  # nothing retries forever
    assert not by_status[OutboxStatus.PENDING] and not by_status[OutboxStatus.SENDING]
    with UnitOfWork() as uow:
        problems = uow.outbox.undeliverable()
    assert {p.to for p in problems} == rejected | busy
    assert all(p.reply for p in problems)
    faults_report.add(
        "smtp: GA convening, 240 shareholders, 2 connections",
        attempts=sum(r.attempts for r in rows), faults=handler.injected.faults,
        outcome=f"{len(by_status[OutboxStatus.SENT])} sent once, "
                f"{len(rejected)} bounced (550), {len(busy)} failed after {MAX_ATTEMPTS}, "
                f"{rounds} rounds",
        lost=len(deliverable - set(found.recipients)), duplicated=found.duplicates)


def _queue_welcomes(count: int) -> list[str]:
    with UnitOfWork() as uow:
        member = Member(kind=MemberKind.PERSON, status=MemberStatus.ACTIVE, first_name="Zoë",
                        last_name="D'Hondt", language=Language.NL, office=Office.GENT,
                        email="zoe@example.org", member_number="MF1")
        uow.session.add(member)
        uow.session.flush()
        for i in range(count):
            outbox.enqueue(uow.session, key=f"faults:{i}", to=f"w{i}@example.org",
                           template="welcome", language=Language.NL, member_id=member.id,
                           context={"name": "Zoë", "member_number": f"M{i}",
                                    "coop_name": "SmartCoop"})
        uow.commit()
    return [f"w{i}@example.org" for i in range(count)]


def test_single_connection_delivery_through_a_hostile_server_sends_each_once(
    coop_env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, faults_report
) -> None:  # type: ignore[no-untyped-def]
    addresses = _queue_welcomes(80)
    rejected = frozenset(addresses[7::20])
    directory = tmp_path / "mail"
    handler = HostileSmtp(directory, seed=11, p=0.05, rejected=rejected)
    with MailSink(directory, handler=handler) as sink:
        _point_settings_at(sink.port, monkeypatch)
        rounds = _until_done(lambda: deliver_pending(batch_size=25))
    found = arrivals(directory)
    deliverable = set(addresses) - rejected
    rows = _rows()
    assert found.duplicates == 0 and set(found.recipients) == deliverable
    assert _statuses() == {"sent": len(deliverable), "bounced": len(rejected)}
    assert max(r.attempts for r in rows) <= MAX_ATTEMPTS
    faults_report.add(
        "smtp: outbox (yagmail), 80 messages, 1 connection",
        attempts=sum(r.attempts for r in rows), faults=handler.injected.faults,
        outcome=f"{len(deliverable)} sent once, {len(rejected)} bounced, {rounds} rounds",
        lost=len(deliverable - set(found.recipients)), duplicated=found.duplicates)


def test_a_drop_after_the_server_accepted_gives_one_honest_duplicate_per_drop(
    coop_env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, faults_report
) -> None:  # type: ignore[no-untyped-def]
    """The window no client can close (README: we err on the side of delivering)."""
    addresses = _queue_welcomes(60)
    directory = tmp_path / "mail"
    handler = HostileSmtp(directory, seed=12, p=0.0, drop_after_accept=0.1)
    with MailSink(directory, handler=handler) as sink:
        _point_settings_at(sink.port, monkeypatch)
        rounds = _until_done(lambda: deliver_pending(batch_size=25))
    found = arrivals(directory)
    rows = _rows()
    assert set(found.recipients) == set(addresses)
    assert handler.injected.dropped_after_accept > 0
    assert found.duplicates == handler.injected.dropped_after_accept
    # each duplicate carries the same Message-ID as its first copy (mailboxes fold them)
    assert sum(n - 1 for n in found.message_ids.values()) == found.duplicates
    assert _statuses() == {"sent": len(addresses)}
    faults_report.add(
        "smtp: connection dropped AFTER the server accepted",
        attempts=sum(r.attempts for r in rows), faults=handler.injected.faults,
        outcome=f"all {len(addresses)} sent; each duplicate keeps its Message-ID, {rounds} rounds",
        lost=len(set(addresses) - set(found.recipients)), duplicated=found.duplicates)


class ClosingAtRcpt(HostileSmtp):
    """Answers 421 (closing) to the first RCPT, then accepts everything."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if not self.injected.rcpt_451:
            self.injected.rcpt_451 += 1
            return "421 4.3.2 shutting down"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.mark.parametrize("path", ["outbox", "bulk"])
def test_a_421_at_rcpt_costs_no_attempt_to_the_next_message(
    coop_env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:  # type: ignore[no-untyped-def]
    """smtplib closes the connection on a 421 to RCPT: the sender must reconnect, not fail
    the next message with 'please run connect() first' (found by this suite)."""
    _queue_welcomes(3)
    directory = tmp_path / "mail"
    with MailSink(directory, handler=ClosingAtRcpt(directory, seed=1, p=0.0)) as sink:
        _point_settings_at(sink.port, monkeypatch)
        if path == "outbox":
            report = deliver_pending()
        else:
            report = deliver_prefix("faults:", connections=1)
    assert (report.sent, report.retrying) == (2, 1)
    assert len(arrivals(directory).keys) == 2


@pytest.mark.parametrize("path", ["outbox", "bulk"])
def test_an_address_smtp_cannot_carry_is_bounced_and_the_others_still_go(
    coop_env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, faults_report
) -> None:  # type: ignore[no-untyped-def]
    """An accented address stored before the input check refused them (found by the browser
    test of the convening) is bounced with its reason; it must not stop the mailing."""
    _queue_welcomes(3)
    with UnitOfWork() as uow:
        uow.session.execute(
            update(OutboxMessage).where(OutboxMessage.idempotency_key == "faults:1")
            .values(to_address="amélie@example.org")
        )
        uow.commit()
    directory = tmp_path / "mail"
    with MailSink(directory) as sink:
        _point_settings_at(sink.port, monkeypatch)
        report = deliver_pending() if path == "outbox" else deliver_prefix("faults:", connections=1)
    assert (report.sent, report.bounced) == (2, 1)
    assert len(list(directory.glob("*.eml"))) == 2
    bounced = [r for r in _rows() if r.status == OutboxStatus.BOUNCED]
    assert [r.idempotency_key for r in bounced] == ["faults:1"]
    assert bounced[0].last_error and "not sendable" in bounced[0].last_error
    faults_report.add(
        scenario=f"address with an accent before the @ ({path} delivery)", attempts=3, faults=1,
        outcome="bounced with its reason; the 2 others sent once", lost=0, duplicated=0,
    )
