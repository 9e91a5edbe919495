"""Demo: convene a general assembly for the demo's shareholders (flow assembly-convening)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from coopflow_cli.assembly_sample import sample_assembly
from governance.db.base import utcnow
from governance.db.models import Member
from governance.db.uow import UnitOfWork
from governance.domain.enums import MemberStatus
from governance.domain.register import EntryKind
from governance.services import assembly as service
from governance.services import register, shares
from governance.services.timeline import Actor


def _ensure_shareholders(record_date: Any) -> int:
    """The register step normally issues shares; without it, open the register with one
    paid share per active member (an opening balance), so the assembly has voters."""
    with UnitOfWork() as uow:
        if shares.holdings_as_at(uow.session, record_date):
            return 0
        ids = uow.session.scalars(
            select(Member.id).where(Member.status == MemberStatus.ACTIVE).order_by(Member.id)
        ).all()
        on = record_date - timedelta(days=30)
        entries = [
            register.NewEntry(EntryKind.ISSUE, on, mid, "A", 1, amount_cents=3000) for mid in ids
        ]
        register.append(uow.session, register.lock_head(uow.session), entries)
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
