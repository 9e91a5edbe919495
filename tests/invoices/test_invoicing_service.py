"""Invoices on a real database: gapless numbers, one source for PDF and UBL, hold, credit notes,
the outbox folder an access point reads, the member's timeline."""

from __future__ import annotations

import io
import json
import threading

import docx
import pytest
from contracts_helpers import add_member, client, declaration
from lxml import etree
from sqlalchemy import select

from documents import formatting
from documents.contexts import Coop
from documents.contract_papers import requests_for
from documents.peppol import FolderSender
from governance.clock import business_today
from governance.contracts.rules.contract_amounts import invoice_structured_communication
from governance.contracts.rules.contracts import ClientKind, DeclarationStatus, VatRegime
from governance.contracts.rules.einvoice import (
    CreditTooLarge,
    DocumentKind,
    EInvoiceStatus,
    InvoiceForm,
)
from governance.contracts.rules.ubl_rules import NS, failures
from governance.contracts.use_cases import (
    contract_changes,
    contract_checks,
    contract_paperwork,
    contracts,
    einvoicing,
    invoicing,
)
from governance.db.models import DecisionRequest, Document, TimelineEvent
from governance.db.models.contracts import Invoice
from governance.db.models.invoices import CreditNote, EInvoice
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from tasks import invoices as einvoices
from tasks.documents import produce
from tasks.mail import deliver_pending

pytestmark = pytest.mark.usefixtures("coop_env")
SYSTEM = Actor.system("test")
YEAR = business_today().year


def approve(**kw):  # type: ignore[no-untyped-def]
    with UnitOfWork() as uow:
        declaration_id = contracts.submit_declaration(uow, declaration(add_member(), **kw), SYSTEM)
    with UnitOfWork() as uow:
        return contract_checks.check_declarations(uow, [declaration_id])[0]


def invoice_of(declaration_id: int) -> Invoice:
    with UnitOfWork() as uow:
        row = uow.session.scalar(select(Invoice).where(Invoice.declaration_id == declaration_id))
        assert row is not None
        uow.session.expunge(row)
        return row


def produce_documents(declaration_id: int) -> None:
    with UnitOfWork() as uow:
        papers = contract_paperwork.paperwork(uow.session, [declaration_id])
        coop = Coop.from_settings(uow.settings)
    produce([r for p in papers for r in requests_for(p, coop, business_today())])


def ubl_of(number: str, coop_env) -> etree._Element:  # type: ignore[no-untyped-def]
    with UnitOfWork() as uow:
        row = uow.session.scalar(select(EInvoice).where(EInvoice.document_number == number))
        assert row is not None and row.path
        return etree.fromstring((coop_env.settings.resolved_archive_dir() / row.path).read_bytes())


def docx_text(key: str, coop_env) -> str:  # type: ignore[no-untyped-def]
    with UnitOfWork() as uow:
        path = uow.session.scalar(select(Document.path).where(Document.idempotency_key == key))
    assert path is not None
    document = docx.Document(
        io.BytesIO((coop_env.settings.resolved_archive_dir() / path).read_bytes())
    )
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_invoice_numbers_follow_one_gapless_sequence_whatever_is_refused_between() -> None:
    first = approve()
    refused = approve(amount_excl_vat_cents=0)
    second = approve()
    assert refused.status is DeclarationStatus.REFUSED
    assert invoice_of(first.id).number == f"F{YEAR}-0000001"
    assert invoice_of(second.id).number == f"F{YEAR}-0000002"


