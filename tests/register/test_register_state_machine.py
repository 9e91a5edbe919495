"""Random subscribe/pay/transfer/resign/exclude/die sequences against the real services:
holdings match a plain model, the invariants hold, the chain verifies, and tampering with
any entry is detected at that entry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select, update

from governance.db.models import RegisterEntry, RegisterHead
from governance.db.repositories import register as store
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.errors import InvalidTransition
from governance.register.rules.register import (
    MemberCannotSubscribe,
    NothingToCancel,
    TransferExceedsHolding,
)
from governance.register.use_cases import share_changes, share_payments, shares

STAFF = Actor.staff("hypo")
FAR = date(2100, 1, 1)


class RegisterMachine(RuleBasedStateMachine):
    make_member: Callable[[], int]  # the `make_member` fixture, set by the test

    def __init__(self) -> None:
        super().__init__()
        self.members = [type(self).make_member() for _ in range(4)]
        self.held = dict.fromkeys(self.members, 0)
        self.gone: set[int] = set()
        self.pending: dict[int, tuple[int, int]] = {}
        self.counter = 0

    def _key(self) -> str:
        self.counter += 1
        return f"{id(self)}-{self.counter}"

    @initialize()
    def start(self) -> None:
        pass

    @rule(who=st.integers(0, 3), n=st.integers(1, 4))
    def subscribe(self, who: int, n: int) -> None:
        member = self.members[who]
        with UnitOfWork() as uow:
            try:
                view = shares.subscribe(uow.session, member_id=member, share_class="A", shares=n,
                                        actor=STAFF, now=datetime(2026, 1, 10, tzinfo=UTC))
            except MemberCannotSubscribe:
                assert member in self.gone
                return
            uow.commit()
        assert member not in self.gone
        self.pending[view.id] = (member, n)

    @rule(data=st.data(), exact=st.booleans())
    def pay(self, data: st.DataObject, exact: bool) -> None:
        if not self.pending:
            return
        sub_id = data.draw(st.sampled_from(sorted(self.pending)))
        member, n = self.pending[sub_id]
        with UnitOfWork() as uow:
            outcome = share_payments.record_payment(
                uow.session, subscription_id=sub_id, amount_cents=n * 3000 + (0 if exact else 1),
                paid_on=date(2026, 1, 20), actor=STAFF, bank_reference=self._key())
            uow.commit()
        assert outcome.issued is exact
        if exact:
            del self.pending[sub_id]
            self.held[member] += n

    @rule(giver=st.integers(0, 3), receiver=st.integers(0, 3), n=st.integers(1, 5))
    def transfer(self, giver: int, receiver: int, n: int) -> None:
        a, b = self.members[giver], self.members[receiver]
        if a == b:
            return
        with UnitOfWork() as uow:
            try:
                share_changes.transfer_shares(
                    uow.session, from_member_id=a, to_member_id=b, share_class="A", shares=n,
                    effective_on=date(2026, 2, 1), approved_by="board", request_key=self._key(),
                    actor=STAFF)
            except TransferExceedsHolding:
                assert n > self.held[a]
                return
            except InvalidTransition:
                assert b in self.gone
                return
            uow.commit()
        assert n <= self.held[a] and b not in self.gone
        self.held[a] -= n
        self.held[b] += n

    @rule(who=st.integers(0, 3))
    def resign(self, who: int) -> None:
        member = self.members[who]
        with UnitOfWork() as uow:
            try:
                out = share_changes.request_resignation(
                    uow.session, member_id=member, requested_on=date(2026, 3, 1),
                    iban="BE71096123456769", request_key=self._key(), actor=STAFF)
            except NothingToCancel:
                assert self.held[member] == 0
                return
            assert out.accepted
            share_changes.complete_due_resignations(uow.session, today=date(2026, 7, 1),
                                                    actor=STAFF)
            uow.commit()
        self.held[member] = 0

    @rule(who=st.integers(0, 3), death=st.booleans())
    def leave(self, who: int, death: bool) -> None:
        member = self.members[who]
        with UnitOfWork() as uow:
            try:
                if death:
                    cancelled = share_changes.record_death(
                        uow.session, member_id=member, died_on=date(2026, 4, 1), actor=STAFF)
                else:
                    cancelled = share_changes.exclude_member(
                        uow.session, member_id=member, decided_on=date(2026, 4, 1),
                        reason="statutes art. 12", actor=STAFF)
            except NothingToCancel:
                assert self.held[member] == 0
                return
            uow.commit()
        assert cancelled == self.held[member] or member in self.gone
        self.held[member] = 0
        self.gone.add(member)

    @rule(pick=st.integers(0, 10**6), field=st.sampled_from(["shares", "amount", "reference",
                                                              "member"]), other=st.integers(0, 3))
    def tampering_is_detected(self, pick: int, field: str, other: int) -> None:
        with UnitOfWork() as uow:
            head = uow.session.get(RegisterHead, 1)
            assert head is not None
            if head.last_sequence == 0:
                return
            sequence = 1 + pick % head.last_sequence
            entry = RegisterEntry
            change = {
                "shares": {"shares": entry.shares + 1},
                "amount": {"amount_cents": entry.amount_cents + 1},
                "reference": {"reference": entry.reference + "x"},
                "member": {"member_id": self.members[other]},
            }[field]
            current = uow.session.scalar(
                select(entry.member_id).where(entry.sequence == sequence))
            if field == "member" and current == self.members[other]:
                return
            uow.session.execute(update(entry).where(entry.sequence == sequence).values(change))
            report = store.verify(uow.session)
            assert not report.ok and report.first_bad_sequence == sequence
            uow.rollback()

    @invariant()
    def holdings_match_the_model_and_the_register_verifies(self) -> None:
        with UnitOfWork() as uow:
            held = {h.member_id: h.shares for h in shares.holdings_as_at(uow.session, FAR)}
            for member in self.members:
                assert held.get(member, 0) == self.held[member] >= 0
            report = store.verify(uow.session)
            assert report.ok, report.problem


@pytest.mark.slow
def test_random_register_histories_keep_every_invariant(coop_env, make_member) -> None:
    RegisterMachine.make_member = staticmethod(make_member)  # type: ignore[assignment]
    run_state_machine_as_test(
        RegisterMachine,
        settings=settings(max_examples=12, stateful_step_count=14, deadline=None,
                          suppress_health_check=list(HealthCheck)),
    )
