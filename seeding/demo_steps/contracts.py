"""Demo: a few dozen contracts across the offices — batch, abroad (A1), refused, four-eyes, cancelled.

The refused declaration comes from a member whose account a past transition restricted: no use
case restricts one member outside a transition campaign, so the demo creates that member
restricted (`members.create_member` takes the status, and the timeline records it).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from governance.clock import brussels_date, business_today, utcnow
from governance.contracts.rules.contracts import (
    ClientFacts,
    ClientKind,
    ContractDeclaration,
    VatRegime,
)
from governance.contracts.rules.staff_decisions import DecisionAction
from governance.contracts.use_cases import (
    contract_changes,
    contract_checks,
    contract_decisions,
    contracts,
)
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
from governance.kernel.rules.staff import DecisionKind
from governance.members.rules.members import MemberFacts
from governance.members.use_cases import members
from governance.members.use_cases.members import MemberView
from governance.register.use_cases import share_payments, shares
from seeding.demo_steps import picks
from seeding.demo_steps.staff import PHONES

COUNT = 30
CLIENTS = [
    ClientFacts(
        name="Théâtre <Nomade> & Co",
        enterprise_number="0403.019.261",
        vat_number="BE0403019261",
        street="Rue Haute 5",
        postcode="1000",
        city="Bruxelles",
        email="booking@nomade.example",
        language=Language.FR,
    ),
    ClientFacts(
        name="Studio Van Dyck & Zonen",
        enterprise_number="0202.239.951",
        street="Veldstraat 1",
        postcode="9000",
        city="Gent",
        email="info@vandyck.example",
        language=Language.NL,
    ),
    ClientFacts(
        name="Klang & Bühne GmbH",
        country="DE",
        vat_number="DE136695976",
        street="Marktplatz 3",
        postcode="52062",
        city="Aachen",
        email="kontakt@klang.example",
        language=Language.DE,
    ),
    ClientFacts(
        name="Siobhan O'Brien",
        kind=ClientKind.PERSON,
        street="Rue Haute 9",
        postcode="1000",
        city="Bruxelles",
        email="siobhan@example.org",
        language=Language.EN,
    ),
]
FUNCTIONS = [
    "Sound engineer",
    "Illustrator",
    "Actor",
    "Photographer",
    "Translator",
    "Stage manager",
]


RESTRICTED = MemberFacts(
    kind=MemberKind.PERSON,
    first_name="Loïc",
    last_name="Renard",
    email="loic.renard@example.org",
    street="Rue Haute 7",
    postcode="1000",
    city="Bruxelles",
    language=Language.FR,
    office=Office.BRUXELLES,
    external_ref="DEMO-RESTRICTED",
)


def _restricted_member() -> MemberView:
    """A member restricted by a past transition (see the module docstring)."""
    with UnitOfWork() as uow:
        member = members.create_member(
            uow.session, RESTRICTED, Actor.system("demo-seed"), status=MemberStatus.RESTRICTED
        )
        uow.commit()
        return members.get_member(uow.session, member.id)


def _give_shares(member_ids: list[int]) -> None:
    now = utcnow()
    with UnitOfWork() as uow:
        for member_id in member_ids:
            sub = shares.subscribe(
                uow.session,
                member_id=member_id,
                share_class="A",
                shares=2,
                actor=Actor.staff("demo.anna"),
                request_key=f"demo-contract-{member_id}",
                now=now,
            )
            share_payments.record_payment(
                uow.session,
                subscription_id=sub.id,
                amount_cents=sub.amount_cents,
                paid_on=brussels_date(now),
                actor=Actor.staff("demo.anna"),
                bank_reference=f"DEMO-C-{member_id}",
            )
        uow.commit()


def _declaration(i: int, member: MemberView, **kw: Any) -> ContractDeclaration:
    first = business_today() + timedelta(days=5 + i % 10)
    days = 1 + i % 3
    values: dict[str, Any] = {
        "member_id": member.id,
        "client": CLIENTS[i % len(CLIENTS)],
        "function": FUNCTIONS[i % len(FUNCTIONS)],
        "description": "Spectacle « Nomade » & répétitions",
        "work_days": [first + timedelta(days=d) for d in range(days)],
        "work_city": member.city,
        "amount_excl_vat_cents": 45_000 * days + 1_000 * i,
        "vat_regime": VatRegime.REVERSE_CHARGE if i % len(CLIENTS) == 2 else VatRegime.STANDARD,
        "office": member.office,
        "external_ref": f"DEMO-{i:03d}",
        "employment_language": Language.FR
        if member.office is Office.BRUXELLES and member.language is Language.EN
        else None,
    }
    values.update(kw)
    return ContractDeclaration(**values)


def run_contracts(ctx: Any) -> None:
    from flows.contract_approval import ApprovalParameters, contract_approval
    from flows.contract_batch import BatchParameters, contract_batch

    people = picks.people_per_office(3)[:COUNT]
    restricted, others = _restricted_member(), people[1:]
    _give_shares([m.id for m in [*people, restricted]])
    staff = Actor.staff("demo.anna")
    special = {
        "abroad": _declaration(
            1, others[0], work_country="FR", work_city="Lille", external_ref="DEMO-ABROAD"
        ),
        "four-eyes": _declaration(
            2,
            others[1],
            amount_excl_vat_cents=1_250_000,
            external_ref="DEMO-4EYES",
            work_days=[business_today() + timedelta(days=20 + d) for d in range(20)],
        ),
        "refused": _declaration(3, restricted, external_ref="DEMO-REFUSED"),
    }
    ids: dict[str, int] = {}
    with UnitOfWork() as uow:
        for name, facts in special.items():
            ids[name] = contracts.submit_declaration(uow, facts, staff)
    with UnitOfWork() as uow:
        contract_checks.check_declarations(uow, list(ids.values()))
    # staff answers given before the runs (the Prefect UI form does the same on a deployment)
    with UnitOfWork() as uow:
        contract_decisions.decide(uow, ids["abroad"], DecisionAction.APPROVE, _proven("demo.anna"))
    with UnitOfWork() as uow:
        contract_decisions.decide(
            uow, ids["four-eyes"], DecisionAction.APPROVE, _proven("demo.anna")
        )
    with UnitOfWork() as uow:  # four-eyes: a second, different verified person
        contract_decisions.decide(
            uow, ids["four-eyes"], DecisionAction.APPROVE, _proven("demo.bob")
        )
    outcomes = {
        name: contract_approval(ApprovalParameters(declaration_id=i)) for name, i in ids.items()
    }
    for name, outcome in outcomes.items():
        ctx.report("contract-approval", f"{name} declaration {ids[name]}", outcome)
    with UnitOfWork() as uow:
        contracts.submit_many(
            uow, [_declaration(10 + i, m) for i, m in enumerate(others[2:])], staff
        )
    counts = contract_batch(BatchParameters(chunk_size=10))
    ctx.report(
        "contract-batch",
        "declarations checked / approved",
        f"{counts['pending']} / {counts.get('approved', 0)}",
    )
    ctx.report("contract-batch", "documents (agreement, contract, invoice)", counts["documents"])
    ctx.report(
        "contract-batch",
        "waiting for staff (e.g. client's unpaid invoices above the limit)",
        counts.get("awaiting_decision", 0),
    )
    cancel_id = picks.declaration_by_ref("DEMO-012")
    if cancel_id is not None:
        canceller = PHONES.prove(
            "demo.anna", DecisionKind.CONTRACT_CANCELLATION, f"contract-cancel:{cancel_id}"
        )
        with UnitOfWork() as uow:
            contract_changes.cancel_declaration(
                uow, cancel_id, canceller, "the client postponed the event"
            )
        from tasks.mail import deliver_pending

        deliver_pending(keys_prefix=mail_keys.contracts(cancel_id))
        ctx.report(
            "contract-approval",
            f"cancelled before work: declaration {cancel_id}",
            "documents void, 2 e-mails",
        )
    from coopflow_cli.contracts import write_dimona
    from governance.contracts.use_cases.contract_paperwork import DimonaLine, dimona_export

    with UnitOfWork() as uow:
        lines = dimona_export(uow, "demo.payroll")
    write_dimona(ctx.out / "dimona.csv", lines, DimonaLine)
    ctx.report("contract-approval", "Dimona lines exported (dimona.csv)", len(lines))


def _proven(login: str) -> str:
    return PHONES.prove(login, DecisionKind.CONTRACT_APPROVAL)
