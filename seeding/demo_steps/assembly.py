"""Demo: convene a general assembly for the demo's shareholders (flow assembly-convening)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from governance.assembly.use_cases import assembly as service
from governance.clock import utcnow
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.register.use_cases import share_batches, share_payments, shares
from governance.register.use_cases.share_batches import SubscriptionRequest
from seeding.assembly import sample_assembly
from seeding.demo_steps import picks


def _ensure_shareholders(record_date: date) -> int:
    """The register step normally issues shares; without it, every active member subscribes
    one class A share and pays it a month before the record date (through the register's use
    cases, as staff would record them), so the assembly has voters."""
    on = record_date - timedelta(days=30)
    actor = Actor.system("demo")
    with UnitOfWork() as uow:
        if shares.holdings_as_at(uow.session, record_date):
            return 0
    ids = picks.active_members()
    with UnitOfWork() as uow:
        opened = share_batches.subscribe_many(
            uow.session,
            [SubscriptionRequest(mid, f"demo-opening:{mid}") for mid in ids],
            share_class="A",
            shares=1,
            actor=actor,
            now=datetime.combine(on, time(12), UTC),
            own_reminders=True,
        )
        for view in opened.values():
            share_payments.record_payment(
                uow.session,
                subscription_id=view.id,
                amount_cents=view.amount_cents,
                paid_on=on,
                actor=actor,
                bank_reference=f"demo-opening-{view.id}",
            )
        uow.commit()
        return len(ids)


def convene_assembly(ctx: Any) -> None:
    from flows.assembly_convening import ConveningParameters, assembly_convening

    data = sample_assembly(utcnow())
    _ensure_shareholders(data.record_date)
    with UnitOfWork() as uow:
        assembly_id = service.create_assembly(uow, data, Actor.staff("demo.staff"))
    ctx.state["assembly_id"] = assembly_id
    summary = assembly_convening(
        ConveningParameters(assembly_id=assembly_id, staff="demo.staff", chunk_size=50)
    )
    ctx.report(
        "assembly-convening", "shareholders convened (voters at the record date)", summary["voters"]
    )
    ctx.report(
        "assembly-convening", "convocation e-mails (ballot + convocation + proxy)", summary["sent"]
    )
    ctx.report("assembly-convening", "postal pack: shareholders without e-mail", summary["postal"])


def remind_voters(ctx: Any) -> None:
    from flows.assembly_reminders import assembly_reminders

    assembly_id = ctx.state.get("assembly_id")
    if assembly_id is None:
        return
    result = assembly_reminders(int(assembly_id))
    ctx.report("assembly-reminders", "reminders to shareholders who have not voted", result["sent"])
