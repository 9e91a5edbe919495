"""Grant services on a real database: submissions, conflicts, reviews, board, reports, payments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from grants_testkit import T0, add_reviewers, apply, make_call, make_members, score_all
from sqlalchemy import func, select

from governance.db.models import OutboxMessage, TimelineEvent
from governance.db.models.grants import GrantAssignment, GrantInstalment
from governance.db.uow import UnitOfWork
from governance.grants.rules.grants import (
    BoardChange,
    CallClosed,
    ConflictOfInterest,
    DuplicateApplication,
    InstalmentStatus,
    InvalidScore,
    OverBudget,
)
from governance.grants.use_cases import (
    grant_awards,
    grant_payments,
    grant_ranking,
    grant_reminders,
    grant_reviews,
    grants,
)
from governance.kernel.rules.errors import InvalidTransition, RuleViolation
from governance.kernel.rules.identifiers import InvalidIdentifier

GOOD = {"quality": 8, "impact": 7}


def _screen_and_assign(call_id: int) -> grant_reviews.AssignmentView:
    with UnitOfWork() as uow:
        grants.screen_call(uow, call_id, T0 + timedelta(hours=1))
    with UnitOfWork() as uow:
        return grant_reviews.assign_reviewers(uow, call_id, T0 + timedelta(hours=1))


def test_a_bad_submission_is_refused_naming_the_field_and_nothing_is_written(coop_env) -> None:
    (m,) = make_members(1)
    call_id = make_call()
    with pytest.raises(CallClosed) as late:
        apply(call_id, m, 50_000, minutes=60 * 24 * 6)
    assert late.value.field == "submitted_at"
    with pytest.raises(InvalidIdentifier) as bad_iban:
        apply(call_id, m, 50_000, iban="BE71096123456768")
    assert bad_iban.value.field == "iban"
    reference = apply(call_id, m, 50_000)
    with pytest.raises(DuplicateApplication):
        apply(call_id, m, 60_000)
    with UnitOfWork() as uow:
        acks = uow.session.scalars(select(OutboxMessage.idempotency_key)).all()
    assert acks == [f"mail:grants:{call_id}:ack:{reference}"]


def test_no_reviewer_with_a_conflict_is_assigned_and_recusals_are_recorded(coop_env) -> None:
    applicants = make_members(4)
    call_id = make_call()
    refs = [apply(call_id, m, 50_000, minutes=i) for i, m in enumerate(applicants)]
    add_reviewers(call_id, ["self", "cousin", "colleague", "r1", "r2"],
                  member_ids={"self": applicants[0]},
                  activities={"colleague": [f"ACT-{applicants[1]}"]})
    with UnitOfWork() as uow:
        grant_reviews.declare_conflict(uow, call_id, "cousin", applicants[2], "cousin", "anna")
    view = _screen_and_assign(call_id)
    assert view.short == {}
    with UnitOfWork() as uow:
        pack = grant_ranking.decision_pack(uow.session, call_id)
        progress = grant_reviews.review_progress(uow, call_id, T0)
    assert {(r, login) for r, login, _ in pack.recusals} == {
        (refs[0], "self"), (refs[1], "colleague"), (refs[2], "cousin")}
    assigned = set(progress.missing)
    assert not assigned & {(refs[0], "self"), (refs[1], "colleague"), (refs[2], "cousin")}
    loads: dict[str, int] = {}
    for _, login in assigned:
        loads[login] = loads.get(login, 0) + 1
    assert len(assigned) == 8 and max(loads.values()) - min(loads.values()) <= 1


def test_a_conflict_declared_later_recuses_and_the_seat_is_refilled(coop_env) -> None:
    applicants = make_members(2)
    call_id = make_call()
    ref = apply(call_id, applicants[0], 50_000)
    add_reviewers(call_id, ["r1", "r2", "r3"])
    _screen_and_assign(call_id)
    with UnitOfWork() as uow:
        first = {login for _, login in grant_reviews.review_progress(uow, call_id, T0).missing}
    victim = sorted(first)[0]
    with UnitOfWork() as uow:
        grant_reviews.declare_conflict(uow, call_id, victim, applicants[0], "business partner", "anna")
    with pytest.raises(ConflictOfInterest):
        with UnitOfWork() as uow:
            grant_reviews.submit_review(uow, call_id, ref, victim, GOOD, T0)
    with UnitOfWork() as uow:
        again = grant_reviews.assign_reviewers(uow, call_id, T0 + timedelta(days=1))
        now_on = {login for _, login in grant_reviews.review_progress(uow, call_id, T0).missing}
    assert again.assigned_now == 1
    assert victim not in now_on and len(now_on) == 2


def test_scores_are_typed_checked_and_never_given_twice(coop_env) -> None:
    (m,) = make_members(1)
    call_id = make_call()
    ref = apply(call_id, m, 50_000)
    add_reviewers(call_id, ["r1", "r2"])
    _screen_and_assign(call_id)
    with pytest.raises(InvalidScore) as refused:
        with UnitOfWork() as uow:
            grant_reviews.submit_review(uow, call_id, ref, "r1", {"quality": 11, "impact": 3}, T0)
    assert refused.value.field == "scores.quality"
    with UnitOfWork() as uow:
        grant_reviews.submit_review(uow, call_id, ref, "r1", GOOD, T0)
    with UnitOfWork() as uow:
        grant_reviews.submit_review(uow, call_id, ref, "r1", GOOD, T0)  # same again: no-op
    with pytest.raises(InvalidTransition):
        with UnitOfWork() as uow:
            grant_reviews.submit_review(uow, call_id, ref, "r1", {"quality": 1, "impact": 1}, T0)


def _ranked_call(budget: int, asked: list[int], partial: bool = False) -> tuple[int, list[str]]:
    applicants = make_members(len(asked))
    call_id = make_call(budget_cents=budget, partial_funding=partial)
    refs = [apply(call_id, m, a, minutes=i, account=i) for i, (m, a) in
            enumerate(zip(applicants, asked, strict=True))]
    add_reviewers(call_id, ["r1", "r2", "r3"])
    _screen_and_assign(call_id)
    # Earlier files score higher: the ranking follows the submission order.
    score_all(call_id, {r: {"quality": 10 - i, "impact": 5} for i, r in enumerate(refs)}, T0)
    with UnitOfWork() as uow:
        grant_ranking.rank_call(uow, call_id, T0 + timedelta(days=11))
    return call_id, refs


@pytest.mark.parametrize(("budget", "asked", "partial", "expected"), [
    (100_000, [60_000, 40_000], False, [60_000, 40_000]),  # exact fit
    (100_000, [60_000, 40_001, 40_000], False, [60_000, 0, 40_000]),  # one cent over: skipped
    (100_000, [60_000, 40_001, 40_000], True, [60_000, 40_000, 0]),  # partial funding
])
def test_budget_edge_cases_on_the_proposed_allocation(coop_env, budget, asked, partial,
                                                      expected) -> None:
    call_id, refs = _ranked_call(budget, asked, partial)
    with UnitOfWork() as uow:
        pack = grant_ranking.decision_pack(uow.session, call_id)
    assert [r.reference for r in pack.rows] == refs
    assert [r.proposed_cents for r in pack.rows] == expected
    assert pack.left_cents == budget - sum(expected) >= 0


def test_the_board_changes_with_a_reason_and_never_over_the_budget(coop_env) -> None:
    call_id, refs = _ranked_call(100_000, [60_000, 40_001, 40_000])
    with pytest.raises(OverBudget):
        with UnitOfWork() as uow:
            grant_awards.record_board_decision(
                uow, call_id, "board", [BoardChange(refs[1], 40_001, "stronger")], "", T0)
    with UnitOfWork() as uow:
        final = grant_awards.record_board_decision(
            uow, call_id, "board", [BoardChange(refs[1], 40_000, "stronger project"),
                                    BoardChange(refs[2], 0, "funded elsewhere")], "PV 12", T0)
    assert final == {refs[0]: 60_000, refs[1]: 40_000, refs[2]: 0}
    with pytest.raises(InvalidTransition):  # a different decision after the fact is refused
        with UnitOfWork() as uow:
            grant_awards.record_board_decision(uow, call_id, "board", [], "", T0)


def test_instalments_are_gated_by_accepted_reports_and_paid_once(coop_env) -> None:
    call_id, refs = _ranked_call(100_001, [100_001])
    with UnitOfWork() as uow:
        grant_awards.record_board_decision(uow, call_id, "board", [], "", T0)
    with UnitOfWork() as uow:
        grant_awards.finalise_awards(uow, call_id, T0)
    with UnitOfWork() as uow:
        grant_awards.finalise_awards(uow, call_id, T0)  # twice: nothing new
        amounts = uow.session.scalars(select(GrantInstalment.amount_cents)
                                      .order_by(GrantInstalment.seq)).all()
    assert amounts == [60_001, 40_000]
    with UnitOfWork() as uow:
        batch = grant_payments.claim_payment_batch(uow, call_id, T0)
    assert batch is not None and [p.amount_cents for p in batch.payments] == [60_001]
    with UnitOfWork() as uow:
        grant_payments.record_payment_file(uow, batch.reference, "x.xml", "0" * 64)
    with UnitOfWork() as uow:  # nothing released: no new batch (the second part waits)
        assert grant_payments.claim_payment_batch(uow, call_id, T0) is None
    with UnitOfWork() as uow:
        report = grant_payments.submit_report(uow, refs[0], "done", T0 + timedelta(days=80))
    with pytest.raises(RuleViolation) as refused:
        with UnitOfWork() as uow:
            grant_payments.decide_report(uow, report, "staff", False, "", T0)
    assert refused.value.field == "note"
    with UnitOfWork() as uow:
        grant_payments.decide_report(uow, report, "staff", False, "no receipts", T0)
    with UnitOfWork() as uow:
        assert grant_payments.claim_payment_batch(uow, call_id, T0) is None
        again = grant_payments.submit_report(uow, refs[0], "with receipts", T0)
    with UnitOfWork() as uow:
        assert grant_payments.decide_report(uow, again, "staff", True, "", T0) == \
            InstalmentStatus.RELEASED
    with UnitOfWork() as uow:
        second = grant_payments.claim_payment_batch(uow, call_id, T0)
    assert second is not None and [p.amount_cents for p in second.payments] == [40_000]
    with UnitOfWork() as uow:
        grant_payments.record_payment_file(uow, second.reference, "y.xml", "1" * 64)
        assert grant_payments.claim_payment_batch(uow, call_id, T0) is None
        paid = uow.session.scalar(select(func.sum(GrantInstalment.amount_cents)).where(
            GrantInstalment.status == InstalmentStatus.PAID))
        assert paid == 100_001
        actions = set(uow.session.scalars(select(TimelineEvent.action)))
    assert {"grant_report_rejected", "grant_report_accepted", "grant_awarded",
            "grant_payment_batch_created"} <= actions


def test_reminders_are_queued_once_per_assignment_and_weekly_for_reports(coop_env) -> None:
    (m,) = make_members(1)
    call_id = make_call()
    apply(call_id, m, 50_000)
    add_reviewers(call_id, ["r1", "r2"])
    _screen_and_assign(call_id)
    with UnitOfWork() as uow:
        early = grant_reminders.queue_reminders(uow, T0 + timedelta(days=1))
    with UnitOfWork() as uow:
        grant_reminders.queue_reminders(uow, T0 + timedelta(days=8))
    with UnitOfWork() as uow:
        grant_reminders.queue_reminders(uow, T0 + timedelta(days=9))
        reminders = uow.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.template == "grant_review_reminder"))
        assignments = uow.session.scalar(select(func.count()).select_from(GrantAssignment))
    assert early.reviews == 0 and reminders == assignments == 2
