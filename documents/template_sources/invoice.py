"""The invoice to the client: every mandatory mention, VAT per rate, payment with a structured
communication. Its figures are the invoice facts the Peppol UBL is made from; for a business
on Peppol this document is the visual copy and says so. The credit note shares these blocks."""

from documents.authoring import Block, TemplateSource
from documents.contexts.contracts import PLACE
from documents.contexts.invoices import InvoiceDocument, InvoiceLine, VatRow
from documents.template_sources.client_agreement import (
    SAMPLE_TODAY,
    sample_client,
    sample_coop,
    sample_job,
)


def sample_values(language: str) -> dict[str, object]:
    job = sample_job()
    return {
        "language": language,
        "coop": sample_coop(),
        "today": SAMPLE_TODAY,
        "client": sample_client(),
        "client_vat_number": "BE0403019261",
        "client_enterprise_number": "0403019261",
        "seller_vat_number": "BE0896755397",
        "invoice_number": "F2026-0000042",
        "issued_on": SAMPLE_TODAY,
        "due_on": SAMPLE_TODAY,
        "period_start": job.first_day,
        "period_end": job.last_day,
        "job": job,
        "lines": [
            InvoiceLine(
                label=job.function + " — " + job.description,
                quantity="2",
                unit={"fr": "jours", "nl": "dagen", "de": "Tage", "en": "days"}[language],
                unit_price_cents=75000,
                vat_rate="21 %",
                amount_cents=150000,
            )
        ],
        "vat_rows": [VatRow(rate="21 %", taxable_cents=150000, vat_cents=31500)],
        "net_cents": 150000,
        "vat_cents": 31500,
        "total_cents": 181500,
        "fee_cents": 9750,
        "fee_rate": "6,5 %",
        "vat_mention": "",
        "payment_term_days": 30,
        "structured_communication": "+++200/0000/04213+++",
        "peppol_copy": True,
    }


def sample(language: str) -> InvoiceDocument:
    return InvoiceDocument(**sample_values(language))


def head(t: dict[str, str]) -> list[Block]:
    """Who invoices whom, with their VAT and enterprise numbers."""
    return [
        Block("p", t["seller"] + " {{ seller_vat_number|vat }}"),
        Block("p", "{{ client.name }}"),
        Block(
            "p",
            "{{ client.street }}, {{ client.postcode }} {{ client.city }}"
            "{% if client.country|upper != 'BE' %} ({{ client.country|country }}){% endif %}",
        ),
        Block(
            "p",
            "{% if client_vat_number %}" + t["vatno"] + " {{ client_vat_number|vat }}{% endif %}",
        ),
        Block(
            "p",
            "{% if client_enterprise_number %}"
            + t["entno"]
            + " {{ client_enterprise_number|enterprise }}{% endif %}",
        ),
    ]


def body(t: dict[str, str]) -> list[Block]:
    """Period, lines, VAT per rate, totals and the VAT scheme's mention."""
    return [
        Block("p", t["period"] + " {{ period_start|date }} — {{ period_end|date }}"),
        Block("p", t["ref"] + " {{ job.reference }} — " + PLACE),
        Block(
            "table",
            headers=(t["desc"], t["qty"], t["price"], t["vat"], t["amount"]),
            loop="line in lines",
            cells=(
                "{{ line.label }}",
                "{{ line.quantity }} {{ line.unit }}",
                "{{ line.unit_price_cents|money }}",
                "{{ line.vat_rate }}",
                "{{ line.amount_cents|money }}",
            ),
        ),
        Block(
            "table",
            headers=(t["vat"], t["base"], t["vat_amount"]),
            loop="row in vat_rows",
            cells=("{{ row.rate }}", "{{ row.taxable_cents|money }}", "{{ row.vat_cents|money }}"),
        ),
        Block("p", t["net"] + t["colon"] + "{{ net_cents|money }}"),
        Block("p", t["vat_total"] + t["colon"] + "{{ vat_cents|money }}"),
        Block("p", t["total"] + t["colon"] + "{{ total_cents|money }}"),
        Block("p", "{{ vat_mention }}"),
        Block("p", t["fee"]),
    ]


def _blocks(t: dict[str, str]) -> list[Block]:
    return [
        *head(t),
        Block("title", t["title"] + " {{ invoice_number }}"),
        Block("p", t["dates"]),
        *body(t),
        Block("p", "{% if peppol_copy %}" + t["copy"] + "{% endif %}"),
        Block("heading", t["pay_h"]),
        Block("p", t["pay"]),
        Block("p", "{{ structured_communication }}"),
    ]


