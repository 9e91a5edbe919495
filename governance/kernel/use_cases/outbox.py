"""The outbox: e-mails written with the business change, delivered exactly once later.

Rows are read and written by the outbox repository (`uow.outbox`); delivery is the engine in
governance.kernel.use_cases.delivery. `enqueue` stays here for the many use cases that queue one
message through their session; `tell_member` is the letter to a member, with the greeting's
facts every member template uses.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from governance.config import get_settings
from governance.db.models import Member
from governance.db.repositories.outbox import OutboxRepository
from governance.kernel.rules.enums import Language, MemberKind


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
) -> None:
    """Write one message in the caller's transaction; the same key never makes a second one."""
    OutboxRepository(session).enqueue(
        key=key,
        to=to,
        template=template,
        language=language,
        context=context,
        member_id=member_id,
        attachment_keys=attachment_keys,
    )


def tell_member(
    session: Session,
    member: Member,
    *,
    key: str,
    template: str,
    context: dict[str, Any],
    attachment_keys: list[str] | None = None,
) -> bool:
    """Queue one letter to `member` in their language, with their name, whether they are a
    company and the cooperative's name beside `context`; False (nothing queued) when the member
    has no e-mail address: the caller sends it by post."""
    if not member.email:
        return False
    enqueue(
        session,
        key=key,
        to=member.email,
        template=template,
        language=member.language,
        member_id=member.id,
        attachment_keys=attachment_keys,
        context={
            "name": member.display_name,
            "company": member.kind == MemberKind.COMPANY,
            "coop_name": get_settings().coop_name,
            **context,
        },
    )
    return True
