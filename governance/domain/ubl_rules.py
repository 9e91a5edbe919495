"""The rules an e-invoice must pass before it leaves, read from the XML itself.

The project owns this rule set: the official EN 16931 and Peppol BIS 3.0 validation artefacts
(Schematron) are not available offline here, so each rule that applies to the cooperative's
invoices is written again from its published text, under its official identifier. Rules of our
own (the UBL element order we generate, the Belgian structured communication, the credit note's
reference) carry a `COOP-` or `BE-` identifier. Every value is read back from the parsed XML,
never from the Python facts that produced it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from lxml import etree

from governance.domain.errors import RuleViolation
from governance.domain.ubl import CAC, CBC, NS_CREDIT_NOTE, NS_INVOICE

NS = {"cac": CAC, "cbc": CBC}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class RuleFailure:
    rule_id: str
    message: str
    detail: str = ""

    def __str__(self) -> str:
        return f"[{self.rule_id}] {self.message}" + (f" ({self.detail})" if self.detail else "")


class EInvoiceRejected(RuleViolation):
    """The e-invoice breaks a rule: it is held for staff, never sent."""

    code = "einvoice_rejected"

    def __init__(self, failures: list[RuleFailure]) -> None:
        self.failures = failures
        super().__init__("; ".join(str(f) for f in failures), field="einvoice")


class Doc:
    """A parsed Invoice or CreditNote with small readers."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.credit = etree.QName(root).namespace == NS_CREDIT_NOTE
        self.line_tag = "cac:CreditNoteLine" if self.credit else "cac:InvoiceLine"
        self.qty_tag = "cbc:CreditedQuantity" if self.credit else "cbc:InvoicedQuantity"

    def all(self, path: str, node: etree._Element | None = None) -> list[etree._Element]:
        found = (self.root if node is None else node).xpath(path, namespaces=NS)
        return (
            [e for e in found if isinstance(e, etree._Element)] if isinstance(found, list) else []
        )

    def text(self, path: str, node: etree._Element | None = None) -> str:
        found = self.all(path, node)
        return (found[0].text or "").strip() if found else ""

    def amount(self, path: str, node: etree._Element | None = None) -> Decimal | None:
        try:
            return Decimal(self.text(path, node))
        except InvalidOperation:
            return None

    def lines(self) -> list[etree._Element]:
        return self.all(self.line_tag)

    def subtotals(self) -> list[etree._Element]:
        return self.all("cac:TaxTotal/cac:TaxSubtotal")


Check = Callable[[Doc], str | None]  # None: passes; a text: fails, saying where


@dataclass(frozen=True)
class Rule:
    rule_id: str
    message: str
    check: Check


# --------------------------------------------------------------------------- the UBL order

_HEADER = [
    "UBLExtensions", "UBLVersionID", "CustomizationID", "ProfileID", "ProfileExecutionID", "ID",
    "CopyIndicator", "UUID", "IssueDate", "IssueTime", "DueDate", "InvoiceTypeCode",
    "CreditNoteTypeCode", "Note", "TaxPointDate", "DocumentCurrencyCode", "TaxCurrencyCode",
    "AccountingCost", "BuyerReference", "InvoicePeriod", "OrderReference", "BillingReference",
    "DespatchDocumentReference", "ReceiptDocumentReference", "OriginatorDocumentReference",
    "ContractDocumentReference", "AdditionalDocumentReference", "ProjectReference",
    "AccountingSupplierParty", "AccountingCustomerParty", "PayeeParty", "TaxRepresentativeParty",
    "Delivery", "PaymentMeans", "PaymentTerms", "AllowanceCharge", "TaxTotal",
    "LegalMonetaryTotal",
]  # fmt: skip
ORDER = {
    NS_INVOICE: [*_HEADER, "InvoiceLine"],
    NS_CREDIT_NOTE: [*_HEADER, "CreditNoteLine"],
}
PARTY_ORDER = [
    "EndpointID", "PartyIdentification", "PartyName", "PostalAddress", "PartyTaxScheme",
    "PartyLegalEntity", "Contact",
]  # fmt: skip
LINE_ORDER = [
    "ID", "Note", "InvoicedQuantity", "CreditedQuantity", "LineExtensionAmount", "AccountingCost",
    "InvoicePeriod", "OrderLineReference", "DocumentReference", "AllowanceCharge", "Item", "Price",
]  # fmt: skip


