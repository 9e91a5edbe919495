"""contract-approval, contract-batch and contract-reminders as real Prefect flow runs."""

from __future__ import annotations

from datetime import timedelta

import docx
from contracts_helpers import add_member, client, declaration
from sqlalchemy import select

from documents.attachment_names import template_named
from flows.contract_approval import ApprovalParameters, contract_approval
from flows.contract_batch import BatchParameters, contract_batch
from flows.contract_reminders import ReminderParameters, contract_reminders
from governance.clock import utcnow
from governance.contracts.rules.staff_decisions import DecisionAction
from governance.contracts.use_cases import contract_checks, contract_decisions, contracts
from governance.db.models import Document, OutboxMessage
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, Office


def _check(facts):  # type: ignore[no-untyped-def]
    with UnitOfWork() as uow:
        declaration_id = contracts.submit_declaration(uow, facts, Actor.system("test"))
    with UnitOfWork() as uow:
        return contract_checks.check_declarations(uow, [declaration_id])[0]


def _documents() -> list[tuple[str, str, str]]:
    with UnitOfWork() as uow:
        return [tuple(r) for r in uow.session.execute(  # type: ignore[misc]
            select(Document.template, Document.language, Document.path).order_by(Document.id))]


def _contract_mails(sink):  # type: ignore[no-untyped-def]
    return [m for m in sink.parsed() if "share" not in m["Subject"].lower()
            and "part" not in m["Subject"].lower() and "aandel" not in m["Subject"].lower()]


def test_auto_approval_archives_three_documents_in_the_right_languages_and_mails_once(
    coop_env, mail_sink, prefect_harness
) -> None:
    member_id = add_member(office=Office.GENT, language=Language.EN)
    params = ApprovalParameters(declaration=declaration(member_id, client=client(language=Language.DE)))
    assert contract_approval(params) == "approved"
    docs = _documents()
    assert sorted((t, lang) for t, lang, _ in docs) == [
        ("client_agreement", "de"), ("employment_contract", "nl"), ("invoice", "de")]
    invoice_path = next(p for t, _, p in docs if t == "invoice")
    text = "\n".join(p.text for p in docx.Document(str(coop_env.archive / invoice_path)).paragraphs)
    assert "Rechnung F" in text and "+++200/0000/" in text
    with UnitOfWork() as uow:
        declaration_id = uow.session.scalars(select(Document.subject_id)).first()
    assert declaration_id is not None
    from prefect.artifacts import Artifact

    table = Artifact.get(f"contract-{declaration_id}-checks")
    assert table is not None and table.type == "table" and "share_covers_work_years" in str(table.data)
    # a re-run of the same declaration produces and sends nothing more
    assert contract_approval(ApprovalParameters(declaration_id=int(declaration_id))) == "approved"
    assert len(_documents()) == 3
    with UnitOfWork() as uow:
        sent = uow.session.scalars(select(OutboxMessage.to_address).where(
            OutboxMessage.idempotency_key.startswith("mail:contract:"), OutboxMessage.status == "sent")).all()
    assert len(sent) == 2 and "booking@nomade.example" in sent
    by_subject = {m["To"]: m for m in mail_sink.parsed() if "contract" in m["Subject"].lower() or "Rechnung" in m["Subject"]}
    client_mail = by_subject["booking@nomade.example"]
    assert [template_named(a.get_filename()) for a in client_mail.iter_attachments()] == [
        "client_agreement", "invoice"]
    worker_mail = next(m for m in mail_sink.parsed() if m["To"] != "booking@nomade.example"
                       and m["X-Coop-Key"].endswith("approved:member"))
    # the client's and the member's replies both reach the member's office, not noreply@
    assert client_mail["Reply-To"] == worker_mail["Reply-To"]
    assert worker_mail["Reply-To"].endswith("@smart.coop") and "noreply" not in worker_mail["Reply-To"]


