"""The outbox: e-mails written with the business change, delivered exactly once later.

Rows are read and written by the outbox repository (`uow.outbox`); delivery is the engine in
governance.services.delivery. `enqueue` stays here for the many use cases that queue one
message through their session.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from governance.db.models import OutboxMessage
from governance.db.repositories.outbox import OutboxRepository
from governance.domain.enums import Language


def enqueue(
    session: Session,
    *,
    key: str,
    to: str,
    template: str,
    language: Language,
    context: dict[str, Any],
    member_id: int | None = None,
    attachment_keys: list[str] | None = None,
) -> OutboxMessage:
    """Write one message in the caller's transaction; the same key never makes a second one."""
    return OutboxRepository(session).enqueue(
        key=key,
        to=to,
        template=template,
        language=language,
        context=context,
        member_id=member_id,
        attachment_keys=attachment_keys,
    )
