"""Contract services on a real database: routing, four-eyes, refusal, correction, cancellation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from business_clock import at_split_instants
from contracts_helpers import add_member, client, declaration
from sqlalchemy import func, select

from governance.clock import business_today, frozen_at, utcnow
from governance.contracts.rules.contracts import DeclarationStatus
from governance.contracts.rules.staff_decisions import (
    CancellationTooLate,
    DecisionAction,
    SameApproverTwice,
)
from governance.contracts.use_cases import (
    contract_changes,
    contract_checks,
    contract_decisions,
    contract_paperwork,
    contracts,
)
from governance.db.models import DecisionRequest, Document, OutboxMessage, TimelineEvent
from governance.db.models.contracts import Approval, DimonaRecord, Invoice
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.documents import ArchivedDocument
from governance.kernel.rules.enums import Language, MemberStatus, Office
from governance.kernel.rules.errors import InvalidTransition
from governance.kernel.use_cases.documents import record_documents

pytestmark = pytest.mark.usefixtures("coop_env")
SYSTEM = Actor.system("test")


def submit_and_check(facts, now=None):  # type: ignore[no-untyped-def]
    with UnitOfWork() as uow:
        declaration_id = contracts.submit_declaration(uow, facts, SYSTEM, now=now)
    with UnitOfWork() as uow:
        return contract_checks.check_declarations(uow, [declaration_id])[0]


def outbox_keys() -> list[str]:
    with UnitOfWork() as uow:
        keys = uow.session.scalars(select(OutboxMessage.idempotency_key).order_by(OutboxMessage.id))
        return [k for k in keys if k.startswith(("mail:contract:", "mail:contract-reminder:"))]


def decide(view, action, staff, reason=""):  # type: ignore[no-untyped-def]
    with UnitOfWork() as uow:
        return contract_decisions.decide(uow, view.id, action, staff, reason)


def test_an_all_green_small_contract_is_approved_with_invoice_dimona_and_mails() -> None:
    view = submit_and_check(declaration(add_member()))
    assert view.status is DeclarationStatus.APPROVED
    assert {c.outcome for c in view.checks} == {"pass"} and len(view.checks) == 11
    with UnitOfWork() as uow:
        invoice = uow.session.scalar(select(Invoice))
        dimona = uow.session.scalar(select(DimonaRecord))
        assert invoice is not None and dimona is not None
        assert (invoice.net_cents, invoice.vat_cents, invoice.total_cents, invoice.fee_cents) == (80_000, 16_800, 96_800, 5_200)
        assert invoice.structured_communication and invoice.structured_communication.startswith("2")
        assert dimona.in_deadline == view.first_day and dimona.status == "to_declare"
    assert outbox_keys() == [f"mail:contract:{view.id}:approved:client", f"mail:contract:{view.id}:approved:member"]


def test_submitting_the_same_import_line_twice_makes_one_declaration() -> None:
    facts = declaration(add_member(), external_ref="IMPORT-1")
    with UnitOfWork() as uow:
        first = contracts.submit_declaration(uow, facts, SYSTEM)
    with UnitOfWork() as uow:
        assert contracts.submit_many(uow, [facts, facts], SYSTEM) == [first, first]


def test_checking_twice_changes_nothing() -> None:
    view = submit_and_check(declaration(add_member()))
    with UnitOfWork() as uow:
        again = contract_checks.check_declarations(uow, [view.id])[0]
        assert again == view
        assert uow.session.scalar(select(func.count(Invoice.id))) == 1


def test_a_restricted_member_is_refused_with_the_reason_mailed() -> None:
    member_id = add_member(status=MemberStatus.RESTRICTED)
    view = submit_and_check(declaration(member_id))
    assert view.status is DeclarationStatus.REFUSED
    assert view.outcome_reason and "restricted" in view.outcome_reason
    with UnitOfWork() as uow:
        mail = uow.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "contract_not_approved"))
        assert mail is not None
        assert "restricted" in mail.context["reason"]
        assert mail.context["checks"] == ["member_active"]
        context, language = dict(mail.context), str(mail.language)
    # the member (Dutch) reads the reason in Dutch, not the staff's English sentence
    from documents.email import render_email
    from documents.proofread import english_words

    text = render_email("contract_not_approved", language, context).text
    assert "Reden: uw account is niet actief of beperkt" in text
    assert english_words(text, "nl") == [] and "restricted" not in text


def test_a_member_without_a_share_for_the_year_is_refused() -> None:
    view = submit_and_check(declaration(add_member(shares_held=0)))
    assert view.status is DeclarationStatus.REFUSED
    assert "No share covers" in (view.outcome_reason or "")


def test_a_late_declaration_is_refused_because_the_dimona_would_be_late() -> None:
    view = submit_and_check(declaration(add_member(), start_in_days=0))
    assert view.status is DeclarationStatus.REFUSED and "Dimona" in (view.outcome_reason or "")


def test_work_abroad_waits_for_staff_and_marks_the_a1_step() -> None:
    view = submit_and_check(declaration(add_member(), work_country="FR"))
    assert view.status is DeclarationStatus.AWAITING_DECISION and view.a1_required
    with UnitOfWork() as uow:
        request = uow.session.scalar(select(DecisionRequest))
        assert request is not None and request.key == view.decision_key
        assert request.due_at - request.requested_at == timedelta(hours=48)
    after = decide(view, DecisionAction.APPROVE, "anna")
    assert after.status is DeclarationStatus.APPROVED and after.approvers == ("anna",)


def test_a_client_with_unpaid_invoices_above_the_limit_goes_to_staff() -> None:
    member_id = add_member()
    big = submit_and_check(declaration(member_id, amount_excl_vat_cents=500_000))
    decide(big, DecisionAction.APPROVE, "anna")  # client now owes 6,050.00 > 5,000.00
    view = submit_and_check(declaration(member_id))
    assert view.status is DeclarationStatus.AWAITING_DECISION
    assert any(c.code == "client_outstanding" and c.outcome == "review" for c in view.checks)


def test_four_eyes_needs_two_different_staff_members() -> None:
    view = submit_and_check(declaration(add_member(), amount_excl_vat_cents=1_200_000, days=20))
    assert view.status is DeclarationStatus.AWAITING_DECISION and view.required_approvals == 2
    first = decide(view, DecisionAction.APPROVE, "anna")
    assert first.status is DeclarationStatus.AWAITING_DECISION and first.approvers == ("anna",)
    with pytest.raises(SameApproverTwice):
        decide(view, DecisionAction.APPROVE, "anna")
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(func.count(Approval.id))) == 1
    second = decide(view, DecisionAction.APPROVE, "bob")
    assert second.status is DeclarationStatus.APPROVED and second.approvers == ("anna", "bob")
    with UnitOfWork() as uow:
        requests = uow.session.scalars(select(DecisionRequest).order_by(DecisionRequest.id)).all()
        assert [(r.status, r.decided_by) for r in requests] == [("decided", "anna"), ("decided", "bob")]


def test_staff_rejection_needs_a_reason_and_tells_the_member() -> None:
    view = submit_and_check(declaration(add_member(), work_country="DE"))
    with pytest.raises(InvalidTransition.__mro__[1]):  # RuleViolation: reason missing
        decide(view, DecisionAction.REJECT, "anna", "")
    after = decide(view, DecisionAction.REJECT, "anna", "no A1 possible in time")
    assert after.status is DeclarationStatus.REFUSED
    with pytest.raises(InvalidTransition):
        decide(view, DecisionAction.APPROVE, "bob")
    assert outbox_keys() == [f"mail:contract:{view.id}:r1:refused"]


def test_a_correction_opens_a_new_revision_checked_again() -> None:
    member_id = add_member()
    view = submit_and_check(declaration(member_id, client=client(vat_number=None), work_country="NL"))
    corrected = decide(view, DecisionAction.CORRECT, "anna", "work in Belgium?")
    assert corrected.status is DeclarationStatus.CORRECTION_REQUESTED
    with UnitOfWork() as uow:
        again = contract_changes.correct_declaration(uow, view.id, declaration(member_id), SYSTEM)
    assert again.revision == 2 and again.status is DeclarationStatus.SUBMITTED
    with UnitOfWork() as uow:
        final = contract_checks.check_declarations(uow, [view.id])[0]
    assert final.status is DeclarationStatus.APPROVED and len(final.checks) == 11


def test_cancellation_before_work_voids_documents_and_tells_both_parties() -> None:
    view = submit_and_check(declaration(add_member()))
    with UnitOfWork() as uow:
        record_documents(uow.session, [ArchivedDocument(
            key=f"doc:contract:{view.id}:invoice", template="invoice", template_version="x",
            language=Language.FR, format="docx", path="p", sha256="0" * 64, size_bytes=1,  # type: ignore[arg-type]
            member_id=view.member_id, subject_type="contract", subject_id=str(view.id))])
        uow.commit()
    with UnitOfWork() as uow:
        cancelled = contract_changes.cancel_declaration(uow, view.id, "anna", "the concert is cancelled")
    assert cancelled.status is DeclarationStatus.CANCELLED
    with UnitOfWork() as uow:
        doc = uow.session.scalar(select(Document))
        assert doc is not None and doc.voided_at is not None
        assert uow.session.scalar(select(Invoice.status)) == "void"
        assert uow.session.scalar(select(DimonaRecord.status)) == "cancelled"
    assert outbox_keys()[-2:] == [f"mail:contract:{view.id}:cancelled:client", f"mail:contract:{view.id}:cancelled:member"]
    with UnitOfWork() as uow, pytest.raises(InvalidTransition):
        contract_changes.cancel_declaration(uow, view.id, "anna", "again")


def test_cancellation_on_the_first_work_day_is_refused() -> None:
    view = submit_and_check(declaration(add_member(), start_in_days=3))
    with UnitOfWork() as uow, pytest.raises(CancellationTooLate):
        contract_changes.cancel_declaration(uow, view.id, "anna", "late", now=utcnow() + timedelta(days=3))


def test_an_overdue_decision_is_escalated_once_per_48_hours() -> None:
    view = submit_and_check(declaration(add_member(), work_country="LU"))
    now = utcnow()
    with UnitOfWork() as uow:
        assert contract_paperwork.send_decision_reminders(uow, now + timedelta(hours=47)) == 0
    with UnitOfWork() as uow:
        assert contract_paperwork.send_decision_reminders(uow, now + timedelta(hours=49)) == 1
    with UnitOfWork() as uow:
        assert contract_paperwork.send_decision_reminders(uow, now + timedelta(hours=50)) == 0
    with UnitOfWork() as uow:
        assert contract_paperwork.send_decision_reminders(uow, now + timedelta(hours=97)) == 1
    assert [k for k in outbox_keys() if "reminder" in k] == [
        f"mail:contract-reminder:{view.decision_key}:1", f"mail:contract-reminder:{view.decision_key}:2"]


def test_the_dimona_export_lists_what_payroll_files_without_the_niss_by_default() -> None:
    view = submit_and_check(declaration(add_member(office=Office.EUPEN, language=Language.DE)))
    with UnitOfWork() as uow:
        lines = contract_paperwork.dimona_export(uow, "payroll.pia")
    assert len(lines) == 1 and lines[0].declaration_id == view.id and lines[0].niss == ""
    assert lines[0].in_deadline == view.first_day.isoformat()
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(DimonaRecord.status)) == "exported"
        actions = uow.session.scalars(select(TimelineEvent.action)).all()
        assert "dimona_exported" in actions
        with_niss = contract_paperwork.dimona_export(uow, "payroll.pia", with_niss=True)
    assert with_niss[0].niss == "missing"


@at_split_instants
def test_cancellation_late_at_night_is_judged_by_the_brussels_date(business_clock) -> None:  # type: ignore[no-untyped-def]
    """Late in the evening in UTC it is already the next day in Brussels: a contract whose
    work starts that Brussels day can no longer be cancelled; one starting the day after can."""
    starts_tomorrow = submit_and_check(declaration(add_member(), start_in_days=1))
    starts_later = submit_and_check(declaration(add_member(), start_in_days=2))
    with frozen_at(business_clock + timedelta(days=1)):
        assert business_today() == starts_tomorrow.first_day
        with UnitOfWork() as uow, pytest.raises(CancellationTooLate):
            contract_changes.cancel_declaration(uow, starts_tomorrow.id, "anna", "late")
        with UnitOfWork() as uow:
            assert contract_changes.cancel_declaration(uow, starts_later.id, "anna", "in time").status is (
                DeclarationStatus.CANCELLED)