def test_four_eyes_decisions_given_before_the_run_are_applied_and_documented(
    coop_env, mail_sink, prefect_harness
) -> None:
    view = _check(declaration(add_member(), amount_excl_vat_cents=1_500_000, days=20))
    with UnitOfWork() as uow:
        contract_decisions.decide(uow, view.id, DecisionAction.APPROVE, "anna")
    # the second approval arrives through the generic decision inbox: the flow applies it
    with UnitOfWork() as uow:
        key = contracts.view(uow.session, view.id).decision_key
        uow.decisions.decide(key=key, decision={"action": "approve", "reason": ""}, staff="bob")
        uow.commit()
    assert contract_approval(ApprovalParameters(declaration_id=view.id)) == "approved"
    with UnitOfWork() as uow:
        assert contracts.view(uow.session, view.id).approvers == ("anna", "bob")
    assert len(_documents()) == 3


def test_a_second_approval_by_the_same_login_is_refused_and_asked_again(
    coop_env, mail_sink, prefect_harness
) -> None:
    view = _check(declaration(add_member(), amount_excl_vat_cents=1_500_000, days=20))
    with UnitOfWork() as uow:
        contract_decisions.decide(uow, view.id, DecisionAction.APPROVE, "anna")
    with UnitOfWork() as uow:
        key = contracts.view(uow.session, view.id).decision_key
        uow.decisions.decide(key=key, decision={"action": "approve", "reason": ""}, staff="anna")
        uow.commit()
    from tasks.contracts import record_contract_decision

    after, error = record_contract_decision.fn(view.id, DecisionAction.APPROVE, "anna")
    assert after is None and "second, different staff member" in error
    with UnitOfWork() as uow:
        current = contracts.view(uow.session, view.id)
    assert current.status.value == "awaiting_decision" and current.refused_inputs == 1
    with UnitOfWork() as uow:
        request = uow.decisions.find(key)
    assert request is not None and request.status == "open" and request.decided_by is None


def test_rejection_and_correction_runs_mail_the_member(coop_env, mail_sink, prefect_harness) -> None:
    rejected = _check(declaration(add_member(language=Language.FR), work_country="FR"))
    corrected = _check(declaration(add_member(language=Language.NL), work_country="NL"))
    with UnitOfWork() as uow:
        contract_decisions.decide(uow, rejected.id, DecisionAction.REJECT, "anna", "client unknown & <late>")
    with UnitOfWork() as uow:
        contract_decisions.decide(uow, corrected.id, DecisionAction.CORRECT, "anna", "give the work city")
    assert contract_approval(ApprovalParameters(declaration_id=rejected.id)) == "refused"
    assert contract_approval(ApprovalParameters(declaration_id=corrected.id)) == "correction_requested"
    subjects = sorted(m["Subject"] for m in mail_sink.parsed() if "claration" in m["Subject"] or "angifte" in m["Subject"])
    assert any("refusée" in s for s in subjects) and any("te verbeteren" in s for s in subjects)
    assert _documents() == []


def test_the_daily_batch_checks_routes_and_documents_without_duplicates(
    coop_env, mail_sink, prefect_harness
) -> None:
    good = [add_member() for _ in range(5)]
    with UnitOfWork() as uow:
        contracts.submit_many(uow, [declaration(m, external_ref=f"B{m}") for m in good]
                              + [declaration(good[0], work_country="FR", external_ref="abroad"),
                                 declaration(add_member(shares_held=0), external_ref="noshare")],
                              Actor.system("import"))
    counts = contract_batch(BatchParameters(chunk_size=10))
    assert counts["pending"] == 7 and counts["approved"] == 5
    assert counts["awaiting_decision"] == 1 and counts["refused"] == 1
    assert counts["documents"] == 15 and counts["e-mails sent"] >= 11
    again = contract_batch(BatchParameters(chunk_size=10))
    assert again["pending"] == 0 and again["documents"] == 0
    assert len(_documents()) == 15


def test_the_reminder_flow_escalates_an_old_decision(coop_env, mail_sink, prefect_harness) -> None:
    view = _check(declaration(add_member(), work_country="LU"))
    assert contract_reminders(ReminderParameters(now=utcnow() + timedelta(hours=1))) == 0
    assert contract_reminders(ReminderParameters(now=utcnow() + timedelta(hours=49))) == 1
    reminders = [m for m in mail_sink.parsed() if m["To"] == coop_env.settings.staff_mailbox]
    assert len(reminders) == 1 and view.decision_key in reminders[0].get_body(("plain",)).get_content()
