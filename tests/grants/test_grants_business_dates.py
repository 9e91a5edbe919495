"""Grant deadlines at the instants where the UTC date and the Brussels date differ."""

from __future__ import annotations

from datetime import timedelta

import pytest
from business_clock import at_split_instants
from grants_testkit import apply, make_call, make_members
from sqlalchemy import select

from governance.clock import brussels_date, to_brussels, utcnow
from governance.db.models import OutboxMessage
from governance.db.uow import UnitOfWork
from governance.grants.rules.grants import CallClosed

pytestmark = pytest.mark.usefixtures("coop_env")


@at_split_instants
def test_a_call_closing_at_night_takes_files_until_its_instant_and_says_so_in_brussels_time(
    business_clock,  # type: ignore[no-untyped-def]
) -> None:
    closes = utcnow()
    call_id = make_call(opens_at=closes - timedelta(days=30), closes_at=closes,
                        review_due_at=closes + timedelta(days=10))
    first, second = make_members(2)
    reference = apply(call_id, first, 50_000, submitted_at=closes)
    with pytest.raises(CallClosed) as refused:
        apply(call_id, second, 50_000, submitted_at=closes + timedelta(seconds=1))
    assert f"{to_brussels(closes):%d/%m/%Y %H:%M} (Brussels time)" in refused.value.message
    with UnitOfWork() as uow:
        context = uow.session.scalars(select(OutboxMessage.context).where(
            OutboxMessage.idempotency_key.like(f"%:ack:{reference}"))).one()
    assert context["closes_on"] == brussels_date(closes).isoformat()
