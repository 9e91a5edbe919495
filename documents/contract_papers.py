"""The three documents of an approved contract, built from its paperwork facts.

Client agreement and invoice in the client's language; employment contract in the office's
language (the Belgian language rule, decided in governance.contracts.rules.offices)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from documents import formatting, labels
from documents.contexts import Addressee, Coop
from documents.contexts.contracts import ClientAgreement, EmploymentContract, Job
from documents.contexts.invoices import CreditNoteDocument, InvoiceDocument, InvoiceLine, VatRow
from documents.produce import DocumentRequest
from documents.staff_text import as_typed
from governance.config import get_settings
from governance.contracts.rules.contracts import ContractDeclaration, VatRegime
from governance.contracts.rules.einvoice import (
    DocumentKind,
    InvoiceFacts,
    VatCategory,
    VatTreatment,
)
from governance.contracts.rules.paperwork import Paperwork, Party, job_reference
from governance.statutes import get_statutes

VAT_MENTION: dict[VatTreatment | VatRegime, dict[str, str]] = {
    VatTreatment.REVERSE_CHARGE_EU: {
        "fr": "Autoliquidation : TVA due par le preneur (art. 21, § 2 CTVA ; art. 44 et 196 de "
        "la directive 2006/112/CE).",
        "nl": "Verlegging van heffing: btw verschuldigd door de afnemer (art. 21, § 2 WBTW; "
        "art. 44 en 196 van Richtlijn 2006/112/EG).",
        "de": "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge): Art. 21 § 2 "
        "MwStGB; Art. 44 und 196 der Richtlinie 2006/112/EG.",
        "en": "Reverse charge: VAT due by the customer (art. 21 § 2 Belgian VAT Code; "
        "art. 44 and 196 of Directive 2006/112/EC).",
    },
    VatTreatment.REVERSE_CHARGE_BE: {
        "fr": "Autoliquidation : TVA due par le cocontractant (art. 51, § 2 CTVA).",
        "nl": "Verlegging van heffing: btw verschuldigd door de medecontractant (art. 51, § 2 WBTW).",
        "de": "Umkehr der Steuerschuldnerschaft: MwSt. schuldet der Vertragspartner (Art. 51 § 2 MwStGB).",
        "en": "Reverse charge: VAT due by the customer (art. 51 § 2 Belgian VAT Code).",
    },
    VatRegime.EXEMPT: {
        "fr": "Exonération de TVA (art. 44 CTVA).",
        "nl": "Vrijgesteld van btw (art. 44 WBTW).",
        "de": "Von der MwSt. befreit (Art. 44 MwStGB).",
        "en": "Exempt from VAT (art. 44 Belgian VAT Code).",
    },
}
# The unit of a line (UN/ECE rec. 20 code) in words, singular and plural (CLDR picks).
UNIT = {
    "DAY": {
        "fr": ("jour", "jours"),
        "nl": ("dag", "dagen"),
        "de": ("Tag", "Tage"),
        "en": ("day", "days"),
    },
    "C62": {
        "fr": ("prestation", "prestations"),
        "nl": ("prestatie", "prestaties"),
        "de": ("Leistung", "Leistungen"),
        "en": ("service", "services"),
    },
}


def unit_label(code: str, quantity: int, language: str) -> str:
    forms = UNIT.get(code, {}).get(language)
    if forms is None:
        return code
    return formatting.plural(quantity, {"one": forms[0], "other": forms[1]}, language)


@lru_cache(maxsize=64)
def percent(bp: int, language: str) -> str:
    return formatting.number(Decimal(bp) / 100, language) + "\xa0%"


def _addressee(party: Party) -> Addressee:
    return Addressee(
        name=party.name,
        street=party.street,
        postcode=party.postcode,
        city=party.city,
        country=party.country,
    )


def job_for(declaration_id: int, d: ContractDeclaration) -> Job:
    """The work as the three documents (and a credit note) describe it."""
    place = ", ".join(x for x in (d.work_city, d.work_country) if x)
    return Job(
        reference=job_reference(declaration_id),
        function=d.function,
        description=d.description,
        risks=d.risks,
        days=list(d.work_days),
        days_count=len(d.work_days),
        first_day=d.work_days[0],
        last_day=d.work_days[-1],
        place=place,
    )


def _job(p: Paperwork) -> Job:
    place = ", ".join(x for x in (p.work_city, p.work_country) if x)
    return Job(
        reference=job_reference(p.declaration_id),
        function=p.function,
        description=p.description,
        risks=p.risks,
        days=list(p.work_days),
        days_count=len(p.work_days),
        first_day=p.work_days[0],
        last_day=p.work_days[-1],
        place=place,
        city=p.work_city,
        country=p.work_country or "BE",
    )


def vat_mention(facts: InvoiceFacts, language: str) -> str:
    """The VAT scheme's mention in the client's language ("" for plain Belgian VAT)."""
    regime = {c.category for c in facts.subtotals}
    key: VatTreatment | VatRegime = facts.form.treatment
    if key is VatTreatment.BELGIAN_VAT and VatCategory.EXEMPT in regime:
        key = VatRegime.EXEMPT
    return VAT_MENTION.get(key, {}).get(language, "")


def invoice_document(
    f: InvoiceFacts, coop: Coop, today: date, job: Job
) -> InvoiceDocument | CreditNoteDocument:
    """The visual invoice (or credit note) of the facts the UBL is made from."""
    lang = f.language
    values = {
        "language": lang,
        "coop": coop,
        "today": today,
        "client": Addressee(
            name=f.buyer.name,
            street=f.buyer.street,
            postcode=f.buyer.postcode,
            city=f.buyer.city,
            country=f.buyer.country,
        ),
        "client_vat_number": f.buyer.vat_number,
        "client_enterprise_number": f.buyer.enterprise_number,
        "seller_vat_number": f.seller.vat_number,
        "invoice_number": f.number,
        "issued_on": f.issue_date,
        "due_on": f.due_date,
        "period_start": f.period_start,
        "period_end": f.period_end,
        "job": job,
        "lines": [
            InvoiceLine(
                label=line.name,
                quantity=str(line.quantity),
                unit=unit_label(line.unit_code, line.quantity, lang),
                unit_price_cents=line.unit_price_cents,
                vat_rate=percent(line.vat_rate_bp, lang),
                amount_cents=line.net_cents,
            )
            for line in f.lines
        ],
        "vat_rows": [
            VatRow(
                rate=percent(s.rate_bp, lang), taxable_cents=s.taxable_cents, vat_cents=s.vat_cents
            )
            for s in f.subtotals
        ],
        "net_cents": f.net_cents,
        "vat_cents": f.vat_cents,
        "total_cents": f.total_cents,
        "fee_cents": f.fee_cents,
        "fee_rate": percent(get_statutes().contracts.fee_bp, lang),
        "vat_mention": vat_mention(f, lang),
        "structured_communication": f.payment.structured_communication,
        "payment_term_days": (f.due_date - f.issue_date).days,
        "peppol_copy": f.form.structured,
    }
    if f.kind is DocumentKind.CREDIT_NOTE:
        return CreditNoteDocument(
            **values,
            credited_invoice=f.billing_reference,
            credited_invoice_date=f.billing_reference_date or f.issue_date,
            reason=as_typed(" ".join(f.notes[-1:]), get_settings().staff_language, lang),
        )
    return InvoiceDocument(**values)


def requests_for(p: Paperwork, coop: Coop, today: date) -> list[DocumentRequest]:
    """Client agreement, employment contract and invoice for one approved contract."""
    a = p.amounts
    job = _job(p)
    client_lang = p.client.language.value
    work_lang = p.employment_language.value
    agreement = ClientAgreement(
        language=client_lang,
        coop=coop,
        today=today,
        client=_addressee(p.client),
        client_enterprise_number=p.client_enterprise_number,
        member_name=p.member.name,
        job=job,
        net_cents=a.net_cents,
        vat_label=percent(a.vat_rate_bp, client_lang),
        vat_cents=a.vat_cents,
        total_cents=a.total_cents,
        vat_mention=vat_mention(p.invoice, client_lang),
        payment_term_days=p.payment_term_days,
    )
    terms = get_statutes().contracts  # the contract thresholds in force (statutes file)
    contract = EmploymentContract(
        language=work_lang,
        coop=coop,
        today=today,
        member=_addressee(p.member),
        member_number=p.member_number,
        office=labels.office(p.office, work_lang),
        client_name=p.client.name,
        job=job,
        net_cents=a.net_cents,
        fee_cents=a.fee_cents,
        fee_rate=percent(terms.fee_bp, work_lang),
        budget_cents=a.budget_cents,
        gross_cents=a.gross_salary_cents,
        a1_required=p.work_country != "BE",
        dimona_in_by=p.dimona_in_by,
        hours_per_day=terms.hours_per_day,
        weekly_hours_full_time=terms.weekly_hours_full_time,
        joint_committee=terms.joint_committee,
        joint_committee_name=labels.JOINT_COMMITTEES.get(terms.joint_committee, {}).get(
            work_lang, ""
        ),
    )
    invoice = invoice_document(p.invoice, coop, today, job)
    subject = str(p.declaration_id)
    return [
        DocumentRequest(key, name, language, context, "contract", subject, p.member_id)
        for key, name, language, context in (
            (p.keys["client_agreement"], "client_agreement", p.client.language, agreement),
            (p.keys["employment_contract"], "employment_contract", p.employment_language, contract),
            (p.keys["invoice"], "invoice", p.client.language, invoice),
        )
    ]
