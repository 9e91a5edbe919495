"""Grant rules at scale: reviewer assignment, ranking and allocation for 10,000 applications."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from bench.result import Result, Stopwatch, peak_rss_mb
from governance.grants.rules import grants as g
from governance.grants.rules import reviewer_assignment as ra

CRITERIA = [
    g.Criterion("artistic", 3, 10),
    g.Criterion("impact", 2, 10),
    g.Criterion("feasibility", 1, 5),
]


def run(quick: bool) -> list[Result]:
    size = 1_000 if quick else 10_000
    rng = random.Random(7)
    t0 = datetime(2027, 3, 1, tzinfo=UTC)
    apps = [
        ra.ReviewTarget(f"G{i:05d}", rng.randrange(1, 75_000), f"ACT-{rng.randrange(5000)}")
        for i in range(size)
    ]
    reviewers = [
        ra.ReviewerFacts(
            f"r{i:03d}",
            member_id=rng.randrange(1, 75_000),
            activity_refs=frozenset({f"ACT-{rng.randrange(5000)}"}),
            declared_member_ids=frozenset(rng.randrange(1, 75_000) for _ in range(20)),
        )
        for i in range(size // 50)
    ]
    watch = Stopwatch()
    start = time.perf_counter()
    with watch("assign 3 reviewers each (conflicts excluded, balanced)"):
        plan = ra.assign_reviewers(apps, reviewers, 3)
    reviews: dict[str, list[dict[str, int]]] = {}
    for reference, _ in plan.assignments:
        reviews.setdefault(reference, []).append(
            {
                "artistic": rng.randint(0, 10),
                "impact": rng.randint(0, 10),
                "feasibility": rng.randint(0, 5),
            }
        )
    candidates = [
        g.Candidate(
            a.reference,
            rng.randrange(50_000, 400_000, 500),
            t0 - timedelta(minutes=i),
            tuple(reviews.get(a.reference, ())),
        )
        for i, a in enumerate(apps)
    ]
    with watch("rank (exact fractions, full tie-break)"):
        ranked = g.rank(candidates, CRITERIA, quorum=2)
    asked = {c.reference: c.amount_asked_cents for c in candidates}
    with watch("allocate within the budget"):
        allocation = g.allocate(
            [(r.reference, asked[r.reference]) for r in ranked if r.rank], size * 100_000, False
        )
    seconds = time.perf_counter() - start
    funded = sum(1 for a in allocation if a.amount_cents)
    return [
        Result(
            "grants: assign + rank + allocate",
            size,
            seconds,
            target="< 10 s for 10,000",
            breakdown=watch.phases,
            peak_rss_mb=peak_rss_mb(),
            notes=f"{len(reviewers)} reviewers, {funded} funded, "
            f"{len(plan.recusals)} conflicts excluded",
        )
    ]
