"""Contract declarations: what a member declares, its views, and the shared look-ups.

The steps after the declaration have their own modules: the automatic checks
(`contract_checks`), staff decisions with four eyes (`contract_decisions`), the approval
(`contract_approval`), corrections and cancellations (`contract_changes`). Every public use case
takes a UnitOfWork, runs ONE transaction and commits once. E-mails are outbox rows written in that
transaction; documents are produced afterwards by the tasks from
`governance.contracts.use_cases.contract_paperwork.paperwork`, under idempotency keys named here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, cast, func, literal, select
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.contracts.rules.contracts import ClientKind, ContractDeclaration, DeclarationStatus
from governance.db.models import Document, Member
from governance.db.models.contracts import Approval, CheckRecord, Client, Declaration
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.errors import NotFound

PROCESS = "contract-approval"
SUBJECT = "contract"
CoveredYears = Callable[[Session, int], set[int]]


def covered_years_for(session: Session, member_id: int) -> set[int]:
    """Years the member's shares cover, read from the share register (one swappable function)."""
    from governance.register.use_cases import shares

    return shares.covered_years(session, member_id)


def document_keys(declaration_id: int) -> dict[str, str]:
    """The three documents of an approved contract, by template."""
    return {
        name: f"doc:contract:{declaration_id}:{name}"
        for name in ("client_agreement", "employment_contract", "invoice")
    }


def decision_key(declaration_id: int, revision: int, step: int) -> str:
    return f"contract:{declaration_id}:r{revision}:approval-{step}"


@dataclass(frozen=True)
class CheckLine:
    code: str
    outcome: str
    sentence: str


@dataclass(frozen=True)
class DeclarationView:
    id: int
    member_id: int
    status: DeclarationStatus
    revision: int
    amount_excl_vat_cents: int
    first_day: date
    required_approvals: int
    approvers: tuple[str, ...]
    outcome_reason: str | None
    a1_required: bool
    refused_inputs: int
    checks: tuple[CheckLine, ...] = ()

    @property
    def decision_key(self) -> str:
        return decision_key(self.id, self.revision, len(self.approvers) + 1)


def _declaration(session: Session, declaration_id: int, lock: bool = False) -> Declaration:
    query = select(Declaration).where(Declaration.id == declaration_id)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(f"there is no contract declaration {declaration_id}", field="declaration_id")
    return row


def approvers_of(session: Session, d: Declaration) -> tuple[str, ...]:
    """The staff logins that approved the declaration's current revision, in order."""
    return tuple(
        session.scalars(
            select(Approval.staff_login)
            .where(Approval.declaration_id == d.id, Approval.revision == d.revision)
            .order_by(Approval.id)
        )
    )


def view_of(session: Session, d: Declaration) -> DeclarationView:
    """The declaration as staff and tasks read it, with its current revision's checks."""
    checks = session.scalars(
        select(CheckRecord)
        .where(CheckRecord.declaration_id == d.id, CheckRecord.revision == d.revision)
        .order_by(CheckRecord.id)
    )
    return DeclarationView(
        d.id,
        d.member_id,
        d.status,
        d.revision,
        d.amount_excl_vat_cents,
        d.first_day,
        d.required_approvals,
        approvers_of(session, d),
        d.outcome_reason,
        d.a1_required,
        d.refused_inputs,
        tuple(CheckLine(c.code.value, c.outcome.value, c.sentence) for c in checks),
    )


def view(session: Session, declaration_id: int) -> DeclarationView:
    return view_of(session, _declaration(session, declaration_id))


def declaration_facts(session: Session, declaration_id: int) -> ContractDeclaration:
    return ContractDeclaration.model_validate(_declaration(session, declaration_id).facts)


# --------------------------------------------------------------------------- declare


def _client(session: Session, facts: ContractDeclaration) -> Client:
    c = facts.client
    existing = None
    if c.kind is ClientKind.COMPANY and c.enterprise_number:
        existing = session.scalar(
            select(Client).where(Client.enterprise_number == c.enterprise_number).limit(1)
        )
    if existing is None:
        existing = session.scalar(
            select(Client).where(Client.name == c.name, Client.email == c.email).limit(1)
        )
    if existing is not None:
        return existing
    client = Client(**c.model_dump())
    session.add(client)
    session.flush()
    return client


def apply_facts(d: Declaration, facts: ContractDeclaration) -> None:
    """Copy the declared facts onto the row (a new declaration or a corrected revision)."""
    d.facts = facts.model_dump(mode="json")
    d.function = facts.function
    d.first_day = facts.first_day
    d.last_day = facts.last_day
    d.days_count = len(facts.work_days)
    d.work_country = facts.work_country
    d.amount_excl_vat_cents = facts.amount_excl_vat_cents
    d.vat_regime = facts.vat_regime
    d.office = facts.office
    d.employment_language = facts.employment_language


def _submit(session: Session, facts: ContractDeclaration, actor: Actor, now: datetime) -> int:
    if facts.external_ref:
        existing = session.scalar(
            select(Declaration.id).where(Declaration.external_ref == facts.external_ref)
        )
        if existing is not None:
            return existing
    if session.get(Member, facts.member_id) is None:
        raise NotFound(f"there is no member with id {facts.member_id}", field="member_id")
    d = Declaration(
        external_ref=facts.external_ref,
        member_id=facts.member_id,
        client_id=_client(session, facts).id,
        status=DeclarationStatus.SUBMITTED,
        revision=1,
        submitted_at=now,
        required_approvals=0,
        refused_inputs=0,
    )
    apply_facts(d, facts)
    session.add(d)
    session.flush()
    TimelineRepository(session).record(
        actor=actor,
        action="contract_declared",
        subject_type=SUBJECT,
        subject_id=d.id,
        member_id=d.member_id,
        details={"amount_excl_vat_cents": d.amount_excl_vat_cents, "first_day": str(d.first_day)},
    )
    return d.id


def submit_declaration(
    uow: UnitOfWork, facts: ContractDeclaration, actor: Actor, now: datetime | None = None
) -> int:
    """Record a declaration (status submitted); the same external_ref returns the same id."""
    declaration_id = _submit(uow.session, facts, actor, now or utcnow())
    uow.commit()
    return declaration_id


def submit_many(
    uow: UnitOfWork, batch: Iterable[ContractDeclaration], actor: Actor, now: datetime | None = None
) -> list[int]:
    """A batch import in one transaction (idempotent per external_ref)."""
    now = now or utcnow()
    ids = [_submit(uow.session, facts, actor, now) for facts in batch]
    uow.commit()
    return ids


def pending_ids(session: Session, limit: int | None = None) -> list[int]:
    """Submitted declarations waiting for their checks, oldest first."""
    query = (
        select(Declaration.id)
        .where(Declaration.status == DeclarationStatus.SUBMITTED)
        .order_by(Declaration.id)
    )
    return list(session.scalars(query.limit(limit) if limit else query))


def undocumented_ids(session: Session, limit: int | None = None) -> list[int]:
    """Approved declarations with a document missing: a batch stopped (crash, kill) between
    the checks and the documents; the next batch produces them."""
    prefix = literal("doc:contract:") + cast(Declaration.id, String) + literal(":%")
    documents_of = (
        select(func.count(Document.id))
        .where(Document.idempotency_key.like(prefix))
        .correlate(Declaration)
        .scalar_subquery()
    )
    query = (
        select(Declaration.id)
        .where(
            Declaration.status == DeclarationStatus.APPROVED,
            documents_of < len(document_keys(0)),
        )
        .order_by(Declaration.id)
    )
    return list(session.scalars(query.limit(limit) if limit else query))
