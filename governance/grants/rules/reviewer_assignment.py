"""Who reviews which grant application: conflicts of interest, and a balanced assignment.

Pure: facts in, a plan out. The rules are written out in `grants` (the module's docstring).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewerFacts:
    login: str
    member_id: int | None = None
    activity_refs: frozenset[str] = frozenset()
    declared_member_ids: frozenset[int] = frozenset()  # declared relations with applicants


@dataclass(frozen=True)
class ReviewTarget:
    reference: str
    applicant_member_id: int
    activity_ref: str | None = None


def conflict_reasons(reviewer: ReviewerFacts, app: ReviewTarget) -> list[str]:
    """Why this reviewer must not review this application (empty list: no conflict)."""
    reasons = []
    if reviewer.member_id is not None and reviewer.member_id == app.applicant_member_id:
        reasons.append("the reviewer is the applicant")
    if app.applicant_member_id in reviewer.declared_member_ids:
        reasons.append("the reviewer declared a relation with the applicant")
    if app.activity_ref and app.activity_ref in reviewer.activity_refs:
        reasons.append(f"the reviewer works on the same Activity ({app.activity_ref})")
    return reasons


@dataclass(frozen=True)
class AssignmentPlan:
    assignments: list[tuple[str, str]]  # (application reference, reviewer login)
    recusals: list[tuple[str, str, str]]  # (reference, login, reason) excluded for a conflict
    short: dict[str, int]  # reference -> reviewers still missing (not enough free reviewers)


def assign_reviewers(
    apps: Sequence[ReviewTarget],
    reviewers: Sequence[ReviewerFacts],
    per_application: int,
    existing: Mapping[str, Sequence[str]] | None = None,
    excluded: Mapping[str, Sequence[str]] | None = None,
) -> AssignmentPlan:
    """Give each application `per_application` conflict-free reviewers, balancing the load.

    `existing`: reviewers already (actively) on an application; `excluded`: reviewers that may not
    be put on it again (e.g. they recused). Existing assignments count in the loads.
    """
    existing = existing or {}
    excluded = excluded or {}
    load = {r.login: 0 for r in reviewers}
    for logins in existing.values():
        for login in logins:
            if login in load:
                load[login] += 1
    blocked, recusals = _blocked(apps, reviewers, existing, excluded)
    needed = {a.reference: per_application - len(existing.get(a.reference, ())) for a in apps}
    # Most constrained first, so an application with few possible reviewers still gets them.
    order = sorted(apps, key=lambda a: (-len(blocked[a.reference]), a.reference))
    assignments, short = _fill_seats(order, needed, blocked, load)
    return AssignmentPlan(assignments, recusals, short)


def _blocked(
    apps: Sequence[ReviewTarget],
    reviewers: Sequence[ReviewerFacts],
    existing: Mapping[str, Sequence[str]],
    excluded: Mapping[str, Sequence[str]],
) -> tuple[dict[str, set[str]], list[tuple[str, str, str]]]:
    """Per application, the jury members it may not get (already on it, excluded or in conflict),
    and a recusal for each conflict found."""
    # Indexes make a file's conflicted reviewers a few set look-ups, not a scan of the jury.
    by_login = {r.login: r for r in reviewers}
    as_member: dict[int, set[str]] = defaultdict(set)
    declared: dict[int, set[str]] = defaultdict(set)
    on_activity: dict[str, set[str]] = defaultdict(set)
    for r in reviewers:
        if r.member_id is not None:
            as_member[r.member_id].add(r.login)
        for member_id in r.declared_member_ids:
            declared[member_id].add(r.login)
        for activity in r.activity_refs:
            on_activity[activity].add(r.login)
    blocked: dict[str, set[str]] = {}
    recusals: list[tuple[str, str, str]] = []
    for app in apps:
        taken = set(existing.get(app.reference, ())) | set(excluded.get(app.reference, ()))
        conflicted = as_member[app.applicant_member_id] | declared[app.applicant_member_id]
        if app.activity_ref:
            conflicted |= on_activity[app.activity_ref]
        for login in sorted(conflicted - taken):
            reasons = conflict_reasons(by_login[login], app)
            recusals.append((app.reference, login, "; ".join(reasons)))
        blocked[app.reference] = (taken | conflicted) & by_login.keys()
    return blocked, recusals


def _fill_seats(
    order: Sequence[ReviewTarget],
    needed: Mapping[str, int],
    blocked: Mapping[str, set[str]],
    load: dict[str, int],
) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """Fill the seats in `order`, least loaded reviewer first (ties by login); `load` grows as
    seats are filled. Returns the assignments and the seats left empty per application."""
    queue = sorted((count, login) for login, count in load.items())  # least loaded first
    assignments: list[tuple[str, str]] = []
    short: dict[str, int] = {}
    for app in order:
        want = max(needed[app.reference], 0)
        chosen: list[str] = []
        for _, login in queue:
            if len(chosen) == want:
                break
            if login not in blocked[app.reference]:
                chosen.append(login)
        for login in chosen:
            del queue[bisect.bisect_left(queue, (load[login], login))]
            load[login] += 1
            bisect.insort(queue, (load[login], login))
            assignments.append((app.reference, login))
        if len(chosen) < want:
            short[app.reference] = want - len(chosen)
    return assignments, short
