"""UBL generation and the rule set: valid invoices pass, a broken one fails each rule by its id."""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from invoice_samples import facts
from lxml import etree

from governance.contracts.rules.contract_amounts import invoice_amounts
from governance.contracts.rules.contracts import VatRegime
from governance.contracts.rules.einvoice import DocumentKind, regime_for
from governance.contracts.rules.ubl import CUSTOMIZATION_ID, PROFILE_ID, amount, to_ubl
from governance.contracts.rules.ubl_rules import NS, RULE_IDS, EInvoiceRejected, failures, validate

SELLER = "cac:AccountingSupplierParty/cac:Party/"
BUYER = "cac:AccountingCustomerParty/cac:Party/"
LINE = "cac:InvoiceLine/"


def _tree(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


def _find(root: etree._Element, path: str) -> etree._Element:
    found = root.xpath(path, namespaces=NS)
    assert found, path
    return found[0]


def remove(path: str) -> Callable[[etree._Element], None]:
    def mutate(root: etree._Element) -> None:
        element = _find(root, path)
        element.getparent().remove(element)

    return mutate


def set_text(path: str, text: str) -> Callable[[etree._Element], None]:
    def mutate(root: etree._Element) -> None:
        _find(root, path).text = text

    return mutate


def duplicate(path: str) -> Callable[[etree._Element], None]:
    def mutate(root: etree._Element) -> None:
        element = _find(root, path)
        element.addnext(copy.deepcopy(element))

    return mutate


def move_to_end(path: str) -> Callable[[etree._Element], None]:
    def mutate(root: etree._Element) -> None:
        root.append(_find(root, path))

    return mutate


def set_attribute(path: str, name: str, value: str) -> Callable[[etree._Element], None]:
    def mutate(root: etree._Element) -> None:
        _find(root, path).set(name, value)

    return mutate


def append(path: str, tag: str, text: str) -> Callable[[etree._Element], None]:
    def mutate(root: etree._Element) -> None:
        etree.SubElement(_find(root, path), f"{{{NS['cbc']}}}{tag}").text = text

    return mutate


def both(*steps: Callable[[etree._Element], None]) -> Callable[[etree._Element], None]:
    def mutate(root: etree._Element) -> None:
        for step in steps:
            step(root)

    return mutate


AE = {"case": "french_business_on_peppol"}
AE_SUB = "cac:TaxTotal/cac:TaxSubtotal[cac:TaxCategory/cbc:ID='AE']"
E = {"regime": VatRegime.EXEMPT}
SUB = "cac:TaxTotal/cac:TaxSubtotal"
LINE_TAX = LINE + "cac:Item/cac:ClassifiedTaxCategory/"
# rule id -> (sample invoice, how it is broken)
BROKEN: dict[str, tuple[dict[str, object], Callable[[etree._Element], None]]] = {
    "COOP-UBL-STRUCTURE": ({}, move_to_end("cbc:IssueDate")),
    "BR-01": ({}, remove("cbc:CustomizationID")),
    "BR-02": ({}, set_text("cbc:ID", "")),
    "BR-03": ({}, remove("cbc:IssueDate")),
    "BR-04": ({}, remove("cbc:InvoiceTypeCode")),
    "BR-05": ({}, remove("cbc:DocumentCurrencyCode")),
    "BR-06": ({}, remove(SELLER + "cac:PartyLegalEntity/cbc:RegistrationName")),
    "BR-07": ({}, set_text(BUYER + "cac:PartyLegalEntity/cbc:RegistrationName", " ")),
    "BR-08": ({}, remove(SELLER + "cac:PostalAddress")),
    "BR-09": ({}, remove(SELLER + "cac:PostalAddress/cac:Country")),
    "BR-10": ({}, remove(BUYER + "cac:PostalAddress")),
    "BR-11": ({}, set_text(BUYER + "cac:PostalAddress/cac:Country/cbc:IdentificationCode", "")),
    "BR-16": ({}, remove("cac:InvoiceLine")),
    "BR-21": ({}, set_text(LINE + "cbc:ID", "")),
    "BR-22": ({}, remove(LINE + "cbc:InvoicedQuantity")),
    "BR-24": ({}, remove(LINE + "cbc:LineExtensionAmount")),
    "BR-25": ({}, remove(LINE + "cac:Item/cbc:Name")),
    "BR-26": ({}, remove(LINE + "cac:Price/cbc:PriceAmount")),
    "BR-61": ({}, remove("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID")),
    "BR-CO-09": ({}, set_text(SELLER + "cac:PartyTaxScheme/cbc:CompanyID", "0896755397")),
    "BR-CO-10": ({}, set_text("cac:LegalMonetaryTotal/cbc:LineExtensionAmount", "1.00")),
    "BR-CO-13": ({}, set_text("cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount", "1499.99")),
    "BR-CO-14": ({}, set_text("cac:TaxTotal/cbc:TaxAmount", "315.01")),
    "BR-CO-15": ({}, set_text("cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", "1815.01")),
    "BR-CO-16": ({}, set_text("cac:LegalMonetaryTotal/cbc:PayableAmount", "1815.10")),
    "BR-CO-25": ({}, both(remove("cbc:DueDate"), remove("cac:PaymentTerms"))),
    "BR-CO-26": (
        {},
        both(
            remove(SELLER + "cac:PartyTaxScheme"),
            remove(SELLER + "cac:PartyLegalEntity/cbc:CompanyID"),
        ),
    ),
    "BR-S-08": ({}, set_text("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount", "1400.00")),
    "BR-S-09": ({}, set_text("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount", "300.00")),
    "BR-AE-01": (AE, duplicate(AE_SUB)),
    "BR-AE-02": (AE, remove(BUYER + "cac:PartyTaxScheme")),
    "BR-AE-05": (AE, set_text(LINE + "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", "21.00")),
    "BR-AE-08": (AE, set_text(AE_SUB + "/cbc:TaxableAmount", "10.00")),
    "BR-AE-09": (AE, set_text(AE_SUB + "/cbc:TaxAmount", "315.00")),
    "BR-AE-10": (
        AE,
        both(
            remove(AE_SUB + "/cac:TaxCategory/cbc:TaxExemptionReasonCode"),
            remove(AE_SUB + "/cac:TaxCategory/cbc:TaxExemptionReason"),
        ),
    ),
    "BR-E-10": (
        {"regime": VatRegime.EXEMPT},
        both(
            remove("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode"),
            remove("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason"),
        ),
    ),
    "BR-S-01": ({}, remove(SUB)),
    "BR-S-02": ({}, remove(SELLER + "cac:PartyTaxScheme")),
    "BR-S-05": ({}, set_text(LINE_TAX + "cbc:Percent", "0.00")),
    "BR-S-10": ({}, append(SUB + "/cac:TaxCategory", "TaxExemptionReason", "none")),
    "BR-E-01": (E, duplicate(SUB)),
    "BR-E-02": (E, remove(SELLER + "cac:PartyTaxScheme")),
    "BR-E-05": (E, set_text(LINE_TAX + "cbc:Percent", "6.00")),
    "BR-E-08": (E, set_text(SUB + "/cbc:TaxableAmount", "1.00")),
    "BR-E-09": (E, set_text(SUB + "/cbc:TaxAmount", "1.00")),
    "BR-CO-04": ({}, remove(LINE_TAX + "cbc:ID")),
    "BR-CO-18": ({}, remove(SUB)),
    "BR-DEC-09": ({}, set_text("cac:LegalMonetaryTotal/cbc:LineExtensionAmount", "1500.001")),
    "BR-DEC-12": ({}, set_text("cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount", "1500.001")),
    "BR-DEC-13": ({}, set_text("cac:TaxTotal/cbc:TaxAmount", "315.001")),
    "BR-DEC-14": ({}, set_text("cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", "1815.001")),
    "BR-DEC-18": ({}, set_text("cac:LegalMonetaryTotal/cbc:PayableAmount", "1815.001")),
    "BR-DEC-23": ({}, set_text(LINE + "cbc:LineExtensionAmount", "1500.001")),
    "PEPPOL-EN16931-R001": ({}, remove("cbc:ProfileID")),
    "PEPPOL-EN16931-R002": (AE, duplicate("cbc:Note")),
    "PEPPOL-EN16931-R004": ({}, set_text("cbc:CustomizationID", "urn:cen.eu:en16931:2017")),
    "PEPPOL-EN16931-R008": ({}, set_text("cbc:BuyerReference", "")),
    "PEPPOL-EN16931-R120": ({}, set_text(LINE + "cac:Price/cbc:PriceAmount", "400.00")),
    "PEPPOL-EN16931-P0100": ({}, set_text("cbc:InvoiceTypeCode", "999")),
    "PEPPOL-EN16931-P0101": (
        {"kind": DocumentKind.CREDIT_NOTE},
        set_text("cbc:CreditNoteTypeCode", "380"),
    ),
    "PEPPOL-EN16931-CL008": ({}, set_attribute(SELLER + "cbc:EndpointID", "schemeID", "BE:EN")),
    "PEPPOL-EN16931-R003": ({}, remove("cbc:BuyerReference")),
    "PEPPOL-EN16931-R007": ({}, set_text("cbc:ProfileID", "billing")),
    "PEPPOL-EN16931-R010": ({}, remove(BUYER + "cbc:EndpointID")),
    "PEPPOL-EN16931-R020": ({}, remove(SELLER + "cbc:EndpointID")),
    "PEPPOL-EN16931-R053": ({}, duplicate("cac:TaxTotal")),
    "PEPPOL-COMMON-R043": ({}, set_text(BUYER + "cbc:EndpointID", "0403019262")),
    "BE-OGM-01": ({}, set_text("cac:PaymentMeans/cbc:PaymentID", "200000004214")),
    "COOP-CN-01": ({"kind": DocumentKind.CREDIT_NOTE}, remove("cac:BillingReference")),
}


def test_every_rule_of_the_set_has_a_broken_invoice() -> None:
    assert set(BROKEN) == set(RULE_IDS)


@pytest.mark.parametrize("rule_id", sorted(BROKEN))
def test_a_broken_invoice_fails_the_rule_by_its_identifier(rule_id: str) -> None:
    sample, mutate = BROKEN[rule_id]
    xml = to_ubl(facts(**sample))  # type: ignore[arg-type]
    assert failures(xml) == []  # the sample passes before it is broken
    root = _tree(xml)
    mutate(root)
    broken = etree.tostring(root)
    failed = {f.rule_id: f for f in failures(broken)}
    assert rule_id in failed, failed
    with pytest.raises(EInvoiceRejected) as raised:
        validate(broken)
    assert f"[{rule_id}]" in str(raised.value)
    assert failed[rule_id].message  # a sentence staff read


@pytest.mark.parametrize(
    "sample",
    [
        {},
        {"regime": VatRegime.REDUCED},
        {"regime": VatRegime.EXEMPT},
        {"regime": VatRegime.REVERSE_CHARGE},
        {"case": "french_business_on_peppol"},
        {"kind": DocumentKind.CREDIT_NOTE},
        {"net_cents": 100_001},  # not a whole price per day: one service
        {"pdf": None},
    ],
)
def test_each_client_kind_and_vat_case_gives_a_valid_peppol_document(
    sample: dict[str, object],
) -> None:
    xml = to_ubl(facts(**sample))  # type: ignore[arg-type]
    assert failures(xml) == []


def test_the_ubl_states_every_mandatory_mention_read_back_from_the_xml() -> None:
    root = _tree(to_ubl(facts()))

    def text(path: str) -> str:
        return str(_find(root, path).text)

    assert text("cbc:CustomizationID") == CUSTOMIZATION_ID
    assert text("cbc:ProfileID") == PROFILE_ID
    assert text("cbc:InvoiceTypeCode") == "380"
    assert _find(root, SELLER + "cbc:EndpointID").get("schemeID") == "0208"
    assert text(BUYER + "cbc:EndpointID") == "0403019261"
    assert text(BUYER + "cac:PartyTaxScheme/cbc:CompanyID") == "BE0403019261"
    assert text("cac:InvoicePeriod/cbc:StartDate") == "2026-03-02"
    assert text("cac:InvoicePeriod/cbc:EndDate") == "2026-03-04"
    assert text(LINE + "cbc:InvoicedQuantity") == "3"
    assert _find(root, LINE + "cbc:InvoicedQuantity").get("unitCode") == "DAY"
    assert text(LINE + "cac:Price/cbc:PriceAmount") == "500.00"
    assert text("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent") == "21.00"
    assert text("cac:TaxTotal/cbc:TaxAmount") == "315.00"
    assert text("cac:LegalMonetaryTotal/cbc:PayableAmount") == "1815.00"
    assert text("cac:PaymentMeans/cbc:PaymentID") == "200000004213"
    assert text("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == "BE71096123456769"
    embedded = _find(root, "cac:AdditionalDocumentReference/cac:Attachment/*")
    assert embedded.get("mimeCode") == "application/pdf"
    assert base64.b64decode(str(embedded.text)) == b"%PDF-1.4 visual copy"


def test_a_reverse_charge_invoice_names_both_vat_numbers_and_its_basis() -> None:
    root = _tree(to_ubl(facts("french_business_on_peppol")))
    assert _find(root, SELLER + "cac:PartyTaxScheme/cbc:CompanyID").text == "BE0896755397"
    assert _find(root, BUYER + "cac:PartyTaxScheme/cbc:CompanyID").text == "FR40303265045"
    assert "Art. 196 Directive 2006/112/EC" in str(_find(root, "cbc:Note").text)
    assert _find(root, "cac:TaxTotal/cbc:TaxAmount").text == "0.00"


def test_a_credit_note_is_type_381_and_references_the_invoice() -> None:
    root = _tree(to_ubl(facts(kind=DocumentKind.CREDIT_NOTE)))
    assert etree.QName(root).localname == "CreditNote"
    assert _find(root, "cbc:CreditNoteTypeCode").text == "381"
    assert (
        _find(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID").text
        == "F2026-000001"
    )
    assert _find(root, "cac:CreditNoteLine/cbc:CreditedQuantity").text == "3"


def test_text_that_looks_like_markup_is_data_and_not_xml_is_refused() -> None:
    assert failures(b"<Invoice") and failures(b"<Invoice")[0].rule_id == "COOP-UBL-STRUCTURE"


@settings(max_examples=60, deadline=None)
@given(
    net_cents=st.integers(min_value=1, max_value=10**9),
    days=st.integers(min_value=1, max_value=60),
    regime=st.sampled_from(VatRegime),
    case=st.sampled_from(["belgian_business", "french_business_on_peppol"]),
    kind=st.sampled_from(DocumentKind),
)
def test_any_contract_gives_a_valid_document_whose_totals_are_the_invoice_amounts(
    net_cents: int, days: int, regime: VatRegime, case: str, kind: DocumentKind
) -> None:
    from datetime import date, timedelta

    work = tuple(date(2026, 3, 2) + timedelta(days=d) for d in range(days))
    f = facts(case, regime=regime, net_cents=net_cents, kind=kind, days=work, pdf=None)
    xml = to_ubl(f)
    assert failures(xml) == []
    expected = invoice_amounts(net_cents, regime_of(f, regime))
    root = _tree(xml)
    payable = _find(root, "cac:LegalMonetaryTotal/cbc:PayableAmount").text
    assert payable == amount(expected.total_cents)
    assert _find(root, "cac:TaxTotal/cbc:TaxAmount").text == amount(expected.vat_cents)


def regime_of(f, declared: VatRegime) -> VatRegime:  # type: ignore[no-untyped-def]
    """Across the EU border the invoice is reverse-charged whatever was declared."""
    return regime_for(f.form.treatment, declared)
