"""The three documents of an approved contract, built from its paperwork facts.

Client agreement and invoice in the client's language; employment contract in the office's
language (the Belgian language rule, decided in governance.domain.offices)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from documents import formatting, labels
from documents.contexts import Addressee, Coop
from documents.contexts.contracts import (
    ClientAgreement,
    EmploymentContract,
    InvoiceDocument,
    InvoiceLine,
    Job,
)
from documents.produce import DocumentRequest
from governance.domain.contracts import DEFAULT_SETTINGS, VatRegime
from governance.services.contract_paperwork import Paperwork, Party

VAT_MENTION: dict[VatRegime, dict[str, str]] = {
    VatRegime.REVERSE_CHARGE: {
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
VAT_LABEL = {
    VatRegime.STANDARD: "21%",
    VatRegime.REDUCED: "6%",
    VatRegime.REVERSE_CHARGE: "0% (reverse charge)",
    VatRegime.EXEMPT: "0% (exempt)",
}


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


def _job(p: Paperwork) -> Job:
    place = ", ".join(x for x in (p.work_city, p.work_country) if x)
    return Job(
        reference=f"C-{p.declaration_id:06d}",
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
        vat_mention=VAT_MENTION.get(a.vat_regime, {}).get(client_lang, ""),
        payment_term_days=p.payment_term_days,
    )
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
        fee_rate=percent(DEFAULT_SETTINGS.fee_bp, work_lang),
        budget_cents=a.budget_cents,
        gross_cents=a.gross_salary_cents,
        a1_required=p.work_country != "BE",
        dimona_in_by=p.dimona_in_by,
        hours_per_day=DEFAULT_SETTINGS.hours_per_day,
        weekly_hours_full_time=DEFAULT_SETTINGS.weekly_hours_full_time,
        joint_committee=DEFAULT_SETTINGS.joint_committee,
        joint_committee_name=labels.JOINT_COMMITTEES.get(DEFAULT_SETTINGS.joint_committee, {}).get(
            work_lang, ""
        ),
    )
    invoice = InvoiceDocument(
        language=client_lang,
        coop=coop,
        today=today,
        client=_addressee(p.client),
        client_vat_number=p.client_vat_number,
        invoice_number=p.invoice_number,
        issued_on=p.issued_on,
        due_on=p.due_on,
        job=job,
        lines=[InvoiceLine(label=f"{p.function} ({len(p.work_days)})", amount_cents=a.net_cents)],
        net_cents=a.net_cents,
        vat_label=VAT_LABEL[a.vat_regime],
        vat_rate=percent(a.vat_rate_bp, client_lang),
        vat_cents=a.vat_cents,
        total_cents=a.total_cents,
        fee_cents=a.fee_cents,
        fee_rate=percent(DEFAULT_SETTINGS.fee_bp, client_lang),
        vat_mention=VAT_MENTION.get(a.vat_regime, {}).get(client_lang, ""),
        structured_communication=p.structured_communication,
        payment_term_days=p.payment_term_days,
    )
    subject = str(p.declaration_id)
    return [
        DocumentRequest(key, name, language, context, "contract", subject, p.member_id)
        for key, name, language, context in (
            (p.keys["client_agreement"], "client_agreement", p.client.language, agreement),
            (p.keys["employment_contract"], "employment_contract", p.employment_language, contract),
            (p.keys["invoice"], "invoice", p.client.language, invoice),
        )
    ]