COMMON = {
    "fr": {
        "seller": "N° TVA du prestataire :",
        "vatno": "N° TVA du client :",
        "entno": "N° d'entreprise du client :",
        "period": "Période de la prestation :",
        "ref": "Prestation",
        "desc": "Description",
        "qty": "Quantité",
        "price": "Prix unitaire HTVA",
        "vat": "TVA",
        "amount": "Montant HTVA",
        "base": "Base imposable",
        "vat_amount": "Montant TVA",
        "net": "Total HTVA",
        "colon": "\u00a0: ",
        "vat_total": "Total TVA",
        "fee": "Dont frais de fonctionnement de la coopérative ({{ fee_rate }}) : {{ fee_cents|money }}.",
    },
    "nl": {
        "seller": "Btw-nr. dienstverrichter:",
        "vatno": "Btw-nr. klant:",
        "entno": "Ondernemingsnr. klant:",
        "period": "Periode van de dienst:",
        "ref": "Opdracht",
        "desc": "Omschrijving",
        "qty": "Aantal",
        "price": "Eenheidsprijs excl. btw",
        "vat": "Btw",
        "amount": "Bedrag excl. btw",
        "base": "Maatstaf van heffing",
        "vat_amount": "Btw-bedrag",
        "net": "Totaal excl. btw",
        "colon": ": ",
        "vat_total": "Totaal btw",
        "fee": "Waarvan werkingskosten van de coöperatie ({{ fee_rate }}): {{ fee_cents|money }}.",
    },
    "de": {
        "seller": "MwSt.-Nr. des Leistenden:",
        "vatno": "MwSt.-Nr. des Kunden:",
        "entno": "Unternehmensnr. des Kunden:",
        "period": "Leistungszeitraum:",
        "ref": "Auftrag",
        "desc": "Beschreibung",
        "qty": "Menge",
        "price": "Einzelpreis ohne MwSt.",
        "vat": "MwSt.",
        "amount": "Betrag ohne MwSt.",
        "base": "Bemessungsgrundlage",
        "vat_amount": "MwSt.-Betrag",
        "net": "Summe ohne MwSt.",
        "colon": ": ",
        "vat_total": "Summe MwSt.",
        "fee": "Davon Betriebskosten der Genossenschaft ({{ fee_rate }}): {{ fee_cents|money }}.",
    },
    "en": {
        "seller": "Supplier's VAT no.:",
        "vatno": "Customer's VAT no.:",
        "entno": "Customer's enterprise no.:",
        "period": "Service period:",
        "ref": "Job",
        "desc": "Description",
        "qty": "Quantity",
        "price": "Unit price excl. VAT",
        "vat": "VAT",
        "amount": "Amount excl. VAT",
        "base": "Taxable amount",
        "vat_amount": "VAT amount",
        "net": "Total excl. VAT",
        "colon": ": ",
        "vat_total": "Total VAT",
        "fee": "Of which the cooperative's operating fee ({{ fee_rate }}): {{ fee_cents|money }}.",
    },
}

TEXTS = {
    "fr": {
        "title": "Facture",
        "dates": "Date : {{ issued_on|date }} — échéance : {{ due_on|date }}",
        "total": "Total à payer",
        "copy": "Copie visuelle : la facture légale est la facture électronique Peppol "
        "n° {{ invoice_number }}.",
        "pay_h": "Paiement",
        "pay": "Merci de payer {{ total_cents|money }} dans les {{ payment_term_days }} jours sur "
        "le compte {{ coop.iban|iban }} (BIC {{ coop.bic }}) avec la communication structurée :",
    },
    "nl": {
        "title": "Factuur",
        "dates": "Datum: {{ issued_on|date }} — vervaldag: {{ due_on|date }}",
        "total": "Te betalen",
        "copy": "Visuele kopie: de wettelijke factuur is de elektronische Peppol-factuur "
        "nr. {{ invoice_number }}.",
        "pay_h": "Betaling",
        "pay": "Gelieve {{ total_cents|money }} binnen {{ payment_term_days }} dagen te betalen "
        "op rekening {{ coop.iban|iban }} (BIC {{ coop.bic }}) met de gestructureerde mededeling:",
    },
    "de": {
        "title": "Rechnung",
        "dates": "Datum: {{ issued_on|date }} — fällig am: {{ due_on|date }}",
        "total": "Zu zahlen",
        "copy": "Visuelle Kopie: die rechtsgültige Rechnung ist die elektronische "
        "Peppol-Rechnung Nr. {{ invoice_number }}.",
        "pay_h": "Zahlung",
        "pay": "Bitte zahlen Sie {{ total_cents|money }} innerhalb von {{ payment_term_days }} "
        "Tagen auf das Konto {{ coop.iban|iban }} (BIC {{ coop.bic }}) mit der strukturierten "
        "Mitteilung:",
    },
    "en": {
        "title": "Invoice",
        "dates": "Date: {{ issued_on|date }} — due: {{ due_on|date }}",
        "total": "Amount due",
        "copy": "Visual copy: the legal invoice is the Peppol e-invoice no. {{ invoice_number }}.",
        "pay_h": "Payment",
        "pay": "Please pay {{ total_cents|money }} within {{ payment_term_days }} days to account "
        "{{ coop.iban|iban }} (BIC {{ coop.bic }}) quoting the structured communication:",
    },
}

SOURCE = TemplateSource(
    name="invoice",
    blocks={lang: _blocks({**COMMON[lang], **TEXTS[lang]}) for lang in TEXTS},
    sample=sample,
    key_text={
        "fr": "Facture F2026-0000042",
        "nl": "Factuur F2026-0000042",
        "de": "Rechnung F2026-0000042",
        "en": "Invoice F2026-0000042",
    },
)
