"""Invoice facts for each client kind and VAT case (the coop's own data are the settings' defaults)."""

from __future__ import annotations

from datetime import date

from governance.contracts.rules.contracts import ClientKind, VatRegime
from governance.contracts.rules.einvoice import (
    ContractInvoiceInput,
    DocumentKind,
    InvoiceClient,
    InvoiceFacts,
    PartyFacts,
    belgian_endpoint,
    contract_invoice,
)

COOP = PartyFacts(
    name="SmartCoop SC",
    street="Rue Coenraets 72",
    postcode="1060",
    city="Saint-Gilles",
    country="BE",
    vat_number="BE0896755397",
    enterprise_number="0896755397",
    email="invoices@smart.coop",
    peppol_scheme="0208",
    peppol_id="0896755397",
    legal_form="SC/CV",
)

CLIENTS: dict[str, tuple[PartyFacts, InvoiceClient]] = {
    "belgian_business": (
        PartyFacts(
            "Théâtre & Co SRL",
            "Rue Haute 1",
            "1000",
            "Bruxelles",
            "BE",
            "BE0403019261",
            "0403019261",
            "compta@theatre.be",
            *belgian_endpoint("0403019261", "BE0403019261"),
        ),
        InvoiceClient(ClientKind.COMPANY, "BE", "BE0403019261", True),
    ),
    "french_business_on_peppol": (
        PartyFacts(
            "Festival d'Avignon SA",
            "Cour du Palais",
            "84000",
            "Avignon",
            "FR",
            "FR40303265045",
            "",
            "compta@festival.fr",
            "9957",
            "FR40303265045",
        ),
        InvoiceClient(ClientKind.COMPANY, "FR", "FR40303265045", True),
    ),
    "german_business_off_peppol": (
        PartyFacts("Kunsthalle GmbH", "Hauptstr. 3", "10115", "Berlin", "DE", "DE136695976"),
        InvoiceClient(ClientKind.COMPANY, "DE", "DE136695976", False),
    ),
    "private_person": (
        PartyFacts("Anne Dupont", "Rue de la Loi 16", "1000", "Bruxelles", "BE"),
        InvoiceClient(ClientKind.PERSON, "BE", None),
    ),
}


def facts(
    case: str = "belgian_business",
    regime: VatRegime = VatRegime.STANDARD,
    net_cents: int = 150_000,
    kind: DocumentKind = DocumentKind.INVOICE,
    days: tuple[date, ...] = (date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)),
    pdf: bytes | None = b"%PDF-1.4 visual copy",
) -> InvoiceFacts:
    buyer, client = CLIENTS[case]
    made = contract_invoice(
        ContractInvoiceInput(
            kind=kind,
            number="F2026-000001" if kind is DocumentKind.INVOICE else "NC2026-000001",
            issue_date=date(2026, 2, 20),
            due_date=date(2026, 3, 22),
            language="fr",
            seller=COOP,
            buyer=buyer,
            client=client,
            declared_regime=regime,
            function="Sound engineer",
            description="Sound for three concerts",
            work_days=days,
            net_cents=net_cents,
            iban="BE71096123456769",
            bic="GKCCBEBB",
            structured_communication="+++200/0000/04213+++",
            buyer_reference="C-000042",
            billing_reference="F2026-000001" if kind is DocumentKind.CREDIT_NOTE else "",
            billing_reference_date=date(2026, 2, 20) if kind is DocumentKind.CREDIT_NOTE else None,
        )
    )
    from dataclasses import replace

    return replace(made, pdf=pdf)
