"""The grant calls' and applications' rows that the awarding steps read and change."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.db.models.grants import GrantApplication, GrantCall
from governance.grants.rules.grants import ApplicationStatus
from governance.kernel.rules.errors import NotFound


def get_call(session: Session, call_id: int) -> GrantCall:
    """The call's row; NotFound when there is none."""
    call = session.get(GrantCall, call_id)
    if call is None:
        raise NotFound(f"there is no grant call with id {call_id}", field="call_id")
    return call


def applications_of(
    session: Session, call_id: int, *statuses: ApplicationStatus
) -> list[GrantApplication]:
    """The call's applications (of these statuses, if any are named), oldest first."""
    query = select(GrantApplication).where(GrantApplication.call_id == call_id)
    if statuses:
        query = query.where(GrantApplication.status.in_(statuses))
    return list(session.scalars(query.order_by(GrantApplication.id)))
