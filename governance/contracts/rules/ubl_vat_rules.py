"""EN 16931 VAT category rules for the categories the cooperative invoices: standard rated (S),
reverse charge (AE) and exempt (E). Each rule is written from its published text and checked on
the parsed XML; the same numbering runs through the three families (01: a breakdown for the
category, 02: the VAT identifiers, 05: the line rate, 08: the taxable amount, 09: the VAT
amount, 10: the exemption reason)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from governance.contracts.rules.ubl_doc import (
    CENT,
    PARTY,
    Check,
    Doc,
    Rule,
    equal,
    line_categories,
    line_sum,
    subtotals_of,
)

LINE_TAX = "cac:Item/cac:ClassifiedTaxCategory/"
NAMES = {"S": "standard-rated", "AE": "reverse-charge", "E": "exempt"}


def _when_lines(category: str, check: Check) -> Check:
    """The rule applies only to an invoice with a line of this category."""
    return lambda d: check(d) if category in line_categories(d) else None


def _breakdowns(category: str, exactly_one: bool) -> Check:
    def check(d: Doc) -> str | None:
        count = len(subtotals_of(d, category))
        ok = count == 1 if exactly_one else count >= 1
        return None if ok else f"{count} {NAMES[category]} breakdown(s)"

    return _when_lines(category, check)


def _seller_vat(buyer_too: bool) -> Callable[[str], Check]:
    def for_category(category: str) -> Check:
        def check(d: Doc) -> str | None:
            seller = d.text(PARTY["seller"] + "cac:PartyTaxScheme/cbc:CompanyID")
            if not seller:
                return "no seller VAT identifier"
            if buyer_too and not (
                d.text(PARTY["buyer"] + "cac:PartyTaxScheme/cbc:CompanyID")
                or d.text(PARTY["buyer"] + "cac:PartyLegalEntity/cbc:CompanyID")
            ):
                return "no buyer VAT identifier or legal registration identifier"
            return None

        return _when_lines(category, check)

    return for_category


def _line_rate(category: str) -> Check:
    def check(d: Doc) -> str | None:
        for n, line in enumerate(d.lines(), start=1):
            if d.text(LINE_TAX + "cbc:ID", line) != category:
                continue
            rate = d.amount(LINE_TAX + "cbc:Percent", line)
            ok = rate is not None and (rate > 0 if category == "S" else rate == 0)
            if not ok:
                return f"line {n} rate {rate}"
        return None

    return check


def _taxable(category: str) -> Check:
    def check(d: Doc) -> str | None:
        for s in subtotals_of(d, category):
            rate = d.amount("cac:TaxCategory/cbc:Percent", s) if category == "S" else None
            label = f"{category} {rate if rate is not None else ''} taxable"
            problem = equal(label, d.amount("cbc:TaxableAmount", s), line_sum(d, category, rate))
            if problem:
                return problem
        return None

    return check


def _vat_amount(category: str) -> Check:
    def check(d: Doc) -> str | None:
        for s in subtotals_of(d, category):
            expected = Decimal(0)
            if category == "S":
                rate = d.amount("cac:TaxCategory/cbc:Percent", s) or Decimal(0)
                taxable = d.amount("cbc:TaxableAmount", s) or Decimal(0)
                expected = (taxable * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
            problem = equal(f"{category} VAT", d.amount("cbc:TaxAmount", s), expected)
            if problem:
                return problem
        return None

    return check


def _exemption(category: str) -> Check:
    def check(d: Doc) -> str | None:
        for s in subtotals_of(d, category):
            given = d.text("cac:TaxCategory/cbc:TaxExemptionReasonCode", s) or d.text(
                "cac:TaxCategory/cbc:TaxExemptionReason", s
            )
            if category == "S" and given:
                return "standard-rated breakdown with an exemption reason"
            if category != "S" and not given:
                return f"{NAMES[category]} breakdown without reason"
        return None

    return check


def _family(category: str, texts: dict[str, str], seller: Callable[[str], Check]) -> list[Rule]:
    checks: dict[str, Check] = {
        "01": _breakdowns(category, exactly_one=category != "S"),
        "02": seller(category),
        "05": _line_rate(category),
        "08": _taxable(category),
        "09": _vat_amount(category),
        "10": _exemption(category),
    }
    return [Rule(f"BR-{category}-{n}", texts[n], checks[n]) for n in sorted(checks)]


VAT_RULES: tuple[Rule, ...] = (
    *_family(
        "S",
        {
            "01": "An invoice with a standard-rated line must have at least one standard-rated VAT breakdown.",
            "02": "An invoice with a standard-rated line must contain the seller's VAT identifier.",
            "05": "A standard-rated invoice line must have a VAT rate above zero.",
            "08": "For each standard-rated VAT rate, the taxable amount must equal the sum of the line net amounts at that rate.",
            "09": "For each standard-rated VAT rate, the VAT amount must equal the taxable amount times the rate.",
            "10": "A standard-rated VAT breakdown must not give an exemption reason.",
        },
        _seller_vat(buyer_too=False),
    ),
    *_family(
        "AE",
        {
            "01": "An invoice with a reverse-charge line must have exactly one reverse-charge VAT breakdown.",
            "02": "An invoice with a reverse-charge line must contain the seller's VAT identifier and the buyer's VAT identifier or legal registration identifier.",
            "05": "A reverse-charge invoice line must have a VAT rate of 0.",
            "08": "The reverse-charge taxable amount must equal the sum of the reverse-charge line net amounts.",
            "09": "The reverse-charge VAT amount must be 0.",
            "10": "A reverse-charge VAT breakdown must give an exemption reason code or text.",
        },
        _seller_vat(buyer_too=True),
    ),
    *_family(
        "E",
        {
            "01": "An invoice with an exempt line must have exactly one exempt VAT breakdown.",
            "02": "An invoice with an exempt line must contain the seller's VAT identifier.",
            "05": "An exempt invoice line must have a VAT rate of 0.",
            "08": "The exempt taxable amount must equal the sum of the exempt line net amounts.",
            "09": "The exempt VAT amount must be 0.",
            "10": "An exempt VAT breakdown must give an exemption reason code or text.",
        },
        _seller_vat(buyer_too=False),
    ),
)  # fmt: skip
