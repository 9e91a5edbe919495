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
from decimal import Decimal

from lxml import etree

from governance.contracts.rules.ubl import CUSTOMIZATION_ID, NS_CREDIT_NOTE, NS_INVOICE
from governance.contracts.rules.ubl_doc import (
    NS,
    PARTY,
    Check,
    Doc,
    EInvoiceRejected,
    Rule,
    RuleFailure,
    each_line,
    equal,
    line_sum,
    parse,
    required,
)
from governance.contracts.rules.ubl_vat_rules import VAT_RULES

__all__ = ["NS", "RULES", "RULE_IDS", "EInvoiceRejected", "RuleFailure", "failures", "validate"]

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


# --------------------------------------------------------------------------- totals


def check_co10(d: Doc) -> str | None:
    return equal(
        "sum of lines vs LineExtensionAmount",
        line_sum(d),
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
    return equal(
        "TaxExclusiveAmount", d.amount("cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"), expected
    )


def check_co14(d: Doc) -> str | None:
    subtotal = sum((d.amount("cbc:TaxAmount", s) or Decimal(0)) for s in d.subtotals())
    return equal("TaxTotal/TaxAmount", d.amount("cac:TaxTotal/cbc:TaxAmount"), Decimal(subtotal))


def check_co15(d: Doc) -> str | None:
    exclusive = d.amount("cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount")
    vat = d.amount("cac:TaxTotal/cbc:TaxAmount")
    expected = None if exclusive is None or vat is None else exclusive + vat
    return equal(
        "TaxInclusiveAmount", d.amount("cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"), expected
    )


def check_co16(d: Doc) -> str | None:
    total = d.amount("cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount")
    paid = d.amount("cac:LegalMonetaryTotal/cbc:PrepaidAmount") or Decimal(0)
    rounding = d.amount("cac:LegalMonetaryTotal/cbc:PayableRoundingAmount") or Decimal(0)
    expected = None if total is None else total - paid + rounding
    return equal("PayableAmount", d.amount("cac:LegalMonetaryTotal/cbc:PayableAmount"), expected)


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


LINE_TAX = "cac:Item/cac:ClassifiedTaxCategory/"
# Subsets of the Peppol code lists the rules check (UNTDID 1001 types, EAS schemes)
INVOICE_TYPES = {"71", "80", "82", "84", "102", "218", "219", "331", "380", "382", "383", "386",
                 "388", "393", "395", "553", "575", "623", "780", "817", "870", "875", "876", "877"}  # fmt: skip
CREDIT_NOTE_TYPES = {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
EAS_SCHEMES = {"0002", "0007", "0009", "0037", "0060", "0088", "0096", "0106", "0130", "0135",
               "0142", "0151", "0183", "0184", "0188", "0190", "0191", "0192", "0193", "0195",
               "0196", "0198", "0199", "0200", "0201", "0202", "0204", "0208", "0209", "0210",
               "0211", "0212", "0213", "0215", "0216", "0218", "0221", "0230", "9901", "9910",
               "9913", "9914", "9915", "9918", "9919", "9920", "9922", "9923", "9924", "9925",
               "9926", "9927", "9928", "9929", "9930", "9931", "9932", "9933", "9934", "9935",
               "9936", "9937", "9938", "9939", "9940", "9941", "9942", "9943", "9944", "9945",
               "9946", "9947", "9948", "9949", "9950", "9951", "9952", "9953", "9957", "9959"}  # fmt: skip


def two_decimals(path: str) -> Check:
    def check(d: Doc) -> str | None:
        where = path.replace("LINES", d.line_tag)
        for element in d.all(where):
            text = (element.text or "").strip()
            if not re.fullmatch(r"-?\d+(\.\d{1,2})?", text):
                return f"{etree.QName(element).localname} {text!r}"
        return None

    return check


def check_r008(d: Doc) -> str | None:
    for element in d.root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        if len(element) == 0 and not (element.text or "").strip():
            return f"empty {etree.QName(element).localname}"
    return None


def check_r120(d: Doc) -> str | None:
    for n, line in enumerate(d.lines(), start=1):
        quantity = d.amount(d.qty_tag, line)
        price = d.amount("cac:Price/cbc:PriceAmount", line)
        base = d.amount("cac:Price/cbc:BaseQuantity", line) or Decimal(1)
        net = d.amount("cbc:LineExtensionAmount", line)
        if quantity is None or price is None or net is None:
            continue  # BR-22, BR-24 and BR-26 name what is missing
        if abs(net - quantity * price / base) > Decimal("0.02"):
            return f"line {n}: {net} ≠ {quantity} × {price}"
    return None


def check_p0100(d: Doc) -> str | None:
    code = d.text("cbc:InvoiceTypeCode")
    return None if d.credit or code in INVOICE_TYPES else f"type {code!r}"


def check_p0101(d: Doc) -> str | None:
    code = d.text("cbc:CreditNoteTypeCode")
    return None if not d.credit or code in CREDIT_NOTE_TYPES else f"type {code!r}"


def check_cl008(d: Doc) -> str | None:
    for endpoint in d.all(".//cbc:EndpointID"):
        if endpoint.get("schemeID") not in EAS_SCHEMES:
            return f"scheme {endpoint.get('schemeID')!r}"
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


RULES: tuple[Rule, ...] = (
    Rule("COOP-UBL-STRUCTURE", "The document must be a UBL 2.1 Invoice or CreditNote with its elements in the schema's order.", check_structure),
    Rule("BR-01", "An invoice must have a specification identifier (CustomizationID).", required("cbc:CustomizationID")),
    Rule("BR-02", "An invoice must have an invoice number.", required("cbc:ID")),
    Rule("BR-03", "An invoice must have an issue date.", required("cbc:IssueDate")),
    Rule("BR-04", "An invoice must have an invoice type code.", lambda d: required("cbc:CreditNoteTypeCode" if d.credit else "cbc:InvoiceTypeCode")(d)),
    Rule("BR-05", "An invoice must have a document currency code.", required("cbc:DocumentCurrencyCode")),
    Rule("BR-06", "An invoice must contain the seller's name.", required(PARTY["seller"] + "cac:PartyLegalEntity/cbc:RegistrationName")),
    Rule("BR-07", "An invoice must contain the buyer's name.", required(PARTY["buyer"] + "cac:PartyLegalEntity/cbc:RegistrationName")),
    Rule("BR-08", "An invoice must contain the seller's postal address.", lambda d: None if d.all(PARTY["seller"] + "cac:PostalAddress") else "no seller address"),
    Rule("BR-09", "The seller's postal address must contain a country code.", required(PARTY["seller"] + "cac:PostalAddress/cac:Country/cbc:IdentificationCode")),
    Rule("BR-10", "An invoice must contain the buyer's postal address.", lambda d: None if d.all(PARTY["buyer"] + "cac:PostalAddress") else "no buyer address"),
    Rule("BR-11", "The buyer's postal address must contain a country code.", required(PARTY["buyer"] + "cac:PostalAddress/cac:Country/cbc:IdentificationCode")),
    Rule("BR-16", "An invoice must have at least one invoice line.", lambda d: None if d.lines() else "no line"),
    Rule("BR-21", "Each invoice line must have a line identifier.", each_line("cbc:ID")),
    Rule("BR-22", "Each invoice line must have an invoiced quantity.", each_line("QTY")),
    Rule("BR-24", "Each invoice line must have a line net amount.", each_line("cbc:LineExtensionAmount")),
    Rule("BR-25", "Each invoice line must contain the item name.", each_line("cac:Item/cbc:Name")),
    Rule("BR-26", "Each invoice line must contain the item net price.", each_line("cac:Price/cbc:PriceAmount")),
    Rule("BR-61", "A credit transfer must name the payment account identifier (IBAN).", check_br61),
    Rule("BR-CO-09", "A VAT identifier must start with an ISO 3166-1 alpha-2 country prefix (EL for Greece).", check_co09),
    Rule("BR-CO-10", "The sum of invoice line net amounts must equal the sum of the line net amounts.", check_co10),
    Rule("BR-CO-13", "The total without VAT must equal the sum of lines minus allowances plus charges.", check_co13),
    Rule("BR-CO-14", "The invoice total VAT must equal the sum of the VAT category amounts.", check_co14),
    Rule("BR-CO-15", "The total with VAT must equal the total without VAT plus the total VAT.", check_co15),
    Rule("BR-CO-16", "The amount due must equal the total with VAT minus the paid amount plus the rounding amount.", check_co16),
    Rule("BR-CO-25", "A positive amount due needs a payment due date or payment terms.", check_co25),
    Rule("BR-CO-26", "The seller must be identified by an identifier, a legal registration identifier or a VAT identifier.", check_co26),
    *VAT_RULES,
    Rule("BR-CO-04", "Each invoice line must be categorized with a VAT category code.", each_line(LINE_TAX + "cbc:ID")),
    Rule("BR-CO-18", "An invoice must have at least one VAT breakdown group.", lambda d: None if d.subtotals() else "no VAT breakdown"),
    Rule("BR-DEC-09", "The sum of invoice line net amounts may have at most 2 decimals.", two_decimals("cac:LegalMonetaryTotal/cbc:LineExtensionAmount")),
    Rule("BR-DEC-12", "The invoice total without VAT may have at most 2 decimals.", two_decimals("cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount")),
    Rule("BR-DEC-13", "The invoice total VAT amount may have at most 2 decimals.", two_decimals("cac:TaxTotal/cbc:TaxAmount")),
    Rule("BR-DEC-14", "The invoice total with VAT may have at most 2 decimals.", two_decimals("cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount")),
    Rule("BR-DEC-18", "The amount due for payment may have at most 2 decimals.", two_decimals("cac:LegalMonetaryTotal/cbc:PayableAmount")),
    Rule("BR-DEC-23", "An invoice line net amount may have at most 2 decimals.", two_decimals("LINES/cbc:LineExtensionAmount")),
    Rule("PEPPOL-EN16931-R001", "The business process (ProfileID) must be provided.", required("cbc:ProfileID")),
    Rule("PEPPOL-EN16931-R002", "No more than one note is allowed on document level.", lambda d: None if len(d.all("cbc:Note")) <= 1 else f"{len(d.all('cbc:Note'))} notes"),
    Rule("PEPPOL-EN16931-R003", "A buyer reference or purchase order reference must be provided.", lambda d: None if d.text("cbc:BuyerReference") or d.text("cac:OrderReference/cbc:ID") else "none"),
    Rule("PEPPOL-EN16931-R007", "The business process must be in the format urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0.", check_r007),
    Rule("PEPPOL-EN16931-R004", "The specification identifier must be the Peppol BIS Billing 3.0 one.", lambda d: None if d.text("cbc:CustomizationID") == CUSTOMIZATION_ID else repr(d.text("cbc:CustomizationID"))),
    Rule("PEPPOL-EN16931-R008", "The document must not contain empty elements.", check_r008),
    Rule("PEPPOL-EN16931-R010", "The buyer's electronic address (endpoint id) must be provided.", required(PARTY["buyer"] + "cbc:EndpointID")),
    Rule("PEPPOL-EN16931-R020", "The seller's electronic address (endpoint id) must be provided.", required(PARTY["seller"] + "cbc:EndpointID")),
    Rule("PEPPOL-EN16931-R053", "Exactly one tax total with tax subtotals must be provided.", check_r053),
    Rule("PEPPOL-EN16931-R120", "An invoice line net amount must equal the quantity times the net price divided by the base quantity.", check_r120),
    Rule("PEPPOL-EN16931-P0100", "An invoice type code must be one the Peppol invoice transaction allows.", check_p0100),
    Rule("PEPPOL-EN16931-P0101", "A credit note type code must be one the Peppol credit note transaction allows.", check_p0101),
    Rule("PEPPOL-EN16931-CL008", "An electronic address must use a scheme of the Peppol EAS code list.", check_cl008),
    Rule("PEPPOL-COMMON-R043", "A Belgian enterprise number (scheme 0208) must have 10 digits, start with 0 or 1 and pass its mod-97 check.", check_common_r043),
    Rule("BE-OGM-01", "The payment reference must be a Belgian structured communication: 12 digits, the last two being the first ten mod 97 (97 for 0).", check_ogm),
    Rule("COOP-CN-01", "A credit note must reference the invoice it corrects.", check_credit_reference),
)  # fmt: skip

RULE_IDS = tuple(rule.rule_id for rule in RULES)


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
