"""Create a general assembly from the staff form (the `assembly-creation` deployment).

One use case, one transaction (through `create_assembly`); a second run with the same title
and meeting time finds the assembly already created and creates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from governance.assembly.rules.assembly_form import AssemblyForm, AssemblyFormRefused, read_form
from governance.assembly.use_cases.assembly import AssemblyInput, CandidateInput, ResolutionInput
from governance.assembly.use_cases.assembly import create_assembly as create_draft
from governance.db.models.assembly import Assembly
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.statutes import get_statutes

__all__ = ["AssemblyFormRefused", "CreatedAssembly", "create_from_form"]


@dataclass(frozen=True)
class CreatedAssembly:
    assembly_id: int
    created: bool  # False: the same assembly was created by an earlier run
    title: str
    meeting_at: datetime


def _existing(uow: UnitOfWork, title: str, meeting_at: datetime) -> int | None:
    rows = uow.session.execute(
        select(Assembly.id, Assembly.meeting_at).where(Assembly.title == title)
    ).all()
    return next((row.id for row in rows if row.meeting_at == meeting_at), None)


def create_from_form(
    uow: UnitOfWork, form: AssemblyForm, actor: Actor, now: datetime
) -> CreatedAssembly:
    """A draft assembly with its agenda from the form; AssemblyFormRefused lists every problem."""
    plan = read_form(form, now, get_statutes().assembly.convocation_days)
    facts = plan.facts
    found = _existing(uow, facts.title, facts.meeting_at)
    if found is not None:
        return CreatedAssembly(found, False, facts.title, facts.meeting_at)
    data = AssemblyInput(
        title=facts.title,
        kind=facts.kind,
        meeting_at=facts.meeting_at,
        place=plan.place,
        online_link=plan.online_link,
        remote_voting_allowed=plan.remote_voting_allowed,
        record_date=facts.record_date,
        voting_opens_at=facts.voting_opens_at,
        voting_closes_at=facts.voting_closes_at,
        board_report_document_key=facts.board_report_document_key,
        resolutions=[
            ResolutionInput(
                code=r.code,
                kind=r.kind,
                title=dict(r.title),
                text=dict(r.text),
                seats=r.seats,
                candidates=[CandidateInput(id=c.id, name=c.name) for c in r.candidates],
                board_report=r.board_report,
            )
            for r in facts.resolutions
        ],
    )
    assembly_id = create_draft(uow, data, actor)
    return CreatedAssembly(assembly_id, True, facts.title, facts.meeting_at)
