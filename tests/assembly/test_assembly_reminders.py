"""GA reminders: written by the outbox repository in bulk, delivered by the bulk path."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from test_assembly_convening import convene, new_assembly, shareholders

from governance.assembly.use_cases.ballot_keys import ballot_document_key
from governance.db.models import OutboxMessage
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.enums import Language
from tasks.assembly import prepare_chunk, queue_reminders, send_reminders


def test_ga_reminders_are_queued_once_and_reach_each_voter_once(
    coop_env, mail_sink  # type: ignore[no-untyped-def]
) -> None:
    """The reminders are written by the repository in bulk (a GA queues up to 75,000): a
    second call queues nothing, each carries the voter's ballot, the bulk path sends each once."""
    shareholders([Language.FR, Language.NL, Language.DE] * 3, email_every=False)  # 3 by post
    assembly_id = new_assembly()
    convene(assembly_id)
    prepare_chunk.fn(assembly_id, 0)
    assert (queue_reminders.fn(assembly_id), queue_reminders.fn(assembly_id)) == (6, 0)
    prefix = mail_keys.assembly_reminder(assembly_id)
    with UnitOfWork() as uow:
        rows = uow.session.execute(select(
            OutboxMessage.member_id, OutboxMessage.template, OutboxMessage.attachment_keys,
        ).where(OutboxMessage.idempotency_key.startswith(prefix))).all()
    assert len(rows) == 6 and {t for _, t, _ in rows} == {"assembly_reminder"}
    assert all(keys == [ballot_document_key(assembly_id, m)] for m, _, keys in rows)
    assert send_reminders.fn(assembly_id)["sent"] == 6
    arrivals = Counter(m["X-Coop-Key"] for m in mail_sink.parsed()
                       if m["X-Coop-Key"].startswith(prefix))
    assert len(arrivals) == 6 and max(arrivals.values()) == 1
