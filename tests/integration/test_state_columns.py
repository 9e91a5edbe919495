"""Every state column holds a StrEnum: a wrong string is refused at flush, a right one reads
back as the enum member (the 'block'/'blocked' bug cannot be written)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Enum, select
from sqlalchemy.exc import StatementError

from governance.clock import utcnow
from governance.db.models import Base, DecisionRequest, SharePayment, ShareRefund
from governance.db.uow import UnitOfWork
from governance.kernel.rules.enums import DecisionStatus
from governance.register.rules.register import PaymentStatus, RefundStatus


def _payment(status: str) -> SharePayment:
    return SharePayment(
        source_key=f"test:{status}",
        amount_cents=5_000,
        paid_on=date(2026, 3, 2),
        status=status,
        recorded_by="test",
        details={},
    )


def _refund(status: str) -> ShareRefund:
    return ShareRefund(
        source_key=f"test:{status}",
        name="A payer",
        amount_cents=5_000,
        reason="refunded",
        status=status,
    )


def _request(status: str) -> DecisionRequest:
    return DecisionRequest(
        key=f"test:{status}",
        process="test",
        subject_type="test",
        subject_id="1",
        question="?",
        status=status,
        due_at=utcnow() + timedelta(days=1),
    )


def test_every_status_column_is_typed_by_an_enum() -> None:
    free = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.tables.values()
        for column in table.columns
        if column.name == "status" and not isinstance(column.type, Enum)
    ]
    assert free == []


@pytest.mark.parametrize(
    ("make", "wrong"),
    [(_payment, "hold"), (_refund, "noiban"), (_request, "closed")],
    ids=["share_payment", "share_refund", "decision_request"],
)
def test_a_misspelt_state_is_refused_at_flush(coop_env, make, wrong) -> None:  # type: ignore[no-untyped-def]
    with UnitOfWork() as uow:
        uow.session.add(make(wrong))
        with pytest.raises(StatementError, match=wrong):
            uow.session.flush()
        uow.rollback()
    with UnitOfWork() as uow:
        assert uow.session.scalars(select(SharePayment)).all() == []
        assert uow.session.scalars(select(ShareRefund)).all() == []
        assert uow.session.scalars(select(DecisionRequest)).all() == []


@pytest.mark.parametrize(
    ("make", "model", "member"),
    [
        (_payment, SharePayment, PaymentStatus.HELD),
        (_refund, ShareRefund, RefundStatus.NO_IBAN),
        (_request, DecisionRequest, DecisionStatus.OPEN),
    ],
    ids=["share_payment", "share_refund", "decision_request"],
)
def test_a_state_written_as_its_value_reads_back_as_the_member(  # type: ignore[no-untyped-def]
    coop_env, make, model, member
) -> None:
    with UnitOfWork() as uow:
        uow.session.add(make(member.value))
        uow.commit()
    with UnitOfWork() as uow:
        status = uow.session.scalars(select(model.status)).one()
    assert status is member
