"""E2E decision cases of the business processes (member-onboarding, contract-approval).

Each case is active only when its flow is in the checkout (the areas land on their own
branches); imports of their modules happen inside the functions for the same reason.
"""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from e2e_cases import DecisionCase, stack_mails
from e2e_stack import ROOT, Stack
from sqlalchemy import select

from governance.clock import business_today, utcnow
from governance.db.models import DecisionRequest, Document, Member
from governance.db.uow import UnitOfWork

_serial = itertools.count(1)
CONSENT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC).isoformat()


def _archived(stack: Stack, member_id: int) -> dict[str, bytes]:
    """template -> bytes of each document archived for the member, hash checked."""
    with UnitOfWork(stack.settings) as uow:
        docs = uow.session.scalars(select(Document).where(Document.member_id == member_id)).all()
        found = {}
        for doc in docs:
            data = (stack.settings.resolved_archive_dir() / doc.path).read_bytes()
            assert hashlib.sha256(data).hexdigest() == doc.sha256, doc.path
            found[doc.template] = data
    return found


# --- member-onboarding: an application without national number goes to staff review -------


def _application(stack: Stack) -> dict[str, Any]:
    n = next(_serial)
    return {"params": {"staff": "anna.peeters", "application": {
        "kind": "person", "first_name": "Zoë", "last_name": f"D'Hondt {n}",
        "birth_date": "1985-07-30", "email": f"zoe.{n}@example.org", "phone": "+32 2 542 10 80",
        "street": "Rue Coenraets 72", "postcode": "1060", "city": "Saint-Gilles",
        "country": "BE", "language": "fr", "office": "bruxelles",
        "iban": "BE48 3200 7018 4927", "share_class": "A", "shares": 2,
        "privacy_policy_accepted_at": CONSENT, "internal_rules_accepted_at": CONSENT,
        "capital_risk_accepted_at": CONSENT}}}


def _admitted(stack: Stack, parameters: dict[str, Any]) -> None:
    from governance.db.models.onboarding import Application

    address = parameters["params"]["application"]["email"]
    with UnitOfWork(stack.settings) as uow:
        app = uow.session.scalars(select(Application).where(Application.email == address)).one()
        assert (str(app.status), app.decided_by) == ("admitted", "anna.peeters")
        member = uow.session.get(Member, app.member_id)
        assert member is not None and (member.member_number or "").startswith("M")
        request = uow.session.scalars(select(DecisionRequest).where(
            DecisionRequest.key == f"onboarding:{app.id}:review:1")).one()
        assert (request.status, request.decided_by) == ("decided", "anna.peeters")
        member_id = member.id
    archived = _archived(stack, member_id)
    assert "welcome_letter" in archived
    mails = [m for m in stack_mails(stack) if m["To"] == address]
    attached = [a.get_content() for m in mails for a in m.iter_attachments()]
    assert archived["welcome_letter"] in attached, "the archived welcome letter is e-mailed"
    assert len({m["Message-ID"] for m in mails}) == len(mails), "no e-mail sent twice"


# --- contract-approval: €5,000 needs one staff approval ------------------------------------


def _declaration(stack: Stack) -> dict[str, Any]:
    from governance.kernel.rules.actor import Actor
    from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
    from governance.members.rules.members import MemberFacts
    from governance.members.use_cases import members
    from governance.register.use_cases import share_payments, shares

    n = next(_serial)
    now = utcnow()
    with UnitOfWork(stack.settings) as uow:
        member_id = members.create_member(uow.session, MemberFacts(
            kind=MemberKind.PERSON, first_name="Wouter", last_name=f"Claes {n}",
            language=Language.NL, office=Office.GENT, email=f"wouter.{n}@example.org",
            street="Kerkstraat 1", postcode="9000", city="Gent"), Actor.system("e2e"),
            MemberStatus.ACTIVE).id
        sub = shares.subscribe(uow.session, member_id=member_id, share_class="A", shares=1,
                               actor=Actor.staff("anna"), now=now)
        share_payments.record_payment(uow.session, subscription_id=sub.id, amount_cents=sub.amount_cents,
                              paid_on=now.date(), actor=Actor.staff("anna"),
                              bank_reference=f"E2E{member_id}")
        uow.commit()
    first = business_today() + timedelta(days=10)
    return {"params": {"staff": "anna.peeters", "declaration": {
        # the reference makes the submission idempotent when the run re-runs on resume
        "external_ref": f"E2E-{member_id}", "member_id": member_id, "function": "Sound engineer",
        "description": "Concert & <b>rehearsal</b>", "work_city": "Gent", "office": "gent",
        "work_days": [(first + timedelta(days=i)).isoformat() for i in range(2)],
        "amount_excl_vat_cents": 500_000,
        "client": {"kind": "company", "name": "Théâtre <Nomade> & Co",
                   "enterprise_number": "0403.019.261", "vat_number": "BE0403019261",
                   "street": "Rue Haute 5", "postcode": "1000", "city": "Bruxelles",
                   "email": f"booking.{n}@nomade.example", "language": "fr"}}}}


def _contract_approved(stack: Stack, parameters: dict[str, Any]) -> None:
    from governance.db.models.contracts import Declaration

    member_id = parameters["params"]["declaration"]["member_id"]
    with UnitOfWork(stack.settings) as uow:
        declaration = uow.session.scalars(select(Declaration).where(
            Declaration.member_id == member_id)).one()
        assert str(declaration.status) == "approved"
        requests = uow.session.scalars(select(DecisionRequest).where(
            DecisionRequest.subject_type == "contract")).all()
        assert "anna.peeters" in {r.decided_by for r in requests}
        member = uow.session.get(Member, member_id)
        assert member is not None
        address = member.email
    archived = _archived(stack, member_id)
    assert {"employment_contract", "client_agreement", "invoice"} <= set(archived)
    client = parameters["params"]["declaration"]["client"]["email"]
    to_member = [m for m in stack_mails(stack) if m["To"] == address]
    to_client = [m for m in stack_mails(stack) if m["To"] == client]
    assert to_member and len(to_client) == 1
    attached = [a.get_content() for a in to_client[0].iter_attachments()]
    assert archived["invoice"] in attached and archived["client_agreement"] in attached


def process_cases() -> list[DecisionCase]:
    cases = []
    if (ROOT / "flows" / "member_onboarding.py").exists():
        cases.append(DecisionCase(
            id="onboarding-review-approve", deployment="member-onboarding",
            prepare=_application, question_contains="D'Hondt",
            invalid_input={"choice": "maybe", "note": "ok", "staff": "anna.peeters"},
            refusal_names="choice",
            valid_input={"choice": "approve", "note": "Identity checked at the desk",
                         "staff": "anna.peeters"},
            check=_admitted))
    if (ROOT / "flows" / "contract_approval.py").exists():
        cases.append(DecisionCase(
            id="contract-approval-approve", deployment="contract-approval",
            prepare=_declaration, question_contains="Sound engineer",
            invalid_input={"action": "sign", "staff": "anna.peeters"},
            refusal_names="action",
            valid_input={"action": "approve", "staff": "anna.peeters", "reason": ""},
            check=_contract_approved))
    return cases
