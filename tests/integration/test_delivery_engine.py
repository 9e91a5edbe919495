"""One delivery engine for both paths: the single path (yagmail, one connection) and the bulk
path (threads, one kept connection each) claim, release and mark through the same code, so a
dead worker's claims come back the same way and every message arrives once through either."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from governance.clock import utcnow
from governance.db.models import OutboxMessage
from governance.db.repositories.outbox import NewMessage
from governance.db.uow import UnitOfWork
from governance.kernel.rules.delivery import LEASE, claim_holder, claim_token
from governance.kernel.rules.enums import Language, OutboxStatus
from governance.kernel.use_cases import delivery
from tasks.mail import deliver_pending, deliver_prefix

PATHS = ["single", "bulk"]


def _deliver(path: str, prefix: str = "e:") -> delivery.DeliveryReport:
    if path == "single":
        return deliver_pending(keys_prefix=prefix)
    return deliver_prefix(prefix, connections=2, batch=3)


def _queue(count: int, prefix: str = "e:") -> list[str]:
    with UnitOfWork() as uow:
        keys = uow.outbox.enqueue_many(
            NewMessage(key=f"{prefix}{i}", to=f"m{i}@example.org", template="welcome",
                       language=Language.FR,
                       context={"name": f"M{i}", "member_number": f"M{i}",
                                "coop_name": "SmartCoop"})
            for i in range(count)
        )
        uow.commit()
    return keys


def _claim_as(token: str, count: int) -> list[str]:
    """Claim `count` messages under `token`, as a worker holding that token would have."""
    with UnitOfWork() as uow:
        claimed = uow.outbox.claim(token, count, utcnow())
        uow.commit()
    return [m.key for m in claimed]


def _dead_pid() -> int:
    """The process id of a process of this host that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not delivery.process_alive(child.pid)
    return child.pid


def _rows() -> dict[str, tuple[OutboxStatus, bool]]:
    with UnitOfWork() as uow:
        rows = uow.session.execute(select(
            OutboxMessage.idempotency_key, OutboxMessage.status, OutboxMessage.redelivered))
        return {key: (status, redelivered) for key, status, redelivered in rows}


def _arrivals(mail_sink) -> Counter[str]:  # type: ignore[no-untyped-def]
    return Counter(m["X-Coop-Key"] for m in mail_sink.parsed())


def test_a_claim_token_names_its_host_and_process() -> None:
    token = claim_token("a1b2c3", 4242, "0f0f0f0f")
    assert claim_holder(token) == ("a1b2c3", 4242)
    assert len(token) <= 32  # the column's width
    assert claim_holder("9f86d081884c7d65") is None  # a token of the old form names no one


def test_enqueue_many_writes_each_key_once(coop_env) -> None:  # type: ignore[no-untyped-def]
    assert _queue(3) == ["e:0", "e:1", "e:2"]
    assert _queue(5) == ["e:3", "e:4"]  # the first three are queued already
    with UnitOfWork() as uow:
        again = uow.outbox.enqueue_many([
            NewMessage(key="e:9", to="a@example.org", template="welcome",
                       language=Language.NL, context={}),
            NewMessage(key="e:9", to="b@example.org", template="welcome",
                       language=Language.NL, context={}),
        ])
        uow.commit()
    assert again == ["e:9"]
    with UnitOfWork() as uow:
        assert uow.outbox.counts("e:") == {OutboxStatus.PENDING: 6}
        assert uow.session.scalar(select(OutboxMessage.to_address).where(
            OutboxMessage.idempotency_key == "e:9")) == "a@example.org"


def test_a_claimed_message_is_not_claimed_again(coop_env) -> None:  # type: ignore[no-untyped-def]
    _queue(4)
    first = _claim_as(delivery.new_claim_token(), 3)
    second = _claim_as(delivery.new_claim_token(), 3)
    assert first == ["e:0", "e:1", "e:2"] and second == ["e:3"]


