"""The pure grant rules: property tests (allocation, conflicts, load, instalments) and cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.grants.rules import grants as g
from governance.grants.rules import reviewer_assignment as ra

T0 = datetime(2027, 3, 1, tzinfo=UTC)
CRITERIA = [g.Criterion("artistic", 3, 10), g.Criterion("impact", 2, 10),
            g.Criterion("feasibility", 1, 5)]

amounts = st.lists(st.integers(min_value=1, max_value=500_000), min_size=0, max_size=60)


# ----------------------------------------------------------------------------- allocation


@settings(max_examples=300, deadline=None)
@given(asked=amounts, budget=st.integers(min_value=0, max_value=5_000_000),
       partial=st.booleans())
def test_allocation_never_exceeds_the_budget_nor_the_amount_asked(
        asked: list[int], budget: int, partial: bool) -> None:
    ranked = [(f"A{i}", a) for i, a in enumerate(asked)]
    result = g.allocate(ranked, budget, partial)
    assert sum(a.amount_cents for a in result) <= budget
    assert [a.reference for a in result] == [r for r, _ in ranked]
    for allocation, (_, a) in zip(result, ranked, strict=True):
        assert 0 <= allocation.amount_cents <= a
    assert sum(1 for a in result if a.partial) <= (1 if partial else 0)


@settings(max_examples=200, deadline=None)
@given(asked=amounts, budget=st.integers(min_value=0, max_value=5_000_000))
def test_a_skipped_application_did_not_fit_what_was_left(asked: list[int], budget: int) -> None:
    ranked = [(f"A{i}", a) for i, a in enumerate(asked)]
    left = budget
    for allocation, (_, a) in zip(g.allocate(ranked, budget, False), ranked, strict=True):
        if allocation.amount_cents == 0:
            assert a > left  # skipped only because it did not fit
        else:
            assert allocation.amount_cents == a
            left -= a


def test_an_exact_fit_uses_the_whole_budget() -> None:
    result = g.allocate([("A", 60_000), ("B", 40_000)], 100_000, False)
    assert [a.amount_cents for a in result] == [60_000, 40_000]


def test_one_cent_over_skips_to_the_next_that_fits() -> None:
    result = g.allocate([("A", 60_000), ("B", 40_001), ("C", 40_000)], 100_000, False)
    assert [a.amount_cents for a in result] == [60_000, 0, 40_000]


def test_partial_funding_gives_what_is_left_to_the_first_that_does_not_fit() -> None:
    result = g.allocate([("A", 60_000), ("B", 40_001), ("C", 40_000)], 100_000, True)
    assert [(a.amount_cents, a.partial) for a in result] == [
        (60_000, False), (40_000, True), (0, False)]


def test_the_board_cannot_go_over_the_budget_or_change_without_a_reason() -> None:
    proposed = {"A": 60_000, "B": 0}
    asked = {"A": 60_000, "B": 40_001}
    with pytest.raises(g.OverBudget, match="more than the budget"):
        g.apply_board_changes(proposed, asked, [g.BoardChange("B", 40_001, "strong")], 100_000)
    with pytest.raises(g.ReasonRequired):
        g.apply_board_changes(proposed, asked, [g.BoardChange("B", 40_000, " ")], 100_000)
    with pytest.raises(g.OverBudget, match="between 0 and"):
        g.apply_board_changes(proposed, asked, [g.BoardChange("A", 70_000, "more")], 200_000)
    with pytest.raises(g.UnknownApplication):
        g.apply_board_changes(proposed, asked, [g.BoardChange("Z", 1, "who?")], 100_000)
    final = g.apply_board_changes(proposed, asked, [g.BoardChange("B", 40_000, "runner-up")],
                                  100_000)
    assert final == {"A": 60_000, "B": 40_000}


# ----------------------------------------------------------------------------- instalments


@given(amount=st.integers(min_value=0, max_value=10**9),
       plan=st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=6)
       .filter(lambda p: sum(p) <= 100))
def test_instalments_sum_exactly_to_the_award(amount: int, plan: list[int]) -> None:
    plan = [*plan[:-1], plan[-1] + 100 - sum(plan)]
    parts = g.split_instalments(amount, plan)
    assert sum(parts) == amount
    assert all(abs(p - amount * pct / 100) < 1 for p, pct in zip(parts, plan, strict=True))


def test_sixty_forty_with_an_odd_cent() -> None:
    assert g.split_instalments(100_001, [60, 40]) == [60_001, 40_000]
    with pytest.raises(g.InvalidInstalmentPlan, match="summing to 100"):
        g.split_instalments(100, [60, 30])


# ----------------------------------------------------------------------------- reviewers


@st.composite
def jury_and_files(draw: st.DrawFn) -> tuple[list[ra.ReviewTarget], list[ra.ReviewerFacts], int]:
    n_reviewers = draw(st.integers(min_value=1, max_value=12))
    n_apps = draw(st.integers(min_value=0, max_value=40))
    members = list(range(1, 30))
    reviewers = [
        ra.ReviewerFacts(
            login=f"r{i:02d}",
            member_id=draw(st.none() | st.sampled_from(members)),
            activity_refs=frozenset(draw(st.sets(st.sampled_from(["X", "Y", "Z"]), max_size=1))),
            declared_member_ids=frozenset(draw(st.sets(st.sampled_from(members), max_size=3))),
        )
        for i in range(n_reviewers)
    ]
    apps = [
        ra.ReviewTarget(f"G{i:03d}", draw(st.sampled_from(members)),
                       draw(st.none() | st.sampled_from(["X", "Y", "Z", "W"])))
        for i in range(n_apps)
    ]
    return apps, reviewers, draw(st.integers(min_value=1, max_value=4))


@settings(max_examples=300, deadline=None)
@given(case=jury_and_files())
def test_no_conflicted_reviewer_is_ever_assigned(case) -> None:  # type: ignore[no-untyped-def]
    apps, reviewers, k = case
    plan = ra.assign_reviewers(apps, reviewers, k)
    by_login = {r.login: r for r in reviewers}
    by_ref = {a.reference: a for a in apps}
    for ref, login in plan.assignments:
        assert ra.conflict_reasons(by_login[login], by_ref[ref]) == []
    assert len(set(plan.assignments)) == len(plan.assignments)  # never twice the same pair
    for app in apps:
        got = sum(1 for ref, _ in plan.assignments if ref == app.reference)
        free = sum(1 for r in reviewers if not ra.conflict_reasons(r, app))
        assert got == min(k, free)
        assert plan.short.get(app.reference, 0) == k - got


@settings(max_examples=300, deadline=None)
@given(n_apps=st.integers(min_value=0, max_value=60), n_reviewers=st.integers(1, 15),
       k=st.integers(1, 4))
def test_without_conflicts_loads_differ_by_at_most_one(n_apps: int, n_reviewers: int,
                                                      k: int) -> None:
    reviewers = [ra.ReviewerFacts(login=f"r{i:02d}") for i in range(n_reviewers)]
    apps = [ra.ReviewTarget(f"G{i:03d}", 1000 + i) for i in range(n_apps)]
    plan = ra.assign_reviewers(apps, reviewers, k)
    load = {r.login: 0 for r in reviewers}
    for _, login in plan.assignments:
        load[login] += 1
    assert max(load.values()) - min(load.values()) <= 1
    assert len(plan.assignments) == n_apps * min(k, n_reviewers)


def test_the_three_kinds_of_conflict_are_recorded_as_recusals() -> None:
    app = ra.ReviewTarget("G001", applicant_member_id=7, activity_ref="ACT-1")
    reviewers = [
        ra.ReviewerFacts("self", member_id=7),
        ra.ReviewerFacts("cousin", declared_member_ids=frozenset({7})),
        ra.ReviewerFacts("colleague", activity_refs=frozenset({"ACT-1"})),
        ra.ReviewerFacts("clear"),
    ]
    plan = ra.assign_reviewers([app], reviewers, 3)
    assert plan.assignments == [("G001", "clear")]
    assert plan.short == {"G001": 2}
    reasons = {login: why for _, login, why in plan.recusals}
    assert reasons == {"self": "the reviewer is the applicant",
                       "cousin": "the reviewer declared a relation with the applicant",
                       "colleague": "the reviewer works on the same Activity (ACT-1)"}


def test_existing_and_recused_reviewers_are_kept_and_not_reused() -> None:
    reviewers = [ra.ReviewerFacts(f"r{i}") for i in range(4)]
    plan = ra.assign_reviewers([ra.ReviewTarget("G1", 1)], reviewers, 2,
                              existing={"G1": ["r0"]}, excluded={"G1": ["r1"]})
    assert plan.assignments == [("G1", "r2")]


# ----------------------------------------------------------------------------- scores


def review(a: int, i: int, f: int) -> dict[str, int]:
    return {"artistic": a, "impact": i, "feasibility": f}


def test_scores_are_checked_per_criterion() -> None:
    with pytest.raises(g.InvalidScore, match="feasibility"):
        g.check_scores(review(5, 5, 6), CRITERIA)
    with pytest.raises(g.InvalidScore, match="no score"):
        g.check_scores({"artistic": 5, "impact": 5}, CRITERIA)
    with pytest.raises(g.InvalidScore, match="unknown"):
        g.check_scores({**review(1, 1, 1), "charm": 3}, CRITERIA)


def test_weighted_score_and_the_quorum_rule() -> None:
    assert g.review_score(review(10, 10, 5), CRITERIA) == 100
    assert g.review_score(review(5, 5, 0), CRITERIA) == pytest.approx(41.666, abs=0.01)
    cands = [g.Candidate("A", 100, T0, (review(8, 8, 4), review(6, 6, 2))),
             g.Candidate("B", 100, T0, (review(10, 10, 5),))]  # one review < quorum 2
    ranked = g.rank(cands, CRITERIA, quorum=2)
    assert [(r.reference, r.rank) for r in ranked] == [("A", 1), ("B", None)]
    assert ranked[0].score == (g.review_score(review(8, 8, 4), CRITERIA)
                               + g.review_score(review(6, 6, 2), CRITERIA)) / 2


def test_ties_break_on_the_heaviest_criterion_then_amount_then_time_then_reference() -> None:
    # A and B have exactly the same weighted score
    a = review(10, 5, 3)  # 3*1 + 2*0.5 + 1*0.6 = 4.6
    b = review(8, 8, 3)   # 3*0.8 + 2*0.8 + 0.6 = 4.6
    assert g.review_score(a, CRITERIA) == g.review_score(b, CRITERIA)
    cands = [g.Candidate("B", 100, T0, (b,)), g.Candidate("A", 100, T0, (a,))]
    assert [r.reference for r in g.rank(cands, CRITERIA, 1)] == ["A", "B"]  # artistic wins
    same = review(7, 7, 3)
    cands = [
        g.Candidate("D", 200, T0, (same,)),
        g.Candidate("C", 100, T0 + timedelta(hours=1), (same,)),  # smaller amount first
        g.Candidate("F", 200, T0 + timedelta(hours=2), (same,)),
        g.Candidate("E", 200, T0, (same,)),  # same amount and time as D: reference decides
    ]
    assert [r.reference for r in g.rank(cands, CRITERIA, 1)] == ["C", "D", "E", "F"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10), st.integers(0, 5),
                          st.integers(1, 5)), min_size=1, max_size=25), st.randoms())
def test_ranking_does_not_depend_on_input_order(rows, rnd) -> None:  # type: ignore[no-untyped-def]
    cands = [g.Candidate(f"G{i:02d}", 1000 * amount, T0, (review(a, b, c),))
             for i, (a, b, c, amount) in enumerate(rows)]
    shuffled = list(cands)
    rnd.shuffle(shuffled)
    first = [r.reference for r in g.rank(cands, CRITERIA, 1)]
    assert first == [r.reference for r in g.rank(shuffled, CRITERIA, 1)]


# ----------------------------------------------------------------------------- screening


def facts(ref: str, minutes: int, **kw: object) -> g.ApplicationFacts:
    base: dict[str, object] = dict(reference=ref, member_active=True, amount_asked_cents=100_000,
                                   budget_lines_cents=(150_000,), has_title=True,
                                   has_summary=True,
                                   submitted_at=T0 - timedelta(days=1) + timedelta(minutes=minutes))
    base.update(kw)
    return g.ApplicationFacts(**base)  # type: ignore[arg-type]


RULES = g.CallRules(budget_cents=1_000_000, max_applications=2, min_amount_cents=50_000,
                    max_amount_cents=200_000, closes_at=T0)


def test_first_n_complete_files_by_submission_time_with_reasons_for_the_others() -> None:
    apps = [facts("late-but-first-ref", 3), facts("B", 2), facts("C", 1),
            facts("no-budget", 0, budget_lines_cents=()),
            facts("inactive", 0, member_active=False),
            facts("too-much", 0, amount_asked_cents=300_000, budget_lines_cents=(400_000,)),
            facts("after-close", 60 * 25)]
    result = g.screen(apps, RULES)
    assert result.considered == ["C", "B"]
    assert result.beyond_limit == ["late-but-first-ref"]
    assert result.ineligible == {
        "no-budget": [g.Ineligibility.NO_BUDGET],
        "inactive": [g.Ineligibility.MEMBER_NOT_ACTIVE],
        "too-much": [g.Ineligibility.ABOVE_MAXIMUM],
        "after-close": [g.Ineligibility.LATE],
    }


def test_a_call_with_contradicting_settings_is_refused_naming_the_field() -> None:
    with pytest.raises(g.InvalidCall) as refused:
        g.check_call(g.CallRules(1000, 10, 100, 50, T0), T0 - timedelta(days=1))
    assert refused.value.field == "min_amount_cents"
    with pytest.raises(g.InvalidCall) as refused:
        g.check_call(g.CallRules(1000, 10, 10, 50, T0, reviewers_per_application=2,
                                 review_quorum=3), T0 - timedelta(days=1))
    assert refused.value.field == "review_quorum"
