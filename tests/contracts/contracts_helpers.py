"""Helpers for the contract tests: members with paid shares, declarations, a fixed clock."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from governance.clock import brussels_date, business_today, utcnow
from governance.contracts.rules.contracts import ClientFacts, ClientKind, ContractDeclaration
from governance.db.repositories.members import MemberRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
from governance.members.rules.members import MemberFacts
from governance.members.use_cases import members
from governance.register.use_cases import share_payments, shares

_counter = itertools.count(1)
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def add_member(
    office: Office = Office.GENT,
    language: Language = Language.NL,
    status: MemberStatus = MemberStatus.ACTIVE,
    shares_held: int = 3,
    email: str | None = "auto",
) -> int:
    """A member (optionally holding paid shares subscribed this year)."""
    n = next(_counter)
    facts = MemberFacts(
        kind=MemberKind.PERSON, first_name="Zoë", last_name=f"D'Hondt & Co {n}",
        language=language, office=office, email=f"worker{n}@example.org" if email == "auto" else email,
        street="Kerkstraat 1", postcode="9000", city="Gent",
    )
    with UnitOfWork() as uow:
        member_id = members.create_member(uow.session, facts, Actor.system("test"), MemberStatus.ACTIVE).id
        uow.commit()
    if shares_held:
        today = utcnow()
        with UnitOfWork() as uow:
            sub = shares.subscribe(uow.session, member_id=member_id, share_class="A",
                                   shares=shares_held, actor=Actor.staff("anna"), now=today)
            share_payments.record_payment(uow.session, subscription_id=sub.id, amount_cents=sub.amount_cents,
                                  paid_on=brussels_date(today), actor=Actor.staff("anna"),
                                  bank_reference=f"B{member_id}")
            uow.commit()
    if status is not MemberStatus.ACTIVE:
        with UnitOfWork() as uow:
            MemberRepository(uow.session).get(member_id).status = status
            uow.commit()
    return member_id


def client(**kw: Any) -> ClientFacts:
    values: dict[str, Any] = {
        "kind": ClientKind.COMPANY, "name": "Théâtre <Nomade> & Co", "enterprise_number": "0403.019.261",
        "vat_number": "BE0403019261", "street": "Rue Haute 5", "postcode": "1000",
        "city": "Bruxelles", "email": "booking@nomade.example", "language": Language.FR,
    }
    values.update(kw)
    return ClientFacts(**values)


def declaration(member_id: int, start_in_days: int = 10, days: int = 2, **kw: Any) -> ContractDeclaration:
    """A declaration for work starting `start_in_days` after today (real clock: flows use it)."""
    first = business_today() + timedelta(days=start_in_days)
    values: dict[str, Any] = {
        "member_id": member_id, "client": client(), "function": "Sound engineer",
        "description": "Concert {{ x }} & <b>rehearsal</b>", "work_days": [first + timedelta(days=i) for i in range(days)],
        "work_city": "Gent", "amount_excl_vat_cents": 80_000, "office": Office.GENT,
    }
    values.update(kw)
    return ContractDeclaration(**values)

