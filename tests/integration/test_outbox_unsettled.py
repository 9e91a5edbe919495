"""A delivery run whose database goes away in the middle (PostgreSQL restarted): what the SMTP
server accepted is recorded as sent by the next run of the process, the rest is released at
once: nothing waits for the lease, nothing is sent twice."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from test_outbox_delivery import _queue

from governance.db.models import OutboxMessage
from governance.db.repositories.outbox import OutboxRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules.enums import OutboxStatus
from governance.kernel.use_cases import delivery_claims
from tasks.mail import deliver_pending, deliver_prefix


def _database_goes_away_at(n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The n-th `mark_sent` (1-based) meets a dropped connection, as during a restart."""
    real = OutboxRepository.mark_sent
    calls = Counter[str]()

    def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["mark_sent"] += 1
        if calls["mark_sent"] == n:
            raise OperationalError("UPDATE outbox", {}, Exception("server closed the connection"))
        return real(*args, **kwargs)

    monkeypatch.setattr(OutboxRepository, "mark_sent", flaky)


def _statuses() -> Counter[str]:
    with UnitOfWork() as uow:
        return Counter(str(s) for s in uow.session.scalars(select(OutboxMessage.status)))


def _flagged() -> int:
    with UnitOfWork() as uow:
        return len(uow.session.scalars(select(OutboxMessage.id).where(
            OutboxMessage.redelivered.is_(True))).all())


def test_the_retry_records_the_accepted_message_and_sends_the_rest_at_once(
    coop_env, mail_sink, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    _queue(10)
    _database_goes_away_at(3, monkeypatch)
    with pytest.raises(OperationalError):
        deliver_pending()
    assert _statuses() == {"sent": 2, "sending": 8}  # without the fix: 8 wait 10 minutes
    assert delivery_claims.kept() == 1
    monkeypatch.undo()
    report = deliver_pending()  # the task's retry, in the same process
    assert report.sent == 7  # the third was accepted before the error: recorded, not re-sent
    assert _statuses() == {"sent": 10}
    keys = Counter(m["X-Coop-Key"] for m in mail_sink.parsed())
    assert len(keys) == 10 and max(keys.values()) == 1
    assert _flagged() == 0 and delivery_claims.kept() == 0


def test_the_bulk_sender_settles_the_same_way(
    coop_env, mail_sink, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    _queue(12)
    _database_goes_away_at(5, monkeypatch)
    with pytest.raises(OperationalError):
        deliver_prefix("t:", connections=1, batch=6)
    assert _statuses() == {"sent": 4, "sending": 2, "pending": 6}
    monkeypatch.undo()
    report = deliver_prefix("t:", connections=1, batch=6)
    assert report.sent == 7 and _statuses() == {"sent": 12}
    keys = Counter(m["X-Coop-Key"] for m in mail_sink.parsed())
    assert len(keys) == 12 and max(keys.values()) == 1
    assert delivery_claims.kept() == 0


def test_while_the_database_is_still_away_everything_is_kept_for_the_next_retry(
    coop_env, mail_sink, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    _queue(4)
    _database_goes_away_at(2, monkeypatch)
    with pytest.raises(OperationalError):
        deliver_pending()
    monkeypatch.undo()

    def still_away(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("UPDATE outbox", {}, Exception("connection refused"))

    monkeypatch.setattr(OutboxRepository, "settle", still_away)
    with pytest.raises(OperationalError):
        deliver_pending()  # the first retry: the server is not back yet
    assert delivery_claims.kept() == 1 and _statuses() == {"sent": 1, "sending": 3}
    monkeypatch.undo()
    assert deliver_pending().sent == 2
    assert _statuses() == {"sent": 4} and len(mail_sink.messages()) == 4


def test_a_message_on_the_wire_at_the_error_is_released_flagged(
    coop_env, mail_sink, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """An error that is not an SMTP reply while sending (the server may have taken it): the
    message is released at once but flagged as a possible duplicate for staff."""
    from documents.mail import YagmailSender

    _queue(3)
    real = YagmailSender.send
    calls = Counter[str]()

    def breaks_on_second(self, **kwargs):  # type: ignore[no-untyped-def]
        calls["send"] += 1
        if calls["send"] == 2:
            raise RuntimeError("worker interrupted")
        return real(self, **kwargs)

    monkeypatch.setattr(YagmailSender, "send", breaks_on_second)
    with pytest.raises(RuntimeError):
        deliver_pending()
    monkeypatch.undo()
    assert deliver_pending().sent == 2
    assert _statuses() == {"sent": 3} and _flagged() == 1
    with UnitOfWork() as uow:
        flagged = uow.session.execute(select(
            OutboxMessage.idempotency_key, OutboxMessage.status).where(
            OutboxMessage.redelivered.is_(True))).one()
    assert tuple(flagged) == ("t:1", OutboxStatus.SENT)