def test_a_belgian_business_gets_a_valid_ubl_with_the_figures_of_its_pdf(coop_env) -> None:  # type: ignore[no-untyped-def]
    view = approve()
    invoice = invoice_of(view.id)
    assert invoice.form == InvoiceForm.UBL_WITH_PDF_COPY
    produce_documents(view.id)
    assert einvoices.issue() == {"credit note papers": 0, "ready": 1, "held": 0}
    root = ubl_of(str(invoice.number), coop_env)
    assert failures(etree.tostring(root)) == []
    text = docx_text(f"doc:contract:{view.id}:invoice", coop_env)
    # every figure the client reads on the PDF is the one in the UBL (one source)
    for path in (
        "cac:LegalMonetaryTotal/cbc:PayableAmount",
        "cac:TaxTotal/cbc:TaxAmount",
        "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount",
    ):
        cents = round(float(root.xpath(path, namespaces=NS)[0].text) * 100)
        assert formatting.money(cents, "fr") in text, path
    assert str(invoice.number) in text and "BE 0403.019.261" in text
    assert "Copie visuelle" in text  # the PDF says the legal invoice is the Peppol one
    ogm = root.xpath("cac:PaymentMeans/cbc:PaymentID", namespaces=NS)[0].text
    assert (
        invoice_structured_communication(view.id).replace("+", "").replace("/", "")
        == ogm
    )
    assert einvoices.issue()["ready"] == 0  # issued once


def test_an_eu_business_is_reverse_charged_and_a_private_person_gets_only_a_pdf() -> None:
    french = approve(
        client=client(enterprise_number=None, vat_number="FR40303265045", country="FR")
    )
    person = approve(
        client=client(
            kind=ClientKind.PERSON,
            name="Anne Dupont",
            email="anne@example.org",
            enterprise_number=None,
            vat_number=None,
        )
    )
    eu_invoice, person_invoice = invoice_of(french.id), invoice_of(person.id)
    assert (eu_invoice.vat_regime, eu_invoice.vat_cents) == (VatRegime.REVERSE_CHARGE, 0)
    assert eu_invoice.form == InvoiceForm.PDF  # not on Peppol: the PDF with the mention
    assert person_invoice.form == InvoiceForm.PDF and person_invoice.vat_cents == 16_800
    assert einvoices.issue()["ready"] == 0


def test_the_pdf_of_an_eu_client_states_reverse_charge_and_both_vat_numbers(coop_env) -> None:  # type: ignore[no-untyped-def]
    view = approve(client=client(enterprise_number=None, vat_number="FR40303265045", country="FR"))
    produce_documents(view.id)
    text = docx_text(f"doc:contract:{view.id}:invoice", coop_env)
    assert "Autoliquidation" in text and "196" in text
    assert "FR 40303265045" in text and "BE 0896.755.397" in text


