"""E-invoices: invoice facts → Peppol BIS 3.0 UBL → the project's rule set, per invoice.

Pure CPU (no database, no files): what building and validating the UBL adds to each contract of
the daily batch, without and with the PDF visual copy embedded (base64)."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import date, timedelta

from bench.result import Result, Stopwatch
from governance.contracts.rules.contracts import ClientKind, VatRegime
from governance.contracts.rules.einvoice import (
    ContractInvoiceInput,
    DocumentKind,
    InvoiceClient,
    InvoiceFacts,
    PartyFacts,
    contract_invoice,
)
from governance.contracts.rules.ubl import to_ubl
from governance.contracts.rules.ubl_rules import failures

COOP = PartyFacts(
    "SmartCoop SC", "Rue Coenraets 72", "1060", "Saint-Gilles", "BE", "BE0896755397",
    "0896755397", "", "0208", "0896755397",
)  # fmt: skip
BUYERS = [
    (
        PartyFacts("Théâtre SRL", "Rue Haute 1", "1000", "Bruxelles", "BE", "BE0403019261",
                   "0403019261", "", "0208", "0403019261"),
        InvoiceClient(ClientKind.COMPANY, "BE", "BE0403019261", True),
    ),
    (
        PartyFacts("Festival SA", "Cour du Palais", "84000", "Avignon", "FR", "FR40303265045",
                   "", "", "9957", "FR40303265045"),
        InvoiceClient(ClientKind.COMPANY, "FR", "FR40303265045", True),
    ),
]  # fmt: skip


def _input(i: int) -> ContractInvoiceInput:
    buyer, client = BUYERS[i % 2]
    first = date(2026, 3, 2) + timedelta(days=i % 200)
    kind = DocumentKind.CREDIT_NOTE if i % 50 == 49 else DocumentKind.INVOICE
    return ContractInvoiceInput(
        kind=kind,
        number=f"F2026-{i + 1:07d}",
        issue_date=date(2026, 2, 20),
        due_date=date(2026, 3, 22),
        language="fr",
        seller=COOP,
        buyer=buyer,
        client=client,
        declared_regime=VatRegime.REDUCED if i % 7 == 0 else VatRegime.STANDARD,
        function="Sound engineer",
        description=f"Concert {i}",
        work_days=tuple(first + timedelta(days=d) for d in range(1 + i % 3)),
        net_cents=50_000 + 137 * i,
        iban="BE71096123456769",
        bic="GKCCBEBB",
        structured_communication="+++200/0000/04213+++",
        buyer_reference=f"C-{i:06d}",
        billing_reference="F2026-0000001" if kind is DocumentKind.CREDIT_NOTE else "",
    )


def _measure(size: int, pdf: bytes | None) -> tuple[float, dict[str, float], int]:
    watch = Stopwatch()
    start = time.perf_counter()
    with watch("facts"):
        facts: list[InvoiceFacts] = [
            replace(contract_invoice(_input(i)), pdf=pdf) for i in range(size)
        ]
    with watch("UBL"):
        documents = [to_ubl(f) for f in facts]
    with watch("validation"):
        failed = sum(1 for xml in documents if failures(xml))
    return time.perf_counter() - start, watch.phases, failed


def run(quick: bool) -> list[Result]:
    size = 200 if quick else 2000
    copy = b"%PDF-1.4\n" + os.urandom(60_000)  # a 2-page visual copy is ~60 KB
    results = []
    for name, pdf in (("UBL + validation", None), ("UBL + 60 KB PDF copy + validation", copy)):
        seconds, phases, failed = _measure(size, pdf)
        assert failed == 0, f"{failed} sample invoices break a rule"
        per = phases["validation"] / size * 1000
        results.append(
            Result(
                f"e-invoices: {name}",
                size,
                seconds,
                target="< 5 ms per invoice",
                breakdown={k: round(v, 3) for k, v in phases.items()},
                notes=f"validation {per:.2f} ms per invoice; {len(BUYERS)} client kinds, "
                "1 in 50 a credit note",
            )
        )
    return results
