"""Register dates are Brussels business dates, whatever the hour in UTC."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from business_clock import at_split_instants
from test_register_changes import STAFF, holder

from governance.clock import business_today, frozen_at
from governance.db.uow import UnitOfWork
from governance.register.use_cases import share_changes, shares, unpaid_subscriptions

# (days after subscribing, reminded that day, lapsed that day); statutes: due 10, cancel 30
TIMELINE = [(9, 0, 0), (10, 1, 0), (11, 0, 0), (29, 0, 0), (30, 0, 1), (31, 0, 0)]


@at_split_instants
def test_reminder_and_lapse_fall_on_the_brussels_days_counted_from_the_subscription(
    business_clock, make_member
) -> None:
    subscribed_on = business_today()
    with UnitOfWork() as uow:
        sub = shares.subscribe(uow.session, member_id=make_member(), share_class="A", shares=1,
                               actor=STAFF)
        uow.commit()
    assert sub.due_on == subscribed_on + timedelta(days=10)
    for days, reminded, lapsed in TIMELINE:
        with frozen_at(business_clock + timedelta(days=days)), UnitOfWork() as uow:
            today = business_today()
            assert today == subscribed_on + timedelta(days=days)
            got = unpaid_subscriptions.send_payment_reminders(uow.session, today=today, actor=STAFF)
            gone = unpaid_subscriptions.cancel_overdue_subscriptions(uow.session, today=today, actor=STAFF)
            uow.commit()
        assert (len(got), len(gone)) == (reminded, lapsed), f"{days} days after subscribing"


@pytest.mark.parametrize(
    ("instant", "accepted"),
    [
        # 00:30 on 1 July in Brussels: the first six months of the financial year are over
        pytest.param("2026-06-30T22:30:00+00:00", False, id="summer-22h30utc-1-july"),
        # 00:30 on 1 January in Brussels: a new window opens
        pytest.param("2026-12-31T23:30:00+00:00", True, id="winter-23h30utc-1-january"),
    ],
)
def test_a_resignation_dated_today_is_judged_by_the_brussels_date(
    instant: str, accepted: bool, make_member
) -> None:
    member_id = holder(make_member, 1, on=date(2026, 1, 5))
    with frozen_at(instant), UnitOfWork() as uow:
        out = share_changes.request_resignation(
            uow.session, member_id=member_id, requested_on=business_today(),
            iban="BE71096123456769", request_key="r-today", actor=STAFF)
        uow.commit()
    assert out.accepted is accepted
    if not accepted:
        assert out.next_possible == date(2027, 1, 1)
