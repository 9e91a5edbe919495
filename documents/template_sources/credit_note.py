"""The credit note: which invoice it credits, why, and the credited figures per VAT rate."""

from datetime import date

from documents.authoring import Block, TemplateSource
from documents.contexts.invoices import CreditNoteDocument
from documents.staff_text import as_typed
from documents.template_sources.invoice import COMMON, body, head, sample_values


def sample(language: str) -> CreditNoteDocument:
    values = {**sample_values(language), "invoice_number": "NC2026-0000007"}
    return CreditNoteDocument(
        **values,
        credited_invoice="F2026-0000042",
        credited_invoice_date=date(2026, 11, 2),
        # typed by staff (in French here): printed as typed, its language named elsewhere
        reason=as_typed("Contrat annulé avant le premier jour de travail", "fr", language),
    )


def _blocks(t: dict[str, str]) -> list[Block]:
    return [
        *head(t),
        Block("title", t["title"] + " {{ invoice_number }}"),
        Block("p", t["dates"]),
        Block("p", t["credits"]),
        Block("p", "{{ reason }}"),
        *body(t),
        Block("p", "{% if peppol_copy %}" + t["copy"] + "{% endif %}"),
        Block("p", t["settle"]),
    ]


TEXTS = {
    "fr": {
        "title": "Note de crédit",
        "dates": "Date : {{ issued_on|date }}",
        "credits": "Crédite la facture {{ credited_invoice }} du {{ credited_invoice_date|date }}.",
        "total": "Total crédité",
        "copy": "Copie visuelle : la note de crédit légale est la note électronique Peppol "
        "n° {{ invoice_number }}.",
        "settle": "Ce montant est déduit de la facture ; s'il a déjà été payé, il vous est "
        "remboursé.",
    },
    "nl": {
        "title": "Creditnota",
        "dates": "Datum: {{ issued_on|date }}",
        "credits": "Crediteert factuur {{ credited_invoice }} van {{ credited_invoice_date|date }}.",
        "total": "Totaal gecrediteerd",
        "copy": "Visuele kopie: de wettelijke creditnota is de elektronische Peppol-creditnota "
        "nr. {{ invoice_number }}.",
        "settle": "Dit bedrag wordt van de factuur afgetrokken; werd het al betaald, dan wordt "
        "het u terugbetaald.",
    },
    "de": {
        "title": "Gutschrift",
        "dates": "Datum: {{ issued_on|date }}",
        "credits": "Gutschrift zur Rechnung {{ credited_invoice }} vom "
        "{{ credited_invoice_date|date }}.",
        "total": "Gutgeschrieben",
        "copy": "Visuelle Kopie: die rechtsgültige Gutschrift ist die elektronische "
        "Peppol-Gutschrift Nr. {{ invoice_number }}.",
        "settle": "Dieser Betrag wird von der Rechnung abgezogen; wurde er bereits bezahlt, "
        "wird er Ihnen erstattet.",
    },
    "en": {
        "title": "Credit note",
        "dates": "Date: {{ issued_on|date }}",
        "credits": "Credits invoice {{ credited_invoice }} of {{ credited_invoice_date|date }}.",
        "total": "Total credited",
        "copy": "Visual copy: the legal credit note is the Peppol e-credit note "
        "no. {{ invoice_number }}.",
        "settle": "This amount is deducted from the invoice; if it was paid already, it is "
        "refunded to you.",
    },
}

SOURCE = TemplateSource(
    name="credit_note",
    blocks={lang: _blocks({**COMMON[lang], **TEXTS[lang]}) for lang in TEXTS},
    sample=sample,
    key_text={
        "fr": "Note de crédit NC2026-0000007",
        "nl": "Creditnota NC2026-0000007",
        "de": "Gutschrift NC2026-0000007",
        "en": "Credit note NC2026-0000007",
    },
)