def _in_order(children: list[etree._Element], order: list[str], where: str) -> str | None:
    position = 0
    for child in children:
        name = etree.QName(child).localname
        if name not in order:
            return f"{where}: unexpected element {name}"
        index = order.index(name)
        if index < position:
            return f"{where}: {name} comes after {order[position]}"
        position = index
    return None


def check_structure(d: Doc) -> str | None:
    namespace = etree.QName(d.root).namespace
    expected_root = "CreditNote" if namespace == NS_CREDIT_NOTE else "Invoice"
    if namespace not in ORDER or etree.QName(d.root).localname != expected_root:
        return f"root element {d.root.tag} is not a UBL 2.1 Invoice or CreditNote"
    problem = _in_order(list(d.root), ORDER[namespace], expected_root)
    for party in d.all(
        "cac:AccountingSupplierParty/cac:Party | cac:AccountingCustomerParty/cac:Party"
    ):
        problem = problem or _in_order(list(party), PARTY_ORDER, "Party")
    for line in d.lines():
        problem = problem or _in_order(list(line), LINE_ORDER, "line")
    return problem


# --------------------------------------------------------------------------- rule helpers


def _required(path: str) -> Check:
    return lambda d: None if d.text(path) else f"{path} is missing or empty"


def _each_line(path: str) -> Check:
    def check(d: Doc) -> str | None:
        for n, line in enumerate(d.lines(), start=1):
            if not d.text(path.replace("QTY", d.qty_tag), line):
                return f"line {n}"
        return None

    return check


def _equal(label: str, left: Decimal | None, right: Decimal | None) -> str | None:
    if left is None or right is None or left != right:
        return f"{label}: {left} ≠ {right}"
    return None


def _line_sum(d: Doc, category: str | None = None, rate: Decimal | None = None) -> Decimal:
    total = Decimal(0)
    for line in d.lines():
        tax = "cac:Item/cac:ClassifiedTaxCategory/"
        if category is not None and d.text(tax + "cbc:ID", line) != category:
            continue
        if rate is not None and d.amount(tax + "cbc:Percent", line) != rate:
            continue
        total += d.amount("cbc:LineExtensionAmount", line) or Decimal(0)
    return total


def _line_categories(d: Doc) -> set[str]:
    return {d.text("cac:Item/cac:ClassifiedTaxCategory/cbc:ID", line) for line in d.lines()}


def _subtotals_of(d: Doc, category: str) -> list[etree._Element]:
    return [s for s in d.subtotals() if d.text("cac:TaxCategory/cbc:ID", s) == category]


# --------------------------------------------------------------------------- totals


def check_co10(d: Doc) -> str | None:
    return _equal(
        "sum of lines vs LineExtensionAmount",
        _line_sum(d),
        d.amount("cac:LegalMonetaryTotal/cbc:LineExtensionAmount"),
    )


def check_co13(d: Doc) -> str | None:
    charges = sum(
        (d.amount("cbc:Amount", c) or Decimal(0))
        for c in d.all("cac:AllowanceCharge[cbc:ChargeIndicator='true']")
    )
    allowances = sum(
        (d.amount("cbc:Amount", c) or Decimal(0))
        for c in d.all("cac:AllowanceCharge[cbc:ChargeIndicator='false']")
    )
    lines = d.amount("cac:LegalMonetaryTotal/cbc:LineExtensionAmount")
    expected = None if lines is None else lines - allowances + charges
    return _equal(
        "TaxExclusiveAmount", d.amount("cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"), expected
    )


def check_co14(d: Doc) -> str | None:
    subtotal = sum((d.amount("cbc:TaxAmount", s) or Decimal(0)) for s in d.subtotals())
    return _equal("TaxTotal/TaxAmount", d.amount("cac:TaxTotal/cbc:TaxAmount"), Decimal(subtotal))


def check_co15(d: Doc) -> str | None:
    exclusive = d.amount("cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount")
    vat = d.amount("cac:TaxTotal/cbc:TaxAmount")
    expected = None if exclusive is None or vat is None else exclusive + vat
    return _equal(
        "TaxInclusiveAmount", d.amount("cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"), expected
    )


