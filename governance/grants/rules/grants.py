"""Grant awarding rules: eligibility, first-N, scores, ranking, allocation, instalments.

Pure: facts in, decisions out. The documented rules (also in the README section "Grants"):

* Eligible = complete file (title, summary, at least one budget line, amount asked not above the
  project budget), received by the closing time, applicant an active member, amount within the
  call's limits. Among eligible files only the first `max_applications` by submission time
  (ties by reference) are considered; the others are "beyond the limit".
* A reviewer is never assigned an application they have a conflict with: the applicant is the
  reviewer themself, the reviewer declared a relation with the applicant, or the reviewer works on
  the same Activity. Assignment is greedy, most constrained application first, least loaded
  reviewer first (ties by login): without conflicts loads differ by at most one (these two rules
  are in `reviewer_assignment`).
* Missing reviews: an application's score is the mean of the reviews received when at least
  `quorum` reviews are in; below quorum it is "unscored": not allocated automatically, shown to the
  board, which may still award it with a reason. A recusal frees the seat for a new reviewer.
* Score of one review = sum(weight * score / scale) / sum(weight), on 0..100.
* Ranking tie-break, in order: higher mean score; higher mean on the heaviest criterion (then the
  next heaviest...); smaller amount asked (more projects funded); earlier submission; reference.
* Allocation in rank order: an application that fits the remaining budget gets its amount asked;
  one that does not fit is skipped for the next that does, unless the call allows partial funding,
  in which case it gets what is left. The total never exceeds the budget.
* Instalments: percentages summing to 100; cents rounded down, the remainder cents go to the
  largest fractional parts (ties: the earlier instalment), so the parts sum to the award exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from fractions import Fraction
from typing import Any

from governance.kernel.rules.errors import RuleViolation


class CallKind(StrEnum):
    ACCOMPANIMENT = "accompaniment"
    SALTO = "salto"
    OTHER = "other"


class CallStatus(StrEnum):
    OPEN = "open"
    SCREENED = "screened"  # eligibility and first-N applied
    IN_REVIEW = "in_review"  # reviewers assigned
    RANKED = "ranked"  # scores, ranking and proposed allocation fixed
    DECIDED = "decided"  # board approved; awards, letters, first instalments
    CLOSED = "closed"  # every instalment released


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    INELIGIBLE = "ineligible"
    BEYOND_LIMIT = "beyond_limit"
    IN_REVIEW = "in_review"
    RANKED = "ranked"
    AWARDED = "awarded"
    REJECTED = "rejected"


class AssignmentStatus(StrEnum):
    ASSIGNED = "assigned"
    REVIEWED = "reviewed"
    RECUSED = "recused"


class InstalmentStatus(StrEnum):
    AWAITING_REPORT = "awaiting_report"
    RELEASED = "released"  # payable: goes into the next payment file
    PAID = "paid"  # in a pain.001 file sent to the bank


class ReportStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


# ----------------------------------------------------------------------------- violations


class InvalidCall(RuleViolation):
    code = "invalid_call"


class InvalidInstalmentPlan(RuleViolation):
    code = "invalid_instalment_plan"


class CallClosed(RuleViolation):
    code = "call_closed"


class InvalidScore(RuleViolation):
    code = "invalid_score"


class ConflictOfInterest(RuleViolation):
    code = "conflict_of_interest"


class OverBudget(RuleViolation):
    code = "over_budget"


class ReasonRequired(RuleViolation):
    code = "reason_required"


class UnknownApplication(RuleViolation):
    code = "unknown_application"


class DuplicateApplication(RuleViolation):
    code = "duplicate_application"


# ----------------------------------------------------------------------------- call rules


@dataclass(frozen=True)
class CallRules:
    budget_cents: int
    max_applications: int
    min_amount_cents: int
    max_amount_cents: int
    closes_at: datetime
    reviewers_per_application: int = 2
    review_quorum: int = 2
    partial_funding: bool = False
    instalment_percents: tuple[int, ...] = (60, 40)


def check_call(rules: CallRules, opens_at: datetime) -> None:
    """Refuse a call whose settings contradict each other (field named in the message)."""
    if rules.closes_at <= opens_at:
        raise InvalidCall("the closing date must be after the opening date", field="closes_at")
    if rules.budget_cents <= 0:
        raise InvalidCall("the budget must be more than zero", field="budget_cents")
    if rules.max_applications < 1:
        raise InvalidCall("at least one application must be considered", field="max_applications")
    if not 0 < rules.min_amount_cents <= rules.max_amount_cents:
        raise InvalidCall(
            "the minimum amount must be positive and not above the maximum",
            field="min_amount_cents",
        )
    if rules.reviewers_per_application < 1:
        raise InvalidCall(
            "at least one reviewer per application", field="reviewers_per_application"
        )
    if not 1 <= rules.review_quorum <= rules.reviewers_per_application:
        raise InvalidCall(
            "the review quorum must be between 1 and the reviewers per application",
            field="review_quorum",
        )
    check_instalment_plan(rules.instalment_percents)


def check_instalment_plan(percents: Sequence[int]) -> None:
    if not percents or any(p <= 0 for p in percents) or sum(percents) != 100:
        raise InvalidInstalmentPlan(
            f"the instalments {list(percents)} must be positive percentages summing to 100",
            field="instalment_percents",
        )


def split_instalments(amount_cents: int, percents: Sequence[int]) -> list[int]:
    """Split an award into instalments summing exactly to it (remainder cents go first)."""
    check_instalment_plan(percents)
    if amount_cents < 0:
        raise InvalidInstalmentPlan("an award cannot be negative", field="amount_cents")
    parts = [amount_cents * p // 100 for p in percents]
    # Largest remainder first (ties: the earlier instalment), so no part is a cent off its share.
    order = sorted(range(len(parts)), key=lambda i: (-(amount_cents * percents[i] % 100), i))
    for i in order[: amount_cents - sum(parts)]:
        parts[i] += 1
    return parts


# ----------------------------------------------------------------------------- eligibility


@dataclass(frozen=True)
class ApplicationFacts:
    reference: str
    member_active: bool
    amount_asked_cents: int
    budget_lines_cents: tuple[int, ...]
    has_title: bool
    has_summary: bool
    submitted_at: datetime


class Ineligibility(StrEnum):
    """Why a file is not considered; letters translate the code, staff read REASON_TEXT."""

    NO_TITLE = "no_title"
    NO_SUMMARY = "no_summary"
    NO_BUDGET = "no_budget"
    ABOVE_PROJECT_BUDGET = "above_project_budget"
    LATE = "late"
    MEMBER_NOT_ACTIVE = "member_not_active"
    BELOW_MINIMUM = "below_minimum"
    ABOVE_MAXIMUM = "above_maximum"
    BEYOND_LIMIT = "beyond_limit"


REASON_TEXT = {
    Ineligibility.NO_TITLE: "project_title: the project has no title",
    Ineligibility.NO_SUMMARY: "summary: the project is not described",
    Ineligibility.NO_BUDGET: "budget_lines: the file has no budget",
    Ineligibility.ABOVE_PROJECT_BUDGET: "amount_asked_cents: more than the project budget",
    Ineligibility.LATE: "submitted_at: the file arrived after the closing time",
    Ineligibility.MEMBER_NOT_ACTIVE: "member: the applicant is not an active member",
    Ineligibility.BELOW_MINIMUM: "amount_asked_cents: below the call's minimum",
    Ineligibility.ABOVE_MAXIMUM: "amount_asked_cents: above the call's maximum",
    Ineligibility.BEYOND_LIMIT: "submitted_at: beyond the first N complete files",
}


def ineligibility_reasons(app: ApplicationFacts, rules: CallRules) -> list[Ineligibility]:
    """Every reason the file cannot be considered (empty list: eligible)."""
    reasons: list[Ineligibility] = []
    if not app.has_title:
        reasons.append(Ineligibility.NO_TITLE)
    if not app.has_summary:
        reasons.append(Ineligibility.NO_SUMMARY)
    if not app.budget_lines_cents:
        reasons.append(Ineligibility.NO_BUDGET)
    elif app.amount_asked_cents > sum(app.budget_lines_cents):
        reasons.append(Ineligibility.ABOVE_PROJECT_BUDGET)
    if app.submitted_at > rules.closes_at:
        reasons.append(Ineligibility.LATE)
    if not app.member_active:
        reasons.append(Ineligibility.MEMBER_NOT_ACTIVE)
    if app.amount_asked_cents < rules.min_amount_cents:
        reasons.append(Ineligibility.BELOW_MINIMUM)
    if app.amount_asked_cents > rules.max_amount_cents:
        reasons.append(Ineligibility.ABOVE_MAXIMUM)
    return reasons


@dataclass(frozen=True)
class Screening:
    considered: list[str]
    beyond_limit: list[str]
    ineligible: dict[str, list[Ineligibility]]


def screen(apps: Iterable[ApplicationFacts], rules: CallRules) -> Screening:
    """Eligibility, then the first N eligible files by submission time (ties by reference)."""
    ineligible: dict[str, list[Ineligibility]] = {}
    eligible: list[ApplicationFacts] = []
    for app in apps:
        reasons = ineligibility_reasons(app, rules)
        if reasons:
            ineligible[app.reference] = reasons
        else:
            eligible.append(app)
    eligible.sort(key=lambda a: (a.submitted_at, a.reference))
    n = rules.max_applications
    return Screening(
        [a.reference for a in eligible[:n]], [a.reference for a in eligible[n:]], ineligible
    )


# ----------------------------------------------------------------------------- scores


@dataclass(frozen=True)
class Criterion:
    code: str
    weight: int
    scale_max: int


def check_scores(scores: Mapping[str, int], criteria: Sequence[Criterion]) -> None:
    """Every criterion scored once, within its scale; nothing else."""
    codes = {c.code for c in criteria}
    unknown = set(scores) - codes
    if unknown:
        raise InvalidScore(f"unknown criteria: {', '.join(sorted(unknown))}", field="scores")
    for c in criteria:
        if c.code not in scores:
            raise InvalidScore(f"the criterion '{c.code}' has no score", field=f"scores.{c.code}")
        if not 0 <= scores[c.code] <= c.scale_max:
            raise InvalidScore(
                f"'{c.code}' must be scored from 0 to {c.scale_max}, not {scores[c.code]}",
                field=f"scores.{c.code}",
            )


def _points(scores: Mapping[str, int], criteria: Sequence[Criterion], common: int) -> int:
    """Σ weight·score/scale, times `common` (a multiple of every scale): an exact integer."""
    return sum(c.weight * scores[c.code] * (common // c.scale_max) for c in criteria)


def review_score(scores: Mapping[str, int], criteria: Sequence[Criterion]) -> Fraction:
    """One review's weighted score on 0..100 (exact)."""
    common = math.lcm(*(c.scale_max for c in criteria))
    total_weight = sum(c.weight for c in criteria)
    return Fraction(_points(scores, criteria, common) * 100, common * total_weight)


