"""Contract approval use cases: declare, check, decide (four-eyes), approve, correct, cancel.

Every public function takes a UnitOfWork, runs ONE transaction and commits once. E-mails are
outbox rows written in that transaction; documents are produced afterwards by the tasks from
`governance.contracts.use_cases.contract_paperwork.paperwork`, under idempotency keys named here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import String, cast, func, literal, select
from sqlalchemy.orm import Session

from governance.clock import brussels_date, utcnow
from governance.contracts.rules import contracts as rules
from governance.contracts.rules.contracts import (
    CheckFacts,
    CheckOutcome,
    ClientKind,
    ContractDeclaration,
    ContractSettings,
    DecisionAction,
    DeclarationStatus,
    Route,
)
from governance.contracts.rules.einvoice import DocumentKind, InvoiceStatus
from governance.contracts.use_cases import invoicing
from governance.db.models import Document, Member
from governance.db.models.contracts import (
    Approval,
    CheckRecord,
    Client,
    Declaration,
    DimonaRecord,
    Invoice,
)
from governance.db.repositories.decisions import DecisionRepository
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.decisions import DecisionView
from governance.kernel.rules.enums import DimonaStatus, Language
from governance.kernel.rules.errors import InvalidTransition, NotFound
from governance.kernel.use_cases import documents, outbox
from governance.statutes import get_statutes

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


def _approvers(session: Session, d: Declaration) -> tuple[str, ...]:
    return tuple(
        session.scalars(
            select(Approval.staff_login)
            .where(Approval.declaration_id == d.id, Approval.revision == d.revision)
            .order_by(Approval.id)
        )
    )


def _view(session: Session, d: Declaration) -> DeclarationView:
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
        _approvers(session, d),
        d.outcome_reason,
        d.a1_required,
        d.refused_inputs,
        tuple(CheckLine(c.code.value, c.outcome.value, c.sentence) for c in checks),
    )


def view(session: Session, declaration_id: int) -> DeclarationView:
    return _view(session, _declaration(session, declaration_id))


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


def _apply_facts(d: Declaration, facts: ContractDeclaration) -> None:
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
    _apply_facts(d, facts)
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


def correct_declaration(
    uow: UnitOfWork,
    declaration_id: int,
    facts: ContractDeclaration,
    actor: Actor,
    now: datetime | None = None,
) -> DeclarationView:
    """The member's corrected declaration: a new revision, checked again from scratch."""
    session = uow.session
    d = _declaration(session, declaration_id, lock=True)
    if d.status is not DeclarationStatus.CORRECTION_REQUESTED:
        raise InvalidTransition(f"declaration {d.id} is {d.status.value}: no correction is awaited")
    if facts.member_id != d.member_id:
        raise InvalidTransition("a correction cannot change the member", field="member_id")
    _apply_facts(d, facts.model_copy(update={"external_ref": d.external_ref}))
    d.revision += 1
    d.status = DeclarationStatus.SUBMITTED
    d.submitted_at = now or utcnow()
    d.outcome_reason = None
    uow.timeline.record(
        actor=actor,
        action="contract_corrected",
        subject_type=SUBJECT,
        subject_id=d.id,
        member_id=d.member_id,
        details={"revision": d.revision},
    )
    result = _view(session, d)
    uow.commit()
    return result


# --------------------------------------------------------------------------- check


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
    result = [_view(session, by_id[i]) for i in declaration_ids if i in by_id]
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
        results = rules.run_checks(facts, settings)
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
        d.required_approvals = rules.required_approvals(d.amount_excl_vat_cents, settings)
        d.a1_required = d.work_country != "BE"
        _route(session, d, member, results, settings, now)


