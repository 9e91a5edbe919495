"""Two transfers of the same shares at the same time, on PostgreSQL with real connections."""

from __future__ import annotations

import os
import threading
import time
from datetime import date

import pytest
from sqlalchemy.orm import Session

from governance.db.engine import make_engine
from governance.db.repositories import register as store
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.register.rules.register import TransferExceedsHolding
from governance.register.use_cases import share_changes, shares

pytestmark = pytest.mark.postgres


@pytest.mark.skipif(not os.environ.get("COOP_TEST_DATABASE_URL"), reason="needs PostgreSQL")
def test_two_concurrent_transfers_of_the_same_shares_one_wins_one_is_refused(
    coop_env, make_member
) -> None:
    from test_register_changes import holder

    giver = holder(make_member, 3)
    receivers = [make_member(), make_member()]
    barrier = threading.Barrier(2)
    outcomes: dict[int, object] = {}

    def attempt(i: int) -> None:
        engine = make_engine(coop_env.database_url)  # its own engine, its own connection
        try:
            with Session(engine) as session:
                barrier.wait()
                try:
                    share_changes.transfer_shares(
                        session, from_member_id=giver, to_member_id=receivers[i],
                        share_class="A", shares=2, effective_on=date(2026, 2, 1),
                        approved_by="board", request_key=f"race-{i}", actor=Actor.staff("x"))
                    time.sleep(0.3)  # hold the locks: the other one must wait for us
                    session.commit()
                    outcomes[i] = "ok"
                except TransferExceedsHolding as exc:
                    session.rollback()
                    outcomes[i] = exc
        finally:
            engine.dispose()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(type(o).__name__ for o in outcomes.values()) == ["TransferExceedsHolding", "str"]
    refusal = next(o for o in outcomes.values() if isinstance(o, TransferExceedsHolding))
    assert "holds 1 class A share(s) and cannot transfer 2" in refusal.message
    with UnitOfWork() as uow:
        held = {h.member_id: h.shares for h in shares.holdings_as_at(uow.session, date(2026, 2, 1))}
        assert held[giver] == 1 and sum(held.values()) == 3
        assert store.verify(uow.session).ok
