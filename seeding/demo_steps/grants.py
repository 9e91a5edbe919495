"""Demo: one grant call with ~30 applications, through reviews, the board, letters, payments.

The flow runs for real (no deployment here, so at each wait it stops; the demo gives the staff
inputs through the services and runs it again, exactly as a resumed run would)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from stdnum import iban as stdnum_iban

from coopflow_cli.grants import import_applications
from governance.db.uow import UnitOfWork
from governance.grants.rules.grants import BoardChange, CallKind
from governance.grants.use_cases import (
    grant_awards,
    grant_payments,
    grant_ranking,
    grant_reviews,
    grants,
)
from governance.kernel.rules.enums import Language
from governance.kernel.rules.staff import DecisionKind
from seeding.demo_steps import picks
from seeding.demo_steps.staff import PHONES

APPLICATIONS = 30
T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # the demo's clock: the call closes here


def sample_iban(rng: random.Random) -> str:
    """A valid Belgian IBAN at bank code 096 (sample data only)."""
    first10 = f"096{rng.randrange(0, 10_000_000):07d}"
    national = f"{first10}{(int(first10) % 97) or 97:02d}"
    return f"BE{stdnum_iban.calc_check_digits('BE00' + national)}{national}"


def _call_spec() -> grants.CallSpec:
    return grants.CallSpec(
        name="Bourses Salto 2027",
        kind=CallKind.SALTO,
        opens_at=T0 - timedelta(days=45),
        closes_at=T0,
        review_due_at=T0 + timedelta(days=21),
        budget_cents=3_000_000,
        max_applications=26,
        min_amount_cents=50_000,
        max_amount_cents=400_000,
        reviewers_per_application=2,
        review_quorum=2,
        partial_funding=False,
        instalment_percents=[60, 40],
        report_interval_days=120,
        criteria=[
            grants.CriterionSpec(code="artistic", label="Artistic quality", weight=3),
            grants.CriterionSpec(code="impact", label="Impact on the career", weight=2),
            grants.CriterionSpec(code="feasibility", label="Feasibility", weight=1, scale_max=5),
        ],
    )


def _setup(rng: random.Random, out: Path) -> tuple[int, list[int]]:
    board = PHONES.prove("board.secretary", DecisionKind.GRANT_CALL, "grant-call")
    member_ids = picks.active_members(60, with_email=True)
    with UnitOfWork() as uow:
        call_id = grants.create_call(uow, _call_spec(), board)
    applicants = member_ids[:APPLICATIONS]
    jury = [
        ("anna.staff", None),
        ("bart.staff", None),
        ("chloe.staff", None),
        ("dieter.staff", None),
        ("eva.member", applicants[3]),
        ("finn.member", member_ids[40]),
    ]
    for login, member_id in jury:
        board = PHONES.prove("board.secretary", DecisionKind.GRANT_CALL, f"grant-jury:{login}")
        with UnitOfWork() as uow:
            grant_reviews.add_reviewer(
                uow,
                call_id,
                grant_reviews.ReviewerSpec(
                    login=login,
                    name=login.split(".")[0].title(),
                    email=f"{login}@smart.example",
                    language=Language.NL if login.startswith(("b", "f")) else Language.FR,
                    member_id=member_id,
                    activity_refs=["ACT-0007"] if login == "chloe.staff" else [],
                ),
                board,
            )
    with UnitOfWork() as uow:
        grant_reviews.declare_conflict(
            uow, call_id, "anna.staff", applicants[5], "sister-in-law", "demo.staff"
        )
    specs = []
    for i, member_id in enumerate(applicants):
        asked = rng.randrange(100_000, 300_000, 500)
        lines = [
            grants.BudgetLineSpec(label="Travel & stay", amount_cents=asked // 2),
            grants.BudgetLineSpec(
                label="Fees <festival>", amount_cents=asked - asked // 2 + 20_000
            ),
        ]
        specs.append(
            grants.ApplicationSpec(
                member_id=member_id,
                project_title=f"Salto project {i + 1}: résidence & concert",
                summary="" if i == 7 else "Invitation to a festival abroad.",
                activity_ref="ACT-0007" if i % 10 == 2 else f"ACT-{1000 + i}",
                amount_asked_cents=450_000 if i == 11 else asked,
                budget_lines=[] if i == 13 else lines,
                iban=sample_iban(rng),
                submitted_at=T0 - timedelta(days=30) + timedelta(hours=17 * i),
            ).model_dump(mode="json")
        )
    # Submitted the way staff import a batch: `coop grants import --call N applications.json`.
    path = out / "grants" / "applications.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(specs, ensure_ascii=False, indent=1), encoding="utf-8")
    import_applications(call=call_id, file=path)
    return call_id, applicants


def run_call(ctx: Any) -> None:
    from flows.grant_awarding import GrantAwardingParameters, grant_awarding
    from flows.grant_reminders import GrantReminderParameters, grant_reminders

    rng = random.Random(2027)
    call_id, _ = _setup(rng, ctx.out)

    def run(now: datetime) -> dict[str, Any]:
        return grant_awarding(GrantAwardingParameters(call_id=call_id, now=now))

    first = run(T0 + timedelta(hours=1))
    ctx.report(
        "grants",
        "applications: considered / ineligible / beyond the first N",
        f"{first['considered']} / {first['ineligible']} / {first['beyond_limit']}",
    )
    grant_reminders(GrantReminderParameters(now=T0 + timedelta(days=19)))
    with UnitOfWork() as uow:
        progress = grant_reviews.review_progress(uow, call_id, T0 + timedelta(days=2))
    for n, (reference, login) in enumerate(progress.missing):
        if n % 17 == 16:
            continue  # a few reviews never come: the quorum rule leaves those files unscored
        scores = {
            "artistic": rng.randint(3, 10),
            "impact": rng.randint(2, 10),
            "feasibility": rng.randint(1, 5),
        }
        reviewer = PHONES.prove(login, DecisionKind.GRANT_REVIEW, f"grant-review:{reference}")
        with UnitOfWork() as uow:
            grant_reviews.submit_review(
                uow, call_id, reference, reviewer, scores, T0 + timedelta(days=3)
            )
    with UnitOfWork() as uow:
        grant_ranking.close_review_round(
            uow,
            call_id,
            PHONES.prove("demo.staff", DecisionKind.GRANT_REVIEW_ROUND),
            "jury met on day 20",
            T0 + timedelta(days=20),
        )
    ranked = run(T0 + timedelta(days=20))
    with UnitOfWork() as uow:
        done = grant_reviews.review_progress(uow, call_id, T0 + timedelta(days=20))
    ctx.report(
        "grants",
        "reviews received / expected / recusals (conflicts)",
        f"{done.received} / {done.expected} / {_recusals(call_id)}",
    )
    with UnitOfWork() as uow:
        pack = grant_ranking.decision_pack(uow.session, call_id)
    first_out = next(r for r in pack.rows if r.rank and not r.proposed_cents)
    with UnitOfWork() as uow:
        grant_awards.record_board_decision(
            uow,
            call_id,
            PHONES.prove("board.secretary", DecisionKind.GRANT_AWARD),
            [
                BoardChange(
                    first_out.reference,
                    min(first_out.asked_cents, pack.left_cents),
                    "the board funds what is left for a strong runner-up",
                )
            ],
            "board of 2027-03-25",
            T0 + timedelta(days=24),
        )
    ctx.report(
        "grants",
        "decision pack: proposed / budget (cents)",
        f"{ranked['proposed_cents']} / {ranked['budget_cents']}",
    )
    decided = run(T0 + timedelta(days=25))
    ctx.report(
        "grants",
        "letters: awards / rejections (fr/nl/de/en)",
        f"{decided['awards']} / {decided['rejections']}",
    )
    reports_at = T0 + timedelta(days=150)
    with UnitOfWork() as uow:
        awarded = [
            r.reference
            for r in grant_ranking.decision_pack(uow.session, call_id).rows
            if r.final_cents
        ]
    for reference in awarded[:4]:
        with UnitOfWork() as uow:
            report_id = grant_payments.submit_report(
                uow, reference, "Festival done; receipts attached.", reports_at
            )
        with UnitOfWork() as uow:
            grant_payments.decide_report(
                uow,
                report_id,
                PHONES.prove("demo.staff", DecisionKind.GRANT_REPORT),
                reference != awarded[3],
                "receipts missing" if reference == awarded[3] else "",
                reports_at,
            )
    grant_reminders(GrantReminderParameters(now=reports_at))
    final = run(reports_at)
    run(reports_at)  # once more: nothing is sent or paid twice
    with UnitOfWork() as uow:
        batches = grant_payments.payment_batches(uow, call_id)
    ctx.report(
        "grants", "pain.001 files (first instalments; then 3 accepted reports)", len(batches)
    )
    for reference, count, total, path in batches:
        ctx.report("grants", f"{reference}: transfers, cents → {path}", f"{count}, {total}")
    ctx.report("grants", "instalments still waiting for a report", final.get("waiting", 0))


def _recusals(call_id: int) -> int:
    with UnitOfWork() as uow:
        return len(grant_ranking.decision_pack(uow.session, call_id).recusals)