def test_a_dead_hosts_claim_is_released_after_the_lease_and_sent_by_the_bulk_path(
    coop_env, mail_sink  # type: ignore[no-untyped-def]
) -> None:
    """Issue #18: the bulk path used to release only its own host's claims, never another
    host's, not even after the lease."""
    _queue(6)
    elsewhere = claim_token("0ther0", 4242, "deadbeef")  # a process on another machine
    held = _claim_as(elsewhere, 2)
    report = deliver_prefix("e:", connections=2, batch=3)
    assert report.sent == 4  # the lease still runs: another host's claim is left alone
    assert {k: s for k, (s, _) in _rows().items() if k in held} == dict.fromkeys(
        held, OutboxStatus.SENDING)
    with UnitOfWork() as uow:  # ...and runs out: that host's worker is gone
        uow.session.execute(update(OutboxMessage).where(OutboxMessage.claim_token == elsewhere)
                            .values(claimed_at=utcnow() - LEASE - timedelta(seconds=1)))
        uow.commit()
    assert deliver_prefix("e:", connections=2, batch=3).sent == 2
    rows = _rows()
    assert all(status is OutboxStatus.SENT for status, _ in rows.values())
    assert {k for k, (_, flagged) in rows.items() if flagged} == set(held)
    assert _arrivals(mail_sink) == Counter(f"e:{i}" for i in range(6))


@pytest.mark.parametrize("path", PATHS)
def test_a_dead_process_of_this_host_is_released_at_once(
    coop_env, mail_sink, path: str  # type: ignore[no-untyped-def]
) -> None:
    """No waiting for the lease: its process is gone, on this very host."""
    _queue(5)
    dead = _claim_as(claim_token(delivery.HOST, _dead_pid(), "deadbeef"), 2)
    alive = _claim_as(delivery.new_claim_token(), 1)  # this process: still at work
    report = _deliver(path)
    assert report.sent == 4
    rows = _rows()
    assert rows[alive[0]] == (OutboxStatus.SENDING, False)
    assert {k for k, (_, flagged) in rows.items() if flagged} == set(dead)
    assert _arrivals(mail_sink) == Counter(k for k in rows if k not in alive)


@pytest.mark.parametrize("path", PATHS)
def test_both_paths_give_the_same_exactly_once_outcome(
    coop_env, mail_sink, path: str  # type: ignore[no-untyped-def]
) -> None:
    """A dead process's claim, another host's live claim, an address SMTP cannot carry, and
    delivery run twice: the same statuses and one arrival per message through either path."""
    _queue(8)
    with UnitOfWork() as uow:
        uow.session.execute(update(OutboxMessage).where(OutboxMessage.idempotency_key == "e:7")
                            .values(to_address="amélie@example.org"))
        uow.commit()
    dead = _claim_as(claim_token(delivery.HOST, _dead_pid(), "deadbeef"), 2)
    elsewhere = _claim_as(claim_token("0ther0", 4242, "cafecafe"), 1)
    first, second = _deliver(path), _deliver(path)
    assert (first.sent, first.bounced, second.sent, second.bounced) == (6, 1, 0, 0)
    with UnitOfWork() as uow:
        assert uow.outbox.counts("e:") == {
            OutboxStatus.SENT: 6, OutboxStatus.BOUNCED: 1, OutboxStatus.SENDING: 1}
        assert [p.to for p in uow.outbox.undeliverable()] == ["amélie@example.org"]
    arrivals = _arrivals(mail_sink)
    assert set(arrivals) == {f"e:{i}" for i in range(7)} - set(elsewhere)
    assert max(arrivals.values()) == 1
    assert {k for k, (_, flagged) in _rows().items() if flagged} == set(dead)



@pytest.mark.parametrize("path", PATHS)
def test_an_attachment_missing_from_this_machines_archive_waits_and_stops_nothing(
    coop_env, mail_sink, path: str  # type: ignore[no-untyped-def]
) -> None:
    """A worker whose archive lacks an attachment (another machine wrote it) sends nothing for
    that message, keeps it pending for a later attempt, and goes on with the others."""
    from governance.kernel.rules.documents import ArchivedDocument
    from governance.kernel.rules.enums import DocumentFormat
    from governance.kernel.use_cases.documents import record_documents

    with UnitOfWork() as uow:
        record_documents(uow.session, [ArchivedDocument(
            "doc:elsewhere", "welcome_letter", "v1", Language.FR, DocumentFormat.PDF,
            "member/1/written-on-another-machine.pdf", "0" * 64, 10, None, "member", "1")])
        uow.outbox.enqueue_many([NewMessage(
            key="e:attached", to="a@example.org", template="welcome", language=Language.FR,
            context={"name": "A", "member_number": "M1", "coop_name": "SmartCoop"},
            attachment_keys=["doc:elsewhere"])])
        uow.commit()
    _queue(3)

    _deliver(path)

    assert _arrivals(mail_sink) == Counter(f"e:{i}" for i in range(3))
    with UnitOfWork() as uow:
        row = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == "e:attached")).one()
        assert row.status == OutboxStatus.PENDING and row.claim_token is None
        assert "not readable on this machine" in (row.last_error or "")
        assert row.next_attempt_at is not None and row.next_attempt_at > utcnow()
