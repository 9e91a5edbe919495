"""The automatic checks of submitted contract declarations, and where each one goes next:
refused with the failed checks, to a staff decision, or approved at once.

`check_declarations` takes a UnitOfWork, runs one transaction and commits once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.clock import brussels_date, utcnow
from governance.contracts.rules.contracts import (
    ContractDeclaration,
    ContractSettings,
    DeclarationStatus,
)
from governance.contracts.rules.declaration_checks import (
    CheckFacts,
    CheckOutcome,
    CheckResult,
    Route,
    required_approvals,
    route,
    run_checks,
)
from governance.contracts.rules.einvoice import InvoiceStatus
from governance.contracts.use_cases.contract_approval import approve
from governance.contracts.use_cases.contract_decisions import (
    close_declaration,
    open_decision_request,
)
from governance.contracts.use_cases.contracts import (
    PROCESS,
    SUBJECT,
    CoveredYears,
    DeclarationView,
    covered_years_for,
    view_of,
)
from governance.db.models import Member
from governance.db.models.contracts import CheckRecord, Client, Declaration, Invoice
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.statutes import get_statutes


def _outstanding(session: Session, client_ids: set[int]) -> dict[int, int]:
    rows = session.execute(
        select(
            Invoice.client_id,
            func.sum(Invoice.total_cents - Invoice.paid_cents - Invoice.credited_cents),
        )
        .where(Invoice.client_id.in_(client_ids), Invoice.status == InvoiceStatus.ISSUED)
        .group_by(Invoice.client_id)
    ).all()
    return {client_id: int(total or 0) for client_id, total in rows}


def check_declarations(
    uow: UnitOfWork,
    declaration_ids: list[int],
    now: datetime | None = None,
    covered_years: CoveredYears = covered_years_for,
) -> list[DeclarationView]:
    """Run the checks on every submitted declaration and route it (refuse / staff / approve).

    Already checked declarations are returned as they are: running twice changes nothing."""
    session, now = uow.session, now or utcnow()
    settings = get_statutes().contracts
    rows = session.scalars(
        select(Declaration).where(Declaration.id.in_(declaration_ids)).with_for_update()
    ).all()
    todo = [d for d in rows if d.status is DeclarationStatus.SUBMITTED]
    members = {
        m.id: m
        for m in session.scalars(select(Member).where(Member.id.in_({d.member_id for d in todo})))
    }
    owed = _outstanding(session, {d.client_id for d in todo}) if todo else {}
    # load the clients once (the approvals need them) and flush only when an id is needed
    list(session.scalars(select(Client).where(Client.id.in_({d.client_id for d in todo}))))
    years: dict[int, set[int]] = {}
    with session.no_autoflush:
        _check_each(session, todo, members, owed, years, covered_years, settings, now)
    session.flush()
    by_id = {d.id: d for d in rows}
    result = [view_of(session, by_id[i]) for i in declaration_ids if i in by_id]
    uow.commit()
    return result


def _check_each(
    session: Session,
    todo: list[Declaration],
    members: dict[int, Member],
    owed: dict[int, int],
    years: dict[int, set[int]],
    covered_years: CoveredYears,
    settings: ContractSettings,
    now: datetime,
) -> None:
    for d in todo:
        member = members[d.member_id]
        if d.member_id not in years:
            years[d.member_id] = covered_years(session, d.member_id)
        facts = CheckFacts(
            declaration=ContractDeclaration.model_validate(d.facts),
            member_status=member.status,
            member_language=member.language,
            covered_years=frozenset(years[d.member_id]),
            client_outstanding_cents=owed.get(d.client_id, 0),
            submitted_on=brussels_date(d.submitted_at),
        )
        results = run_checks(facts, settings)
        session.add_all(
            CheckRecord(
                declaration_id=d.id,
                revision=d.revision,
                code=r.code,
                outcome=r.outcome,
                sentence=r.sentence,
                checked_at=now,
            )
            for r in results
        )
        d.checked_at = now
        d.required_approvals = required_approvals(d.amount_excl_vat_cents, settings)
        d.a1_required = d.work_country != "BE"
        _route(session, d, member, results, settings, now)


def _route(
    session: Session,
    d: Declaration,
    member: Member,
    results: list[CheckResult],
    settings: ContractSettings,
    now: datetime,
) -> None:
    decided = route(results)
    TimelineRepository(session).record(
        actor=Actor.system(PROCESS),
        action="contract_checked",
        subject_type=SUBJECT,
        subject_id=d.id,
        member_id=d.member_id,
        details={
            "route": decided.value,
            "failed": [r.code.value for r in results if r.outcome is not CheckOutcome.PASS],
        },
    )
    if decided is Route.REFUSE:
        failed = [r for r in results if r.outcome is CheckOutcome.FAIL]
        close_declaration(
            session,
            d,
            member,
            DeclarationStatus.REFUSED,
            " ".join(r.sentence for r in failed),
            Actor.system(PROCESS),
            now,
            checks=[r.code.value for r in failed],
        )
    elif decided is Route.STAFF_DECISION:
        d.required_approvals = max(d.required_approvals, 1)
        d.status = DeclarationStatus.AWAITING_DECISION
        open_decision_request(session, d, now, settings)
    else:
        approve(session, d, member, Actor.system(PROCESS), now, settings)
