"""Reading an e-invoice back for its checks: the parsed document, a rule, its failure.

Pure: XML bytes in, values out (lxml, no network, no entities).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from lxml import etree

from governance.contracts.rules.ubl import CAC, CBC, NS_CREDIT_NOTE
from governance.kernel.rules.errors import RuleViolation

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


# --------------------------------------------------------------------------- rule helpers


def required(path: str) -> Check:
    return lambda d: None if d.text(path) else f"{path} is missing or empty"


def each_line(path: str) -> Check:
    def check(d: Doc) -> str | None:
        for n, line in enumerate(d.lines(), start=1):
            if not d.text(path.replace("QTY", d.qty_tag), line):
                return f"line {n}"
        return None

    return check


def equal(label: str, left: Decimal | None, right: Decimal | None) -> str | None:
    if left is None or right is None or left != right:
        return f"{label}: {left} ≠ {right}"
    return None


def line_sum(d: Doc, category: str | None = None, rate: Decimal | None = None) -> Decimal:
    total = Decimal(0)
    for line in d.lines():
        tax = "cac:Item/cac:ClassifiedTaxCategory/"
        if category is not None and d.text(tax + "cbc:ID", line) != category:
            continue
        if rate is not None and d.amount(tax + "cbc:Percent", line) != rate:
            continue
        total += d.amount("cbc:LineExtensionAmount", line) or Decimal(0)
    return total


def line_categories(d: Doc) -> set[str]:
    return {d.text("cac:Item/cac:ClassifiedTaxCategory/cbc:ID", line) for line in d.lines()}


def subtotals_of(d: Doc, category: str) -> list[etree._Element]:
    return [s for s in d.subtotals() if d.text("cac:TaxCategory/cbc:ID", s) == category]


PARTY = {
    "seller": "cac:AccountingSupplierParty/cac:Party/",
    "buyer": "cac:AccountingCustomerParty/cac:Party/",
}


def parse(xml: bytes) -> Doc:
    """Parse an e-invoice safely (no network, no entities)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return Doc(etree.fromstring(xml, parser))
