"""Peppol BIS Billing 3.0 documents (UBL 2.1 Invoice and CreditNote) from the invoice facts.

Pure: `InvoiceFacts` in, XML bytes out. Elements are written in the order of the UBL 2.1 schema
sequences (the same order `ubl_rules` checks when it reads the document back).
"""

from __future__ import annotations

import base64
from decimal import Decimal

from lxml import etree

from governance.contracts.rules.einvoice import DocumentKind, InvoiceFacts, LineFacts, PartyFacts

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NSMAP: dict[str | None, str] = {"cac": CAC, "cbc": CBC}


def amount(cents: int) -> str:
    """Cents as a UBL amount: two decimals, a dot."""
    return str((Decimal(cents) / 100).quantize(Decimal("0.01")))


def percent(bp: int) -> str:
    return str((Decimal(bp) / 100).quantize(Decimal("0.01")))


def _cbc(parent: etree._Element, name: str, text: str, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CBC}}}{name}", attrs)
    element.text = text
    return element


def _cac(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{CAC}}}{name}")


def _money(parent: etree._Element, name: str, cents: int, currency: str) -> None:
    _cbc(parent, name, amount(cents), currencyID=currency)


def _party(parent: etree._Element, role: str, p: PartyFacts, seller: bool) -> None:
    """A party: endpoint, address, VAT number, legal name and enterprise number, contact."""
    party = _cac(_cac(parent, role), "Party")
    if p.endpoint is not None:
        _cbc(party, "EndpointID", p.endpoint[1], schemeID=p.endpoint[0])
    address = _cac(party, "PostalAddress")
    if p.street:
        _cbc(address, "StreetName", p.street)
    if p.city:
        _cbc(address, "CityName", p.city)
    if p.postcode:
        _cbc(address, "PostalZone", p.postcode)
    _cbc(_cac(address, "Country"), "IdentificationCode", p.country)
    if p.vat_number:
        tax = _cac(party, "PartyTaxScheme")
        _cbc(tax, "CompanyID", p.vat_number)
        _cbc(_cac(tax, "TaxScheme"), "ID", "VAT")
    legal = _cac(party, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", p.name)
    if p.enterprise_number:
        _cbc(legal, "CompanyID", p.enterprise_number, schemeID="0208")
    if seller and p.legal_form:
        _cbc(legal, "CompanyLegalForm", p.legal_form)
    if p.email:
        _cbc(_cac(party, "Contact"), "ElectronicMail", p.email)


def _header(root: etree._Element, f: InvoiceFacts) -> None:
    credit = f.kind is DocumentKind.CREDIT_NOTE
    _cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    _cbc(root, "ProfileID", PROFILE_ID)
    _cbc(root, "ID", f.number)
    _cbc(root, "IssueDate", f.issue_date.isoformat())
    if not credit:
        _cbc(root, "DueDate", f.due_date.isoformat())
    _cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", f.type_code)
    if f.notes:
        _cbc(root, "Note", " ".join(f.notes))  # Peppol: one note at document level
    _cbc(root, "DocumentCurrencyCode", f.currency)
    if f.buyer_reference:
        _cbc(root, "BuyerReference", f.buyer_reference)
    period = _cac(root, "InvoicePeriod")
    _cbc(period, "StartDate", f.period_start.isoformat())
    _cbc(period, "EndDate", f.period_end.isoformat())
    if f.billing_reference:
        reference = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(reference, "ID", f.billing_reference)
        if f.billing_reference_date is not None:
            _cbc(reference, "IssueDate", f.billing_reference_date.isoformat())
    if f.pdf is not None:
        document = _cac(root, "AdditionalDocumentReference")
        _cbc(document, "ID", f.number)
        _cbc(document, "DocumentDescription", "Visual copy (PDF)")
        _cbc(
            _cac(document, "Attachment"),
            "EmbeddedDocumentBinaryObject",
            base64.b64encode(f.pdf).decode("ascii"),
            mimeCode="application/pdf",
            filename=f"{f.number}.pdf",
        )


def _payment(root: etree._Element, f: InvoiceFacts) -> None:
    if f.kind is DocumentKind.CREDIT_NOTE:  # nothing to pay: it cancels what the invoice asked
        note = f"Credits invoice {f.billing_reference}: refunded to the buyer if already paid"
        _cbc(_cac(root, "PaymentTerms"), "Note", note)
        return
    means = _cac(root, "PaymentMeans")
    _cbc(means, "PaymentMeansCode", f.payment.means_code)
    _cbc(means, "PaymentID", f.payment.payment_id)
    account = _cac(means, "PayeeFinancialAccount")
    _cbc(account, "ID", f.payment.iban)
    _cbc(account, "Name", f.seller.name)
    if f.payment.bic:
        _cbc(_cac(account, "FinancialInstitutionBranch"), "ID", f.payment.bic)
    days = (f.due_date - f.issue_date).days
    _cbc(_cac(root, "PaymentTerms"), "Note", f"Payment within {days} days")


def _totals(root: etree._Element, f: InvoiceFacts) -> None:
    c = f.currency
    tax_total = _cac(root, "TaxTotal")
    _money(tax_total, "TaxAmount", f.vat_cents, c)
    for s in f.subtotals:
        sub = _cac(tax_total, "TaxSubtotal")
        _money(sub, "TaxableAmount", s.taxable_cents, c)
        _money(sub, "TaxAmount", s.vat_cents, c)
        category = _cac(sub, "TaxCategory")
        _cbc(category, "ID", s.category.value)
        _cbc(category, "Percent", percent(s.rate_bp))
        if s.exemption_code:
            _cbc(category, "TaxExemptionReasonCode", s.exemption_code)
        if s.exemption_reason:
            _cbc(category, "TaxExemptionReason", s.exemption_reason)
        _cbc(_cac(category, "TaxScheme"), "ID", "VAT")
    monetary = _cac(root, "LegalMonetaryTotal")
    _money(monetary, "LineExtensionAmount", sum(line.net_cents for line in f.lines), c)
    _money(monetary, "TaxExclusiveAmount", f.net_cents, c)
    _money(monetary, "TaxInclusiveAmount", f.total_cents, c)
    _money(monetary, "PayableAmount", f.total_cents, c)


def _line(root: etree._Element, f: InvoiceFacts, line: LineFacts) -> None:
    credit = f.kind is DocumentKind.CREDIT_NOTE
    element = _cac(root, "CreditNoteLine" if credit else "InvoiceLine")
    _cbc(element, "ID", line.line_id)
    quantity = "CreditedQuantity" if credit else "InvoicedQuantity"
    _cbc(element, quantity, str(line.quantity), unitCode=line.unit_code)
    _money(element, "LineExtensionAmount", line.net_cents, f.currency)
    item = _cac(element, "Item")
    if line.description:
        _cbc(item, "Description", line.description)
    _cbc(item, "Name", line.name)
    category = _cac(item, "ClassifiedTaxCategory")
    _cbc(category, "ID", line.vat_category.value)
    _cbc(category, "Percent", percent(line.vat_rate_bp))
    _cbc(_cac(category, "TaxScheme"), "ID", "VAT")
    _money(_cac(element, "Price"), "PriceAmount", line.unit_price_cents, f.currency)


def to_ubl(f: InvoiceFacts) -> bytes:
    """The Peppol BIS 3.0 Invoice (380) or CreditNote (381) of these facts, UTF-8 XML."""
    credit = f.kind is DocumentKind.CREDIT_NOTE
    ns = NS_CREDIT_NOTE if credit else NS_INVOICE
    nsmap: dict[str | None, str] = {None: ns, **NSMAP}
    root = etree.Element(f"{{{ns}}}{'CreditNote' if credit else 'Invoice'}", nsmap=nsmap)
    _header(root, f)
    _party(root, "AccountingSupplierParty", f.seller, seller=True)
    _party(root, "AccountingCustomerParty", f.buyer, seller=False)
    _payment(root, f)
    _totals(root, f)
    for line in f.lines:
        _line(root, f, line)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