def _route(
    session: Session,
    d: Declaration,
    member: Member,
    results: list[rules.CheckResult],
    settings: ContractSettings,
    now: datetime,
) -> None:
    decided = rules.route(results)
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
        _close(
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
        _open_request(session, d, now, settings)
    else:
        _approve(session, d, member, Actor.system(PROCESS), now, settings)


def _question(d: Declaration, approvers: tuple[str, ...]) -> str:
    who = f" (second approval: {approvers[0]} approved already)" if approvers else ""
    return (
        f"Approve contract declaration {d.id} of member {d.member_id}: {d.function}, "
        f"{rules.euros(d.amount_excl_vat_cents)} excl. VAT, {d.days_count} day(s) from "
        f"{d.first_day:%d/%m/%Y}{who}?"
    )


def _open_request(
    session: Session, d: Declaration, now: datetime, settings: ContractSettings
) -> DecisionView:
    approvers = _approvers(session, d)
    return DecisionRepository(session).open(
        key=decision_key(d.id, d.revision, len(approvers) + 1),
        process=PROCESS,
        subject_type=SUBJECT,
        subject_id=d.id,
        member_id=d.member_id,
        question=_question(d, approvers),
        due_in=timedelta(hours=settings.decision_due_hours),
        now=now,
    )


def pending_decision(
    uow: UnitOfWork, declaration_id: int, flow_run_id: str | None = None
) -> DecisionView | None:
    """The decision request awaited now (opened if needed), or None when nothing is awaited."""
    session = uow.session
    d = _declaration(session, declaration_id)
    if d.status is not DeclarationStatus.AWAITING_DECISION:
        return None
    request = _open_request(session, d, utcnow(), get_statutes().contracts)
    if flow_run_id:  # the run to resume when staff answer elsewhere
        request = uow.decisions.link_run(request.key, flow_run_id, open_only=False) or request
    uow.commit()
    return request


# --------------------------------------------------------------------------- decide


def decide(
    uow: UnitOfWork,
    declaration_id: int,
    action: DecisionAction,
    staff: str,
    reason: str = "",
    now: datetime | None = None,
) -> DeclarationView:
    """A staff decision: approve (four-eyes above the threshold), reject or ask a correction."""
    session, now = uow.session, now or utcnow()
    settings = get_statutes().contracts
    d = _declaration(session, declaration_id, lock=True)
    rules.check_decidable(d.status)
    approvers = _approvers(session, d)
    rules.check_decision(action, staff, reason, approvers)
    request = _open_request(session, d, now, settings)
    uow.decisions.decide(
        key=request.key,
        decision={"action": action.value, "reason": reason},
        staff=staff,
        now=now,
    )
    member = session.get(Member, d.member_id)
    assert member is not None
    if action is DecisionAction.APPROVE:
        session.add(
            Approval(
                declaration_id=d.id,
                revision=d.revision,
                staff_login=staff,
                decision_key=request.key,
                approved_at=now,
            )
        )
        session.flush()
        if len(approvers) + 1 >= max(d.required_approvals, 1):
            _approve(session, d, member, Actor.staff(staff), now, settings)
        else:
            _open_request(session, d, now, settings)
    elif action is DecisionAction.REJECT:
        _close(session, d, member, DeclarationStatus.REFUSED, reason, Actor.staff(staff), now)
    else:
        _close(
            session,
            d,
            member,
            DeclarationStatus.CORRECTION_REQUESTED,
            reason,
            Actor.staff(staff),
            now,
        )
    result = _view(session, d)
    uow.commit()
    return result


def note_refused_input(uow: UnitOfWork, declaration_id: int, staff: str, message: str) -> int:
    """A form answer a rule refused (e.g. the same approver twice): counted, so a new form opens."""
    d = _declaration(uow.session, declaration_id, lock=True)
    d.refused_inputs += 1
    # An answer recorded elsewhere (the decision inbox) but refused here is taken back: the
    # request is open again for another staff member.
    uow.decisions.reopen(decision_key(d.id, d.revision, len(_approvers(uow.session, d)) + 1))
    uow.timeline.record(
        actor=Actor.staff(staff),
        action="contract_decision_refused",
        subject_type=SUBJECT,
        subject_id=d.id,
        member_id=d.member_id,
        details={"why": message},
    )
    uow.commit()
    return d.refused_inputs


def _close(
    session: Session,
    d: Declaration,
    member: Member,
    status: DeclarationStatus,
    reason: str,
    actor: Actor,
    now: datetime,
    checks: list[str] | None = None,
) -> None:
    """Close a declaration; the member's e-mail gives the failed checks' codes (worded in the
    member's language by the e-mail) or else the staff member's reason."""
    d.status = status
    d.outcome_reason = reason
    d.decided_at = now
    TimelineRepository(session).record(
        actor=actor,
        action=f"contract_{status.value}",
        subject_type=SUBJECT,
        subject_id=d.id,
        member_id=d.member_id,
        details={"reason": reason},
    )
    outbox.tell_member(
        session,
        member,
        key=mail_keys.contract_decision(d.id, d.revision, status.value),
        template="contract_not_approved",
        context={
            "declaration_id": d.id,
            "function": d.function,
            "first_day": d.first_day.isoformat(),
            "outcome": status.value,
            "reason": reason,
            "checks": checks or [],
        },
    )


def _approve(
    session: Session,
    d: Declaration,
    member: Member,
    actor: Actor,
    now: datetime,
    settings: ContractSettings,
) -> None:
    """Approved: invoice, Dimona record and the two e-mails (waiting for their documents)."""
    d.status = DeclarationStatus.APPROVED
    d.decided_at = now
    client = session.get(Client, d.client_id)
    assert client is not None
    issued_on = brussels_date(now)
    # The client decides the form (Peppol UBL or PDF) and, across the EU border, the VAT.
    form, regime = invoicing.decide_form(client, d.vat_regime)
    amounts = rules.invoice_amounts(d.amount_excl_vat_cents, regime, settings)
    invoice = Invoice(
        declaration_id=d.id,
        client_id=d.client_id,
        issued_on=issued_on,
        due_on=rules.payment_due_on(issued_on, settings),
        net_cents=amounts.net_cents,
        vat_regime=regime,
        form=form.form.value,
        vat_rate_bp=amounts.vat_rate_bp,
        vat_cents=amounts.vat_cents,
        total_cents=amounts.total_cents,
        fee_cents=amounts.fee_cents,
        paid_cents=0,
        status=InvoiceStatus.ISSUED,
    )
    # One invoice per declaration, numbered from the year's gapless sequence in this
    # transaction; the structured communication encodes the declaration id, its 12 digits
    # stored as a bank statement carries them (like the register's subscriptions).
    invoice.number = invoicing.next_number(session, DocumentKind.INVOICE, issued_on.year)
    ogm = rules.invoice_structured_communication(d.id)
    invoice.structured_communication = "".join(ch for ch in ogm if ch.isdigit())
    session.add(invoice)
    facts = ContractDeclaration.model_validate(d.facts)
    deadlines = rules.dimona_deadlines(facts.work_days)
    session.add(
        DimonaRecord(
            declaration_id=d.id,
            member_id=d.member_id,
            employer_enterprise_number=_coop_enterprise_number(),
            joint_committee=settings.joint_committee,
            worker_type=settings.dimona_worker_type,
            start_date=d.first_day,
            end_date=d.last_day,
            days=[day.isoformat() for day in facts.work_days],
            in_deadline=deadlines.in_by,
            out_deadline=deadlines.out_by,
            status=DimonaStatus.TO_DECLARE,
        )
    )
    keys = document_keys(d.id)
    common = {
        "declaration_id": d.id,
        "function": d.function,
        "first_day": d.first_day.isoformat(),
        "last_day": d.last_day.isoformat(),
        "invoice_number": invoice.number,
    }
    outbox.enqueue(
        session,
        key=mail_keys.contract_approved(d.id, "client"),
        to=client.email,
        template="contract_approved_client",
        language=client.language,
        attachment_keys=[keys["client_agreement"], keys["invoice"]],
        context={
            **common,
            "name": client.name,
            "member_name": member.display_name,
            "total_cents": amounts.total_cents,
            "due_on": invoice.due_on.isoformat(),
            "communication": invoice.structured_communication,
            "reply_office": str(member.office),  # the client's questions reach the office
        },
    )
    if member.email:
        outbox.enqueue(
            session,
            key=mail_keys.contract_approved(d.id, "member"),
            to=member.email,
            template="contract_approved_member",
            language=member.language,
            member_id=member.id,
            attachment_keys=[keys["employment_contract"], keys["client_agreement"]],
            context={
                **common,
                "name": member.display_name,
                "client_name": client.name,
                "gross_cents": amounts.gross_salary_cents,
                "a1": int(d.a1_required),
            },
        )
    TimelineRepository(session).record(
        actor=actor,
        action="contract_approved",
        subject_type=SUBJECT,
        subject_id=d.id,
        member_id=d.member_id,
        details={
            "invoice": invoice.number,
            "total_cents": amounts.total_cents,
            "dimona_in_by": deadlines.in_by.isoformat(),
        },
    )


def _coop_enterprise_number() -> str:
    from governance.config import get_settings

    return get_settings().coop_enterprise_number


# --------------------------------------------------------------------------- cancel


def cancel_declaration(
    uow: UnitOfWork, declaration_id: int, staff: str, reason: str, now: datetime | None = None
) -> DeclarationView:
    """Before the first work day only: documents void, invoice void, Dimona cancelled, both told."""
    session, now = uow.session, now or utcnow()
    d = _declaration(session, declaration_id, lock=True)
    rules.check_cancellable(d.status, d.first_day, brussels_date(now))
    if not reason.strip():
        raise rules.ReasonMissing("give the reason both parties will read", field="reason")
    actor = Actor.staff(staff)
    was_approved = d.status is DeclarationStatus.APPROVED
    d.status = DeclarationStatus.CANCELLED
    d.cancelled_at = now
    d.outcome_reason = reason
    uow.decisions.cancel(decision_key(d.id, d.revision, len(_approvers(session, d)) + 1), reason)
    voided = documents.void_documents(session, SUBJECT, str(d.id), reason, actor, now)
    for row in session.scalars(select(Invoice).where(Invoice.declaration_id == d.id)):
        row.status = InvoiceStatus.VOID
    if was_approved:  # the invoice is never deleted: a credit note cancels it
        invoicing.credit_cancelled_contract(session, d.id, reason, actor, d.member_id)
    for dimona in session.scalars(select(DimonaRecord).where(DimonaRecord.declaration_id == d.id)):
        dimona.status = DimonaStatus.CANCELLED
    member = session.get(Member, d.member_id)
    client = session.get(Client, d.client_id)
    assert member is not None and client is not None
    context = {
        "declaration_id": d.id,
        "function": d.function,
        "first_day": d.first_day.isoformat(),
        "reason": reason,
        "member_name": member.display_name,
        "client_name": client.name,
    }
    recipients: list[tuple[str, str, Language, int | None]] = [
        ("client", client.email, client.language, None)
    ]
    if member.email:
        recipients.append(("member", member.email, member.language, member.id))
    for role, address, language, member_id in recipients:
        outbox.enqueue(
            session,
            key=mail_keys.contract_cancelled(d.id, role),
            to=address,
            template="contract_cancelled",
            language=language,
            member_id=member_id,
            context={**context, "name": client.name if role == "client" else member.display_name},
        )
    uow.timeline.record(
        actor=actor,
        action="contract_cancelled",
        subject_type=SUBJECT,
        subject_id=d.id,
        member_id=d.member_id,
        details={"reason": reason, "documents_voided": voided, "was_approved": was_approved},
    )
    result = _view(session, d)
    uow.commit()
    return result


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