def test_a_failing_invoice_is_held_for_staff_with_the_rule_and_never_sent(
    coop_env, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    view = approve()
    with UnitOfWork() as uow:  # a wrong endpoint typed by staff: check digits do not match
        einvoicing.set_participant(uow, "0403019261", True, "anna", "0208", "0403019262")
    assert einvoices.issue()["held"] == 1
    number = str(invoice_of(view.id).number)
    with UnitOfWork() as uow:
        held = einvoicing.by_status(uow.session, EInvoiceStatus.HELD)
        request = uow.session.scalar(
            select(DecisionRequest).where(DecisionRequest.key == einvoicing.hold_key(number))
        )
        assert (
            request is not None
            and request.status == "open"
            and "PEPPOL-COMMON-R043" in request.question
        )
    assert [h.number for h in held] == [number]
    assert any("[PEPPOL-COMMON-R043]" in rule for rule in held[0].failed_rules)
    sender = FolderSender(tmp_path / "outbox")
    assert einvoices.send(sender)["submitted"] == 0 and not (tmp_path / "outbox").exists()
    # staff correct the endpoint and ask for a new validation: same number, now valid
    with UnitOfWork() as uow:
        einvoicing.set_participant(uow, "BE 0403.019.261", True, "anna", "0208", "0403019261")
    with UnitOfWork() as uow:
        einvoicing.release_for_revalidation(uow, number, "anna")
    assert einvoices.issue()["ready"] == 1
    assert einvoices.send(sender)["submitted"] == 1
    assert (tmp_path / "outbox" / f"{number}.xml").exists()


def test_the_outbox_folder_gets_each_invoice_once_and_its_report_reaches_the_timeline(
    tmp_path,
) -> None:  # type: ignore[no-untyped-def]
    view = approve()
    einvoices.issue()
    sender = FolderSender(tmp_path / "outbox")
    assert einvoices.send(sender)["submitted"] == 1
    assert einvoices.send(sender)["submitted"] == 0  # nothing sent twice
    number = str(invoice_of(view.id).number)
    written = sender.outbox / f"{number}.xml"
    assert failures(written.read_bytes()) == []
    assert sender.submit(number, written.read_bytes()).startswith("outbox:")  # same bytes: fine
    (sender.reports).mkdir()
    (sender.reports / f"{number}.json").write_text(
        json.dumps({"status": "delivered", "detail": "AS4 receipt 42"})
    )
    assert einvoices.send(sender)["delivered"] == 1
    with UnitOfWork() as uow:
        [status] = einvoicing.of_contract(uow.session, view.id)
        actions = list(
            uow.session.scalars(
                select(TimelineEvent.action).where(TimelineEvent.member_id == view.member_id)
            )
        )
    assert status.status is EInvoiceStatus.DELIVERED and status.delivery_report == "AS4 receipt 42"
    assert {"einvoice_validated", "einvoice_submitted", "einvoice_delivered"} <= set(actions)


def test_cancelling_an_approved_contract_issues_a_credit_note_ubl_and_pdf(coop_env) -> None:  # type: ignore[no-untyped-def]
    view = approve()
    produce_documents(view.id)
    with UnitOfWork() as uow:
        contract_changes.cancel_declaration(uow, view.id, "anna", "The festival was cancelled")
    invoice = invoice_of(view.id)
    with UnitOfWork() as uow:
        [note] = uow.session.scalars(select(CreditNote)).all()
        uow.session.expunge(note)
    assert note.number == f"NC{YEAR}-0000001"
    assert (note.net_cents, note.vat_cents, note.total_cents) == (
        invoice.net_cents,
        invoice.vat_cents,
        invoice.total_cents,
    )
    counts = einvoices.issue()
    assert counts == {"credit note papers": 1, "ready": 2, "held": 0}
    root = ubl_of(note.number, coop_env)
    assert etree.QName(root).localname == "CreditNote"
    assert root.xpath(
        "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID/text()", namespaces=NS
    ) == [invoice.number]
    text = docx_text(invoicing.credit_note_key(view.id, note.number), coop_env)
    assert f"Note de crédit {note.number}" in text and str(invoice.number) in text
    assert "The festival was cancelled" in text


def test_the_client_receives_the_credit_note_by_mail_with_its_document(coop_env, mail_sink) -> None:  # type: ignore[no-untyped-def]
    view = approve()
    with UnitOfWork() as uow:
        contract_changes.cancel_declaration(uow, view.id, "anna", "Salle indisponible")
    einvoices.issue()
    deliver_pending(keys_prefix=f"mail:contract:{view.id}:credit-note:")
    [message] = mail_sink.parsed()
    assert (
        message["Subject"]
        == f"Note de crédit NC{YEAR}-0000001 — facture {invoice_of(view.id).number}"
    )
    assert message["To"] == "booking@nomade.example"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "968,00" in body and "Salle indisponible" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename().startswith("credit_note-")


def test_a_lower_amount_is_corrected_by_a_credit_note_for_the_difference() -> None:
    view = approve()
    with UnitOfWork() as uow:
        number = invoicing.correct_invoice_amount(
            uow, view.id, 50_000, "Two days became one", "anna"
        )
    with UnitOfWork() as uow:
        note = uow.session.scalar(select(CreditNote).where(CreditNote.number == number))
        assert note is not None and (note.net_cents, note.vat_cents) == (30_000, 6_300)
    with (
        UnitOfWork() as uow,
        pytest.raises(CreditTooLarge, match="declare the extra work"),
    ):
        invoicing.correct_invoice_amount(uow, view.id, 60_000, "more", "anna")
    assert einvoices.issue() == {"credit note papers": 1, "ready": 2, "held": 0}


def test_concurrent_approvals_take_distinct_consecutive_numbers() -> None:
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def take() -> None:
        try:
            start.wait()
            for _ in range(5):
                with UnitOfWork() as uow:
                    numbers.append(invoicing.next_number(uow.session, DocumentKind.INVOICE, 2031))
                    uow.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == [f"F2031-{n:07d}" for n in range(1, 21)]


def test_a_rolled_back_transaction_gives_its_number_back() -> None:
    with UnitOfWork() as uow:
        assert (
            invoicing.next_number(uow.session, DocumentKind.CREDIT_NOTE, 2032) == "NC2032-0000001"
        )
        uow.session.rollback()
    with UnitOfWork() as uow:
        assert (
            invoicing.next_number(uow.session, DocumentKind.CREDIT_NOTE, 2032) == "NC2032-0000001"
        )


@pytest.mark.pdf
def test_the_ubl_carries_the_pdf_visual_copy_when_libreoffice_made_one(
    coop_env, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from documents import pdf
    from governance.config import reset_settings

    if not pdf.available():
        pytest.skip("LibreOffice is not installed")
    monkeypatch.setenv("COOP_PDF_OUTPUT", "true")
    reset_settings()
    view = approve()
    produce_documents(view.id)
    assert einvoices.issue()["ready"] == 1
    number = str(invoice_of(view.id).number)
    root = ubl_of(number, coop_env)
    [embedded] = root.xpath(
        "cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject",
        namespaces=NS,
    )
    assert (
        embedded.get("mimeCode") == "application/pdf"
        and embedded.get("filename") == f"{number}.pdf"
    )
    import base64

    copy = base64.b64decode(str(embedded.text))
    assert copy.startswith(b"%PDF")
    with UnitOfWork() as uow:
        [status] = einvoicing.of_contract(uow.session, view.id)
    assert status.with_pdf


def test_credit_notes_of_an_invoice_add_up_to_it_exactly() -> None:
    view = approve(amount_excl_vat_cents=80_001)
    with UnitOfWork() as uow:
        invoicing.correct_invoice_amount(uow, view.id, 40_000, "one day less", "anna")
    with UnitOfWork() as uow:
        contract_changes.cancel_declaration(uow, view.id, "anna", "cancelled")
    invoice = invoice_of(view.id)
    with UnitOfWork() as uow:
        notes = uow.session.execute(select(CreditNote.net_cents, CreditNote.vat_cents, CreditNote.total_cents)).all()
    assert [sum(n[i] for n in notes) for i in range(3)] == [invoice.net_cents, invoice.vat_cents, invoice.total_cents]
    assert invoice.credited_cents == invoice.total_cents


def test_a_correction_credit_note_stays_valid_when_the_contract_is_cancelled_later() -> None:
    view = approve()
    with UnitOfWork() as uow:
        first = invoicing.correct_invoice_amount(uow, view.id, 50_000, "one day less", "anna")
    einvoices.issue()
    with UnitOfWork() as uow:
        contract_changes.cancel_declaration(uow, view.id, "anna", "cancelled")
    with UnitOfWork() as uow:
        voided = uow.session.scalar(
            select(Document.voided_at).where(Document.idempotency_key == invoicing.credit_note_key(view.id, first)))
    assert voided is None


def test_a_sent_number_is_never_replaced_and_a_changed_ubl_is_not_sent(coop_env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from documents.peppol import SendingRefused

    view = approve()
    einvoices.issue()
    number = str(invoice_of(view.id).number)
    sender = FolderSender(tmp_path / "outbox")
    sender.submit(number, b"<Invoice>first</Invoice>")  # a crash left another file under it
    assert einvoices.send(sender) == {"submitted": 0, "delivered": 0, "rejected": 0, "refused": 1}
    with pytest.raises(SendingRefused, match="never replaced"):
        sender.submit(number, b"<Invoice>other</Invoice>")
    with pytest.raises(SendingRefused, match="not a document number"):
        sender.submit("../../etc/passwd", b"x")
    # the archived UBL edited after validation: refused, not sent
    other = FolderSender(tmp_path / "outbox2")
    with UnitOfWork() as uow:
        [row] = einvoicing.by_status(uow.session, EInvoiceStatus.READY)
    (coop_env.settings.resolved_archive_dir() / str(row.path)).write_bytes(b"<Invoice>edited</Invoice>")
    assert einvoices.send(other)["refused"] == 1 and not (tmp_path / "outbox2").exists()
