"""The invoice to the client: VAT lines, the fee, payment terms and a structured communication."""

from documents.authoring import Block, TemplateSource
from documents.contexts.contracts import InvoiceDocument, InvoiceLine
from documents.template_sources.client_agreement import (
    SAMPLE_TODAY,
    sample_client,
    sample_coop,
    sample_job,
)


def sample(language: str) -> InvoiceDocument:
    job = sample_job()
    return InvoiceDocument(
        language=language,
        coop=sample_coop(),
        today=SAMPLE_TODAY,
        client=sample_client(),
        client_vat_number="BE0403019261",
        invoice_number="F2026-0000042",
        issued_on=SAMPLE_TODAY,
        due_on=SAMPLE_TODAY,
        job=job,
        lines=[InvoiceLine(label=job.function + " — " + job.description, amount_cents=150000)],
        net_cents=150000,
        vat_label="21%",
        vat_rate="21 %",
        vat_cents=31500,
        total_cents=181500,
        fee_cents=9750,
        fee_rate="6,5 %",
        vat_mention="",
        payment_term_days=30,
        structured_communication="+++200/0000/04213+++",
    )


def _blocks(t: dict[str, str]) -> list[Block]:
    return [
        Block("p", "{{ client.name }}"),
        Block(
            "p",
            "{{ client.street }}, {{ client.postcode }} {{ client.city }} ({{ client.country }})",
        ),
        Block(
            "p", "{% if client_vat_number %}" + t["vatno"] + " {{ client_vat_number }}{% endif %}"
        ),
        Block("title", t["title"] + " {{ invoice_number }}"),
        Block("p", t["dates"]),
        Block("p", t["ref"] + " {{ job.reference }} — {{ job.place }}"),
        Block(
            "table",
            headers=(t["desc"], t["amount"]),
            loop="line in lines",
            cells=("{{ line.label }}", "{{ line.amount_cents|money }}"),
        ),
        Block("p", t["net"] + ": {{ net_cents|money }}"),
        Block("p", t["vat"] + " {{ vat_rate }}: {{ vat_cents|money }}"),
        Block("p", t["total"] + ": {{ total_cents|money }}"),
        Block("p", "{{ vat_mention }}"),
        Block("p", t["fee"]),
        Block("heading", t["pay_h"]),
        Block("p", t["pay"]),
        Block("p", "{{ structured_communication }}"),
    ]


SOURCE = TemplateSource(
    name="invoice",
    blocks={
        "fr": _blocks(
            {
                "vatno": "N° TVA :",
                "title": "Facture",
                "dates": "Date : {{ issued_on|date }} — échéance : {{ due_on|date }}",
                "ref": "Prestation",
                "desc": "Description",
                "amount": "Montant HTVA",
                "net": "Total HTVA",
                "vat": "TVA",
                "total": "Total à payer",
                "fee": "Dont frais de fonctionnement de la coopérative ({{ fee_rate }}) : {{ fee_cents|money }}.",
                "pay_h": "Paiement",
                "pay": "Merci de payer {{ total_cents|money }} dans les {{ payment_term_days }} jours sur "
                "le compte {{ coop.iban }} (BIC {{ coop.bic }}) avec la communication structurée :",
            }
        ),
        "nl": _blocks(
            {
                "vatno": "Btw-nr.:",
                "title": "Factuur",
                "dates": "Datum: {{ issued_on|date }} — vervaldag: {{ due_on|date }}",
                "ref": "Opdracht",
                "desc": "Omschrijving",
                "amount": "Bedrag excl. btw",
                "net": "Totaal excl. btw",
                "vat": "Btw",
                "total": "Te betalen",
                "fee": "Waarvan werkingskosten van de coöperatie ({{ fee_rate }}): {{ fee_cents|money }}.",
                "pay_h": "Betaling",
                "pay": "Gelieve {{ total_cents|money }} binnen {{ payment_term_days }} dagen te betalen "
                "op rekening {{ coop.iban }} (BIC {{ coop.bic }}) met de gestructureerde mededeling:",
            }
        ),
        "de": _blocks(
            {
                "vatno": "MwSt.-Nr.:",
                "title": "Rechnung",
                "dates": "Datum: {{ issued_on|date }} — fällig am: {{ due_on|date }}",
                "ref": "Auftrag",
                "desc": "Beschreibung",
                "amount": "Betrag ohne MwSt.",
                "net": "Summe ohne MwSt.",
                "vat": "MwSt.",
                "total": "Zu zahlen",
                "fee": "Davon Betriebskosten der Genossenschaft ({{ fee_rate }}): {{ fee_cents|money }}.",
                "pay_h": "Zahlung",
                "pay": "Bitte zahlen Sie {{ total_cents|money }} innerhalb von {{ payment_term_days }} "
                "Tagen auf das Konto {{ coop.iban }} (BIC {{ coop.bic }}) mit der strukturierten "
                "Mitteilung:",
            }
        ),
        "en": _blocks(
            {
                "vatno": "VAT no.:",
                "title": "Invoice",
                "dates": "Date: {{ issued_on|date }} — due: {{ due_on|date }}",
                "ref": "Job",
                "desc": "Description",
                "amount": "Amount excl. VAT",
                "net": "Total excl. VAT",
                "vat": "VAT",
                "total": "Amount due",
                "fee": "Of which the cooperative's operating fee ({{ fee_rate }}): {{ fee_cents|money }}.",
                "pay_h": "Payment",
                "pay": "Please pay {{ total_cents|money }} within {{ payment_term_days }} days to account "
                "{{ coop.iban }} (BIC {{ coop.bic }}) quoting the structured communication:",
            }
        ),
    },
    sample=sample,
    key_text={
        "fr": "Facture F2026-0000042",
        "nl": "Factuur F2026-0000042",
        "de": "Rechnung F2026-0000042",
        "en": "Invoice F2026-0000042",
    },
)