def check_co25(d: Doc) -> str | None:
    payable = d.amount("cac:LegalMonetaryTotal/cbc:PayableAmount") or Decimal(0)
    if payable > 0 and not d.text("cbc:DueDate") and not d.text("cac:PaymentTerms/cbc:Note"):
        return f"payable {payable} without due date or terms"
    return None


def check_co09(d: Doc) -> str | None:
    for vat in d.all(".//cac:PartyTaxScheme/cbc:CompanyID"):
        value = (vat.text or "").strip()
        if not re.fullmatch(r"[A-Z]{2}[0-9A-Za-z+*.]{2,}", value) or value.startswith("GR"):
            return f"VAT identifier {value!r}"
    return None


def check_co26(d: Doc) -> str | None:
    party = "cac:AccountingSupplierParty/cac:Party/"
    if any(
        d.text(party + p)
        for p in (
            "cac:PartyIdentification/cbc:ID",
            "cac:PartyLegalEntity/cbc:CompanyID",
            "cac:PartyTaxScheme/cbc:CompanyID",
        )
    ):
        return None
    return "no seller identifier"


# --------------------------------------------------------------------------- VAT categories


def check_s08(d: Doc) -> str | None:
    for s in _subtotals_of(d, "S"):
        rate = d.amount("cac:TaxCategory/cbc:Percent", s)
        problem = _equal(
            f"S {rate}% taxable", d.amount("cbc:TaxableAmount", s), _line_sum(d, "S", rate)
        )
        if problem:
            return problem
    return None


