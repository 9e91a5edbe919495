"""Demo: staff decisions — the welcome pack confirmed (send) or held by a second staff member.

In the demo the answers are given through the decisions service before the run (as a script or
`coop inbox` user would); with `make up` the same flow suspends and staff answer in the UI.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from governance.db.uow import UnitOfWork
from governance.kernel.rules.staff import DecisionKind
from seeding.demo_steps import picks
from seeding.demo_steps.staff import PHONES


def confirm_welcome_packs(ctx: Any) -> None:
    from flows.member_welcome_review import WelcomeReviewParameters, member_welcome_review

    waiting = picks.without_member_number(2)
    answers = [
        ({"verdict": "send", "note": ""}, "demo.reviewer"),
        ({"verdict": "hold", "note": "payment not on the bank statement yet"}, "demo.reviewer"),
    ]
    outcomes = []
    for member_id, (answer, staff) in zip(waiting, answers, strict=False):
        key = f"member-welcome-review:{member_id}"
        proven = PHONES.prove(staff, DecisionKind.ONBOARDING_REVIEW, key)
        with UnitOfWork() as uow:
            uow.decisions.open(
                key=key,
                process="member-welcome-review",
                subject_type="member",
                subject_id=member_id,
                question="Confirm the welcome pack",
                due_in=timedelta(days=2),
                member_id=member_id,
            )
            uow.decisions.decide(key=key, decision=answer, staff=proven)
            uow.commit()
        outcomes.append(member_welcome_review(WelcomeReviewParameters(member_id=member_id)))
    sent = sum(1 for o in outcomes if not o.startswith("held"))
    ctx.report(
        "member-welcome-review",
        "welcome packs confirmed by staff (sent / held)",
        f"{sent} / {len(outcomes) - sent}",
    )
    with UnitOfWork() as uow:
        ctx.report(
            "staff inbox",
            "decisions waiting (`coop inbox`)",
            len(uow.decisions.waiting()),
        )
