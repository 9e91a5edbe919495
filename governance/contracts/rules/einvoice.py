"""Client invoices as Belgian law wants them: which form each client gets, and the invoice facts.

Pure: facts in, decisions out. The form rule follows the law of 6 February 2024 (structured
e-invoices between Belgian VAT-registered businesses from 1 January 2026) and the place-of-supply
rule for services (Belgian VAT code art. 21 § 2; Directive 2006/112/EC art. 44 and 196): a
business customer in another EU country self-assesses the VAT (reverse charge, category AE).

`InvoiceFacts` is the one source every rendering reads: the UBL (governance.contracts.rules.ubl) and the
visual PDF/.docx (documents.contract_papers). Amounts come from `contracts.invoice_amounts`, never
computed a second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from stdnum.eu import vat as eu_vat

from governance.contracts.rules import contracts as rules
from governance.contracts.rules.contract_amounts import euros, invoice_amounts
from governance.contracts.rules.contracts import ClientKind, VatRegime
from governance.kernel.rules.errors import RuleViolation

EU_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
# VAT numbers of Greece start with EL, not the ISO code GR.
VAT_PREFIX = {"GR": "EL"}


class InvoiceForm(StrEnum):
    UBL_WITH_PDF_COPY = "ubl_with_pdf_copy"  # Peppol BIS 3.0 UBL is the invoice; the PDF a copy
    PDF = "pdf"  # the PDF is the invoice


class VatTreatment(StrEnum):
    BELGIAN_VAT = "belgian_vat"  # Belgian VAT charged (or exempt) as declared
    REVERSE_CHARGE_EU = "reverse_charge_eu"  # art. 196 Directive: the EU customer self-assesses
    REVERSE_CHARGE_BE = "reverse_charge_be"  # Belgian co-contractor scheme (art. 51 § 2 CTVA)


class FormReason(StrEnum):
    BELGIAN_BUSINESS = "belgian_business"
    EU_BUSINESS_ON_PEPPOL = "eu_business_on_peppol"
    EU_BUSINESS_NOT_ON_PEPPOL = "eu_business_not_on_peppol"
    PRIVATE_PERSON = "private_person"
    NOT_VAT_REGISTERED = "not_vat_registered"
    OUTSIDE_EU = "outside_eu"


@dataclass(frozen=True)
class InvoiceClient:
    """What the form rule needs to know about a client."""

    kind: ClientKind
    country: str
    vat_number: str | None
    peppol_participant: bool = False


@dataclass(frozen=True)
class FormDecision:
    form: InvoiceForm
    treatment: VatTreatment
    reason: FormReason

    @property
    def structured(self) -> bool:
        return self.form is InvoiceForm.UBL_WITH_PDF_COPY


def _has_eu_vat_number(client: InvoiceClient) -> bool:
    if not client.vat_number:
        return False
    prefix = VAT_PREFIX.get(client.country, client.country)
    compact = "".join(client.vat_number.split()).upper()
    return compact.startswith(prefix) and bool(eu_vat.is_valid(compact))


def invoice_form(client: InvoiceClient, regime: VatRegime) -> FormDecision:
    """Belgian VAT-registered business: UBL + PDF copy; EU business with a VAT number: UBL when it
    receives Peppol, else PDF, reverse charge either way; private person, non-VAT-registered body
    or non-EU client: PDF."""
    business = client.kind is ClientKind.COMPANY and _has_eu_vat_number(client)
    if client.kind is ClientKind.PERSON:
        return FormDecision(InvoiceForm.PDF, VatTreatment.BELGIAN_VAT, FormReason.PRIVATE_PERSON)
    if client.country not in EU_COUNTRIES:
        return FormDecision(InvoiceForm.PDF, VatTreatment.BELGIAN_VAT, FormReason.OUTSIDE_EU)
    if not business:
        return FormDecision(
            InvoiceForm.PDF, VatTreatment.BELGIAN_VAT, FormReason.NOT_VAT_REGISTERED
        )
    if client.country == "BE":
        treatment = (
            VatTreatment.REVERSE_CHARGE_BE
            if regime is VatRegime.REVERSE_CHARGE
            else VatTreatment.BELGIAN_VAT
        )
        return FormDecision(InvoiceForm.UBL_WITH_PDF_COPY, treatment, FormReason.BELGIAN_BUSINESS)
    if client.peppol_participant:
        return FormDecision(
            InvoiceForm.UBL_WITH_PDF_COPY,
            VatTreatment.REVERSE_CHARGE_EU,
            FormReason.EU_BUSINESS_ON_PEPPOL,
        )
    return FormDecision(
        InvoiceForm.PDF, VatTreatment.REVERSE_CHARGE_EU, FormReason.EU_BUSINESS_NOT_ON_PEPPOL
    )


def regime_for(treatment: VatTreatment, declared: VatRegime) -> VatRegime:
    """An EU business customer is always invoiced under reverse charge, whatever was declared."""
    return VatRegime.REVERSE_CHARGE if treatment is VatTreatment.REVERSE_CHARGE_EU else declared


# --------------------------------------------------------------------------- the invoice facts


class DocumentKind(StrEnum):
    INVOICE = "invoice"  # UNTDID 1001 code 380
    CREDIT_NOTE = "credit_note"  # UNTDID 1001 code 381


TYPE_CODE = {DocumentKind.INVOICE: "380", DocumentKind.CREDIT_NOTE: "381"}


class VatCategory(StrEnum):
    """UNCL5305 codes used by the cooperative."""

    STANDARD = "S"
    REVERSE_CHARGE = "AE"
    EXEMPT = "E"


VAT_CATEGORY = {
    VatRegime.STANDARD: VatCategory.STANDARD,
    VatRegime.REDUCED: VatCategory.STANDARD,
    VatRegime.REVERSE_CHARGE: VatCategory.REVERSE_CHARGE,
    VatRegime.EXEMPT: VatCategory.EXEMPT,
}

# Exemption reason codes (VATEX list) and texts: EN 16931 asks for one on AE and E breakdowns.
EXEMPTION = {
    VatTreatment.REVERSE_CHARGE_EU: (
        "VATEX-EU-AE",
        "Reverse charge - Art. 196 Directive 2006/112/EC",
    ),
    VatTreatment.REVERSE_CHARGE_BE: (
        "VATEX-EU-AE",
        "Reverse charge - Art. 51 § 2 Belgian VAT Code",
    ),
    VatTreatment.BELGIAN_VAT: ("VATEX-EU-132", "Exempt - Art. 44 Belgian VAT Code"),
}


@dataclass(frozen=True)
class PartyFacts:
    name: str
    street: str
    postcode: str
    city: str
    country: str
    vat_number: str = ""  # with its country prefix, e.g. BE0403019261
    enterprise_number: str = ""  # Belgian BCE/KBO, 10 digits
    email: str = ""
    peppol_scheme: str = ""  # 0208 (Belgian enterprise number), 9925 (Belgian VAT number)...
    peppol_id: str = ""
    legal_form: str = ""  # the seller's legal form (BT-33)

    @property
    def endpoint(self) -> tuple[str, str] | None:
        return (self.peppol_scheme, self.peppol_id) if self.peppol_scheme else None


def belgian_endpoint(enterprise_number: str, vat_number: str) -> tuple[str, str]:
    """Peppol endpoint of a Belgian business: 0208 + enterprise number, else 9925 + VAT number."""
    if enterprise_number:
        return "0208", enterprise_number
    return "9925", vat_number.lower()


@dataclass(frozen=True)
class LineFacts:
    line_id: str
    name: str
    description: str
    quantity: int
    unit_code: str  # UN/ECE rec. 20: DAY, C62 (one)
    unit_price_cents: int
    net_cents: int
    vat_category: VatCategory
    vat_rate_bp: int


@dataclass(frozen=True)
class VatSubtotal:
    category: VatCategory
    rate_bp: int
    taxable_cents: int
    vat_cents: int
    exemption_code: str = ""
    exemption_reason: str = ""


@dataclass(frozen=True)
class PaymentFacts:
    means_code: str  # UNCL4461: 58 = SEPA credit transfer
    iban: str
    bic: str
    structured_communication: str  # +++ddd/dddd/ddddd+++

    @property
    def payment_id(self) -> str:
        """The structured communication as banks carry it: 12 digits."""
        return "".join(ch for ch in self.structured_communication if ch.isdigit())


@dataclass(frozen=True)
class InvoiceFacts:
    """Everything an invoice or credit note states, once."""

    kind: DocumentKind
    number: str
    issue_date: date
    due_date: date
    currency: str
    language: str
    seller: PartyFacts
    buyer: PartyFacts
    lines: tuple[LineFacts, ...]
    period_start: date
    period_end: date
    subtotals: tuple[VatSubtotal, ...]
    net_cents: int
    vat_cents: int
    total_cents: int
    payment: PaymentFacts
    form: FormDecision
    buyer_reference: str
    notes: tuple[str, ...] = ()
    billing_reference: str = ""  # credit note: the invoice number it corrects
    billing_reference_date: date | None = None
    fee_cents: int = 0  # the cooperative's fee inside the net amount (a mention, not a charge)
    pdf: bytes | None = field(default=None, repr=False)

    @property
    def type_code(self) -> str:
        return TYPE_CODE[self.kind]


@dataclass(frozen=True)
class ContractInvoiceInput:
    """The contract facts one invoice (or its credit note) is made from."""

    kind: DocumentKind
    number: str
    issue_date: date
    due_date: date
    language: str
    seller: PartyFacts
    buyer: PartyFacts
    client: InvoiceClient
    declared_regime: VatRegime
    function: str
    description: str
    work_days: tuple[date, ...]
    net_cents: int
    iban: str
    bic: str
    structured_communication: str
    buyer_reference: str
    billing_reference: str = ""
    billing_reference_date: date | None = None


def _line(i: ContractInvoiceInput, regime: VatRegime) -> LineFacts:
    days = len(i.work_days)
    # Days as the quantity when the price per day is exact; else one service (no rounding).
    per_day = days > 0 and i.net_cents % days == 0
    return LineFacts(
        line_id="1",
        name=i.function,
        description=i.description,
        quantity=days if per_day else 1,
        unit_code="DAY" if per_day else "C62",
        unit_price_cents=i.net_cents // days if per_day else i.net_cents,
        net_cents=i.net_cents,
        vat_category=VAT_CATEGORY[regime],
        vat_rate_bp=rules.VAT_RATE_BP[regime],
    )


def contract_invoice(
    i: ContractInvoiceInput, settings: rules.ContractSettings = rules.DEFAULT_SETTINGS
) -> InvoiceFacts:
    """The invoice facts of one contract: form, VAT case, line, VAT breakdown and totals."""
    form = invoice_form(i.client, i.declared_regime)
    regime = regime_for(form.treatment, i.declared_regime)
    amounts = invoice_amounts(i.net_cents, regime, settings)
    category = VAT_CATEGORY[regime]
    code, reason = ("", "")
    if category is not VatCategory.STANDARD:
        code, reason = EXEMPTION[form.treatment]
    subtotal = VatSubtotal(
        category, amounts.vat_rate_bp, amounts.net_cents, amounts.vat_cents, code, reason
    )
    return InvoiceFacts(
        kind=i.kind,
        number=i.number,
        issue_date=i.issue_date,
        due_date=i.due_date,
        currency="EUR",
        language=i.language,
        seller=i.seller,
        buyer=i.buyer,
        lines=(_line(i, regime),),
        period_start=min(i.work_days),
        period_end=max(i.work_days),
        subtotals=(subtotal,),
        net_cents=amounts.net_cents,
        vat_cents=amounts.vat_cents,
        total_cents=amounts.total_cents,
        payment=PaymentFacts("58", i.iban, i.bic, i.structured_communication),
        form=form,
        buyer_reference=i.buyer_reference,
        notes=(reason,) if reason else (),
        billing_reference=i.billing_reference,
        billing_reference_date=i.billing_reference_date,
        fee_cents=amounts.fee_cents,
    )


class InvoiceStatus(StrEnum):
    """The invoice to the client of an approved contract."""

    ISSUED = "issued"  # owed by the client (counts in its outstanding amount)
    PAID = "paid"
    VOID = "void"  # the contract was cancelled after approval


class EInvoiceStatus(StrEnum):
    """Where a structured e-invoice (or credit note) stands."""

    HELD = "held"  # failed a rule: staff must look; never sent
    READY = "ready"  # valid, waiting for the sending task
    SUBMITTED = "submitted"  # handed to the access point (outbox folder)
    DELIVERED = "delivered"  # the access point reported delivery to the client
    REJECTED = "rejected"  # the access point or the client's side refused it


INVOICE_NUMBER_PREFIX = {DocumentKind.INVOICE: "F", DocumentKind.CREDIT_NOTE: "NC"}


def document_number(kind: DocumentKind, year: int, sequence: int) -> str:
    """F2026-0000001, NC2026-0000001: one gapless sequence per kind and year."""
    return f"{INVOICE_NUMBER_PREFIX[kind]}{year}-{sequence:07d}"


# --------------------------------------------------------------------------- credit notes


class CreditTooLarge(RuleViolation):
    """A credit note credits only what its invoice still asks; an invoice is never raised."""

    code = "credit_too_large"


def check_credit(net_cents: int, left_net_cents: int, invoice_number: str | None) -> None:
    """Refuse a credit note of nothing, or of more than is left to credit on the invoice."""
    if not 0 < net_cents <= left_net_cents:
        raise CreditTooLarge(
            f"a credit note of {euros(net_cents)} excl. VAT is not possible on invoice "
            f"{invoice_number}: {euros(left_net_cents)} is left to credit",
            field="amount",
        )


def check_corrected_amount(new_net_cents: int, invoiced_net_cents: int) -> None:
    """A corrected amount only lowers an invoice (to invoice more, declare the extra work)."""
    if not 0 <= new_net_cents < invoiced_net_cents:
        raise CreditTooLarge(
            f"the corrected amount must be below the {euros(invoiced_net_cents)} excl. VAT "
            f"still invoiced and not negative (got {euros(new_net_cents)}); to invoice "
            "more, declare the extra work",
            field="amount",
        )


# --------------------------------------------------------------------------- Peppol endpoints


class UnknownClient(RuleViolation):
    """No client record has the enterprise or VAT number given."""

    code = "unknown_client"


class EndpointMissing(RuleViolation):
    """A Peppol participant is reached at an endpoint: a 4-digit scheme and an identifier."""

    code = "peppol_endpoint_missing"


def check_endpoint(participant: bool, scheme: str, endpoint_id: str) -> None:
    """Refuse to mark a client as a Peppol participant without a usable endpoint."""
    if participant and not (scheme.isdigit() and len(scheme) == 4 and endpoint_id.strip()):
        raise EndpointMissing(
            "a Peppol participant needs its endpoint: a 4-digit scheme (0208 for a Belgian "
            "enterprise number) and the identifier",
            field="endpoint",
        )
