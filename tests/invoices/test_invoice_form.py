"""The invoice form rule: who gets a Peppol UBL invoice, who a PDF, and who is reverse-charged."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from governance.contracts.rules.contracts import ClientKind, VatRegime
from governance.contracts.rules.einvoice import (
    EU_COUNTRIES,
    FormReason,
    InvoiceClient,
    InvoiceForm,
    VatTreatment,
    invoice_form,
    regime_for,
)

BE_VAT = "BE0403019261"
FR_VAT = "FR40303265045"
DE_VAT = "DE136695976"


def test_a_belgian_vat_registered_business_gets_the_ubl_with_a_pdf_copy() -> None:
    decision = invoice_form(InvoiceClient(ClientKind.COMPANY, "BE", BE_VAT), VatRegime.STANDARD)
    assert decision.form is InvoiceForm.UBL_WITH_PDF_COPY
    assert decision.treatment is VatTreatment.BELGIAN_VAT
    assert decision.reason is FormReason.BELGIAN_BUSINESS


def test_a_belgian_business_declared_reverse_charge_is_the_belgian_cocontractor_scheme() -> None:
    decision = invoice_form(
        InvoiceClient(ClientKind.COMPANY, "BE", BE_VAT), VatRegime.REVERSE_CHARGE
    )
    assert decision.form is InvoiceForm.UBL_WITH_PDF_COPY
    assert decision.treatment is VatTreatment.REVERSE_CHARGE_BE


def test_a_belgian_body_without_vat_number_gets_a_pdf() -> None:
    decision = invoice_form(InvoiceClient(ClientKind.COMPANY, "BE", None), VatRegime.STANDARD)
    assert decision.form is InvoiceForm.PDF
    assert decision.reason is FormReason.NOT_VAT_REGISTERED


def test_an_eu_business_on_peppol_gets_ubl_under_reverse_charge() -> None:
    decision = invoice_form(
        InvoiceClient(ClientKind.COMPANY, "FR", FR_VAT, peppol_participant=True),
        VatRegime.STANDARD,
    )
    assert decision.form is InvoiceForm.UBL_WITH_PDF_COPY
    assert decision.treatment is VatTreatment.REVERSE_CHARGE_EU
    assert regime_for(decision.treatment, VatRegime.STANDARD) is VatRegime.REVERSE_CHARGE


def test_an_eu_business_off_peppol_gets_a_pdf_still_under_reverse_charge() -> None:
    decision = invoice_form(InvoiceClient(ClientKind.COMPANY, "DE", DE_VAT), VatRegime.STANDARD)
    assert decision.form is InvoiceForm.PDF
    assert decision.treatment is VatTreatment.REVERSE_CHARGE_EU
    assert decision.reason is FormReason.EU_BUSINESS_NOT_ON_PEPPOL


def test_a_vat_number_of_another_country_does_not_make_an_eu_business() -> None:
    decision = invoice_form(InvoiceClient(ClientKind.COMPANY, "DE", FR_VAT), VatRegime.STANDARD)
    assert decision.form is InvoiceForm.PDF
    assert decision.treatment is VatTreatment.BELGIAN_VAT


def test_a_private_person_and_a_non_eu_client_get_a_pdf_with_belgian_vat() -> None:
    person = invoice_form(InvoiceClient(ClientKind.PERSON, "BE", None), VatRegime.STANDARD)
    swiss = invoice_form(
        InvoiceClient(ClientKind.COMPANY, "CH", "CHE116281710", True), VatRegime.STANDARD
    )
    assert (person.form, person.reason) == (InvoiceForm.PDF, FormReason.PRIVATE_PERSON)
    assert (swiss.form, swiss.reason) == (InvoiceForm.PDF, FormReason.OUTSIDE_EU)


@given(
    kind=st.sampled_from(ClientKind),
    country=st.sampled_from(sorted(EU_COUNTRIES | {"CH", "US", "GB"})),
    vat=st.sampled_from([None, BE_VAT, FR_VAT, DE_VAT, "garbage"]),
    peppol=st.booleans(),
    regime=st.sampled_from(VatRegime),
)
def test_the_form_rule_holds_for_every_client(
    kind: ClientKind, country: str, vat: str | None, peppol: bool, regime: VatRegime
) -> None:
    decision = invoice_form(InvoiceClient(kind, country, vat, peppol), regime)
    valid_own_vat = vat is not None and vat[:2] == country
    business = kind is ClientKind.COMPANY and country in EU_COUNTRIES and valid_own_vat
    # only a VAT-registered EU business may receive the structured invoice
    assert decision.structured == (business and (country == "BE" or peppol))
    # reverse charge across the border exactly for EU businesses outside Belgium
    assert (decision.treatment is VatTreatment.REVERSE_CHARGE_EU) == (business and country != "BE")
    if kind is ClientKind.PERSON:
        assert decision.form is InvoiceForm.PDF
