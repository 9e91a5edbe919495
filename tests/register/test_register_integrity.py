"""The register cannot disagree with itself: the one way to write entries keeps the holdings
projection in the same transaction, and every seeder goes through the use cases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from governance.clock import business_today
from governance.db.models import RegisterEntry, ShareHolding
from governance.db.repositories import register
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.register.rules.register import EntryKind, TransferExceedsHolding
from governance.register.use_cases import share_changes, shares


def _verify() -> register.VerifyReport:
    with UnitOfWork() as uow:
        return register.verify(uow.session)


def _held(member_id: int) -> tuple[int, int]:
    with UnitOfWork() as uow:
        row = uow.session.scalar(select(ShareHolding).where(ShareHolding.member_id == member_id))
        return (row.shares, row.paid_cents) if row is not None else (0, 0)


def test_an_appended_issue_updates_the_holdings_in_the_same_transaction(make_member) -> None:  # type: ignore[no-untyped-def]
    member = make_member()
    with UnitOfWork() as uow:
        head = register.lock_head(uow.session)
        register.append(
            uow.session,
            head,
            [register.NewEntry(EntryKind.ISSUE, date(2026, 1, 5), member, "A", 2, 6000)],
        )
        uow.commit()
    assert _held(member) == (2, 6000)
    assert _verify().ok


def test_an_entry_the_holdings_cannot_follow_writes_nothing(make_member) -> None:  # type: ignore[no-untyped-def]
    giver, receiver = make_member(), make_member()
    with UnitOfWork() as uow:
        head = register.lock_head(uow.session)
        with pytest.raises(TransferExceedsHolding):
            register.append(
                uow.session,
                head,
                [
                    register.NewEntry(
                        EntryKind.TRANSFER, date(2026, 1, 5), giver, "A", 1, 3000,
                        counterparty_id=receiver,
                    )
                ],
            )
        uow.rollback()
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(func.count()).select_from(RegisterEntry)) == 0
    assert _verify().ok


def test_a_transfer_and_a_death_keep_the_projection_in_step(make_member) -> None:  # type: ignore[no-untyped-def]
    giver, receiver = make_member(), make_member()
    with UnitOfWork() as uow:
        head = register.lock_head(uow.session)
        register.append(
            uow.session,
            head,
            [register.NewEntry(EntryKind.ISSUE, date(2026, 1, 5), giver, "A", 3, 9000)],
        )
        uow.commit()
    with UnitOfWork() as uow:
        share_changes.transfer_shares(
            uow.session, from_member_id=giver, to_member_id=receiver, share_class="A", shares=2,
            effective_on=date(2026, 2, 1), approved_by="board", request_key="t1",
            actor=Actor.staff("staff"),
        )
        uow.commit()
    assert _held(giver) == (1, 3000)
    assert _held(receiver) == (2, 6000)
    assert _verify().ok
    with UnitOfWork() as uow:
        share_changes.record_death(
            uow.session, member_id=receiver, died_on=date(2026, 3, 1), actor=Actor.staff("staff")
        )
        uow.commit()
    assert _held(receiver) == (0, 0)
    assert _verify().ok


def test_the_bench_and_sample_shareholders_leave_the_register_verified(make_member) -> None:  # type: ignore[no-untyped-def]
    from seeding.assembly import seed_shareholders

    ids = seed_shareholders(40, date(2026, 1, 15))
    assert len(ids) == 40
    with UnitOfWork() as uow:
        held = shares.holdings_as_at(uow.session, date(2026, 1, 15))
    assert {h.member_id for h in held} == set(ids)
    assert sum(h.shares for h in held) == sum(1 + i % 3 for i in range(40))
    report = _verify()
    assert report.ok, report.problem


def test_the_demo_opening_shareholders_leave_the_register_verified(make_member) -> None:  # type: ignore[no-untyped-def]
    from seeding.demo_steps.assembly import _ensure_shareholders

    members = [make_member() for _ in range(5)]
    record_date = business_today() - timedelta(days=1)
    assert _ensure_shareholders(record_date) == 5
    assert _ensure_shareholders(record_date) == 0  # a second run adds nothing
    with UnitOfWork() as uow:
        held = shares.holdings_as_at(uow.session, record_date)
    assert {h.member_id for h in held} == set(members)
    report = _verify()
    assert report.ok, report.problem
