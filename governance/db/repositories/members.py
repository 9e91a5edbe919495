"""The member records: the rows the members' use cases change (views are theirs to hand out)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from governance.db.models import Member
from governance.kernel.rules.errors import NotFound


class MemberRepository:
    """Adds and finds member rows in the caller's transaction; never commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, fields: dict[str, Any]) -> Member:
        """A new member row, flushed so that it has its id."""
        member = Member(**fields)
        self.session.add(member)
        self.session.flush()
        return member

    def get(self, member_id: int) -> Member:
        """The member's row; NotFound when there is none."""
        member = self.session.get(Member, member_id)
        if member is None:
            raise NotFound(f"there is no member with id {member_id}", field="member_id")
        return member