def check_s09(d: Doc) -> str | None:
    for s in _subtotals_of(d, "S"):
        rate = d.amount("cac:TaxCategory/cbc:Percent", s) or Decimal(0)
        taxable = d.amount("cbc:TaxableAmount", s) or Decimal(0)
        expected = (taxable * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        problem = _equal(f"S {rate}% VAT", d.amount("cbc:TaxAmount", s), expected)
        if problem:
            return problem
    return None


def _has_line(category: str) -> Callable[[Check], Check]:
    def wrap(check: Check) -> Check:
        return lambda d: check(d) if category in _line_categories(d) else None

    return wrap


@_has_line("AE")
def check_ae01(d: Doc) -> str | None:
    count = len(_subtotals_of(d, "AE"))
    return None if count == 1 else f"{count} reverse-charge breakdowns"


@_has_line("AE")
def check_ae02(d: Doc) -> str | None:
    seller = d.text("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID")
    buyer = d.text("cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID")
    buyer_legal = d.text("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID")
    if seller and (buyer or buyer_legal):
        return None
    return "seller VAT id and buyer VAT id or legal id needed"


def check_ae05(d: Doc) -> str | None:
    for n, line in enumerate(d.lines(), start=1):
        tax = "cac:Item/cac:ClassifiedTaxCategory/"
        if d.text(tax + "cbc:ID", line) == "AE" and d.amount(tax + "cbc:Percent", line) != 0:
            return f"line {n}"
    return None


def check_ae08(d: Doc) -> str | None:
    for s in _subtotals_of(d, "AE"):
        return _equal("AE taxable", d.amount("cbc:TaxableAmount", s), _line_sum(d, "AE"))
    return None


def check_ae09(d: Doc) -> str | None:
    for s in _subtotals_of(d, "AE"):
        if d.amount("cbc:TaxAmount", s) != 0:
            return f"AE VAT amount {d.text('cbc:TaxAmount', s)}"
    return None


def _exemption_reason(category: str) -> Check:
    def check(d: Doc) -> str | None:
        for s in _subtotals_of(d, category):
            if not (
                d.text("cac:TaxCategory/cbc:TaxExemptionReasonCode", s)
                or d.text("cac:TaxCategory/cbc:TaxExemptionReason", s)
            ):
                return f"{category} breakdown without reason"
        return None

    return check


# --------------------------------------------------------------------------- Peppol and Belgium


def check_r007(d: Doc) -> str | None:
    profile = d.text("cbc:ProfileID")
    if re.fullmatch(r"urn:fdc:peppol\.eu:2017:poacc:billing:\d\d:1\.0", profile):
        return None
    return f"ProfileID {profile!r}"


def check_r053(d: Doc) -> str | None:
    with_subtotals = len(d.all("cac:TaxTotal[cac:TaxSubtotal]"))
    return None if with_subtotals == 1 else f"{with_subtotals} tax totals with subtotals"


def check_common_r043(d: Doc) -> str | None:
    for element in d.all(".//*[@schemeID='0208']"):
        value = (element.text or "").strip()
        if not (re.fullmatch(r"[01]\d{9}", value) and int(value[:8]) % 97 + int(value[8:]) == 97):
            return f"0208 identifier {value!r}"
    return None


def check_ogm(d: Doc) -> str | None:
    for element in d.all("cac:PaymentMeans/cbc:PaymentID"):
        digits = (element.text or "").strip()
        if not re.fullmatch(r"\d{12}", digits) or (int(digits[:10]) % 97 or 97) != int(digits[10:]):
            return f"payment id {digits!r}"
    return None


def check_credit_reference(d: Doc) -> str | None:
    if d.credit and not d.text("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"):
        return "credit note without invoice reference"
    return None


def check_br61(d: Doc) -> str | None:
    for means in d.all("cac:PaymentMeans"):
        code = d.text("cbc:PaymentMeansCode", means)
        if code in ("30", "58") and not d.text("cac:PayeeFinancialAccount/cbc:ID", means):
            return f"means {code} without account"
    return None


PARTY = {
    "seller": "cac:AccountingSupplierParty/cac:Party/",
    "buyer": "cac:AccountingCustomerParty/cac:Party/",
}

RULES: tuple[Rule, ...] = (
    Rule("COOP-UBL-STRUCTURE", "The document must be a UBL 2.1 Invoice or CreditNote with its elements in the schema's order.", check_structure),
    Rule("BR-01", "An invoice must have a specification identifier (CustomizationID).", _required("cbc:CustomizationID")),
    Rule("BR-02", "An invoice must have an invoice number.", _required("cbc:ID")),
    Rule("BR-03", "An invoice must have an issue date.", _required("cbc:IssueDate")),
    Rule("BR-04", "An invoice must have an invoice type code.", lambda d: _required("cbc:CreditNoteTypeCode" if d.credit else "cbc:InvoiceTypeCode")(d)),
    Rule("BR-05", "An invoice must have a document currency code.", _required("cbc:DocumentCurrencyCode")),
    Rule("BR-06", "An invoice must contain the seller's name.", _required(PARTY["seller"] + "cac:PartyLegalEntity/cbc:RegistrationName")),
    Rule("BR-07", "An invoice must contain the buyer's name.", _required(PARTY["buyer"] + "cac:PartyLegalEntity/cbc:RegistrationName")),
    Rule("BR-08", "An invoice must contain the seller's postal address.", lambda d: None if d.all(PARTY["seller"] + "cac:PostalAddress") else "no seller address"),
    Rule("BR-09", "The seller's postal address must contain a country code.", _required(PARTY["seller"] + "cac:PostalAddress/cac:Country/cbc:IdentificationCode")),
    Rule("BR-10", "An invoice must contain the buyer's postal address.", lambda d: None if d.all(PARTY["buyer"] + "cac:PostalAddress") else "no buyer address"),
    Rule("BR-11", "The buyer's postal address must contain a country code.", _required(PARTY["buyer"] + "cac:PostalAddress/cac:Country/cbc:IdentificationCode")),
    Rule("BR-16", "An invoice must have at least one invoice line.", lambda d: None if d.lines() else "no line"),
    Rule("BR-21", "Each invoice line must have a line identifier.", _each_line("cbc:ID")),
    Rule("BR-22", "Each invoice line must have an invoiced quantity.", _each_line("QTY")),
    Rule("BR-24", "Each invoice line must have a line net amount.", _each_line("cbc:LineExtensionAmount")),
    Rule("BR-25", "Each invoice line must contain the item name.", _each_line("cac:Item/cbc:Name")),
    Rule("BR-26", "Each invoice line must contain the item net price.", _each_line("cac:Price/cbc:PriceAmount")),
    Rule("BR-61", "A credit transfer must name the payment account identifier (IBAN).", check_br61),
    Rule("BR-CO-09", "A VAT identifier must start with an ISO 3166-1 alpha-2 country prefix (EL for Greece).", check_co09),
    Rule("BR-CO-10", "The sum of invoice line net amounts must equal the sum of the line net amounts.", check_co10),
    Rule("BR-CO-13", "The total without VAT must equal the sum of lines minus allowances plus charges.", check_co13),
    Rule("BR-CO-14", "The invoice total VAT must equal the sum of the VAT category amounts.", check_co14),
    Rule("BR-CO-15", "The total with VAT must equal the total without VAT plus the total VAT.", check_co15),
    Rule("BR-CO-25", "A positive amount due needs a payment due date or payment terms.", check_co25),
    Rule("BR-CO-26", "The seller must be identified by an identifier, a legal registration identifier or a VAT identifier.", check_co26),
    Rule("BR-S-08", "For each standard-rated VAT rate, the taxable amount must equal the sum of the line net amounts at that rate.", check_s08),
    Rule("BR-S-09", "For each standard-rated VAT rate, the VAT amount must equal the taxable amount times the rate.", check_s09),
    Rule("BR-AE-01", "An invoice with a reverse-charge line must have exactly one reverse-charge VAT breakdown.", check_ae01),
    Rule("BR-AE-02", "An invoice with a reverse-charge line must contain the seller's VAT identifier and the buyer's VAT identifier or legal registration identifier.", check_ae02),
    Rule("BR-AE-05", "A reverse-charge invoice line must have a VAT rate of 0.", check_ae05),
    Rule("BR-AE-08", "The reverse-charge taxable amount must equal the sum of the reverse-charge line net amounts.", check_ae08),
    Rule("BR-AE-09", "The reverse-charge VAT amount must be 0.", check_ae09),
    Rule("BR-AE-10", "A reverse-charge VAT breakdown must give an exemption reason code or text.", _exemption_reason("AE")),
    Rule("BR-E-10", "An exempt VAT breakdown must give an exemption reason code or text.", _exemption_reason("E")),
    Rule("PEPPOL-EN16931-R001", "The business process (ProfileID) must be provided.", _required("cbc:ProfileID")),
    Rule("PEPPOL-EN16931-R003", "A buyer reference or purchase order reference must be provided.", lambda d: None if d.text("cbc:BuyerReference") or d.text("cac:OrderReference/cbc:ID") else "none"),
    Rule("PEPPOL-EN16931-R007", "The business process must be in the format urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0.", check_r007),
    Rule("PEPPOL-EN16931-R010", "The buyer's electronic address (endpoint id) must be provided.", _required(PARTY["buyer"] + "cbc:EndpointID")),
    Rule("PEPPOL-EN16931-R020", "The seller's electronic address (endpoint id) must be provided.", _required(PARTY["seller"] + "cbc:EndpointID")),
    Rule("PEPPOL-EN16931-R053", "Exactly one tax total with tax subtotals must be provided.", check_r053),
    Rule("PEPPOL-COMMON-R043", "A Belgian enterprise number (scheme 0208) must have 10 digits, start with 0 or 1 and pass its mod-97 check.", check_common_r043),
    Rule("BE-OGM-01", "The payment reference must be a Belgian structured communication: 12 digits, the last two being the first ten mod 97 (97 for 0).", check_ogm),
    Rule("COOP-CN-01", "A credit note must reference the invoice it corrects.", check_credit_reference),
)  # fmt: skip

RULE_IDS = tuple(rule.rule_id for rule in RULES)


def parse(xml: bytes) -> Doc:
    """Parse an e-invoice safely (no network, no entities)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return Doc(etree.fromstring(xml, parser))


def failures(xml: bytes) -> list[RuleFailure]:
    """Every rule the document breaks (empty: it may leave)."""
    try:
        doc = parse(xml)
    except etree.XMLSyntaxError as exc:
        return [RuleFailure("COOP-UBL-STRUCTURE", RULES[0].message, f"not XML: {exc}")]
    found = []
    for rule in RULES:
        detail = rule.check(doc)
        if detail is not None:
            found.append(RuleFailure(rule.rule_id, rule.message, detail))
    return found


def validate(xml: bytes) -> None:
    """Raise EInvoiceRejected with every failed rule."""
    found = failures(xml)
    if found:
        raise EInvoiceRejected(found)