@dataclass(frozen=True)
class Candidate:
    reference: str
    amount_asked_cents: int
    submitted_at: datetime
    reviews: tuple[Mapping[str, int], ...] = ()


@dataclass(frozen=True)
class Ranked:
    reference: str
    rank: int | None  # None: unscored (fewer reviews than the quorum)
    score: Fraction | None
    criterion_means: dict[str, Fraction] = field(default_factory=dict)
    reviews: int = 0


def rank(
    candidates: Sequence[Candidate], criteria: Sequence[Criterion], quorum: int
) -> list[Ranked]:
    """Ranked applications first (rank 1 best), then the unscored ones by reference.

    Sort keys are exact integers: scores are scaled by a common multiple of the scales and of
    every possible number of reviews, so means compare exactly without fractions."""
    heaviest = sorted(criteria, key=lambda c: (-c.weight, c.code))
    common = math.lcm(*(c.scale_max for c in criteria))
    total_weight = sum(c.weight for c in criteria)
    per_review = math.lcm(*range(1, max((len(c.reviews) for c in candidates), default=1) + 1))
    scored: list[tuple[tuple[Any, ...], Ranked]] = []
    unscored: list[Ranked] = []
    for cand in candidates:
        n = len(cand.reviews)
        sums = {c.code: sum(r[c.code] for r in cand.reviews) for c in criteria}
        means = {code: Fraction(total, n) for code, total in sums.items()} if n else {}
        if n < quorum:
            unscored.append(Ranked(cand.reference, None, None, means, n))
            continue
        points = sum(_points(r, criteria, common) for r in cand.reviews)
        scale = per_review // n
        key = (
            -points * scale,
            *[-sums[c.code] * (common // c.scale_max) * scale for c in heaviest],
            cand.amount_asked_cents,
            cand.submitted_at,
            cand.reference,
        )
        score = Fraction(points * 100, n * common * total_weight)
        scored.append((key, Ranked(cand.reference, 0, score, means, n)))
    scored.sort(key=lambda pair: pair[0])
    ranked = [
        Ranked(r.reference, i, r.score, r.criterion_means, r.reviews)
        for i, (_, r) in enumerate(scored, start=1)
    ]
    return ranked + sorted(unscored, key=lambda r: r.reference)


# ----------------------------------------------------------------------------- allocation


@dataclass(frozen=True)
class Allocation:
    reference: str
    amount_cents: int
    partial: bool = False


def allocate(
    ranked: Sequence[tuple[str, int]], budget_cents: int, partial_funding: bool
) -> list[Allocation]:
    """Fund (reference, amount asked) pairs in rank order within the budget; 0 = not funded."""
    left = budget_cents
    result = []
    for reference, asked in ranked:
        if 0 < asked <= left:
            result.append(Allocation(reference, asked))
            left -= asked
        elif partial_funding and left > 0 and asked > 0:
            result.append(Allocation(reference, left, partial=True))
            left = 0
        else:
            result.append(Allocation(reference, 0))
    return result


@dataclass(frozen=True)
class BoardChange:
    reference: str
    amount_cents: int
    reason: str


def apply_board_changes(
    proposed: Mapping[str, int],
    asked: Mapping[str, int],
    changes: Sequence[BoardChange],
    budget_cents: int,
) -> dict[str, int]:
    """The board's final amounts: each change needs a reason, stays within the amount asked,
    and the total stays within the budget."""
    final = dict(proposed)
    for change in changes:
        if change.reference not in final:
            raise UnknownApplication(
                f"'{change.reference}' is not an application under decision", field="reference"
            )
        if not change.reason.strip():
            raise ReasonRequired(
                f"the board changed '{change.reference}' without giving a reason", field="reason"
            )
        if not 0 <= change.amount_cents <= asked[change.reference]:
            raise OverBudget(
                f"'{change.reference}' may receive between 0 and the "
                f"{asked[change.reference]} cents asked, not {change.amount_cents}",
                field="amount_cents",
            )
        final[change.reference] = change.amount_cents
    total = sum(final.values())
    if total > budget_cents:
        raise OverBudget(
            f"the awards total {total} cents, more than the budget of {budget_cents} cents",
            field="amount_cents",
        )
    return final
