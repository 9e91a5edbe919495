"""Contract money: the invoice arithmetic, the fee and the invoice's structured communication.

Pure. Money is integer cents; every percentage is in basis points (1 bp = 0.01%) and every
rounding is HALF-UP to the cent (0.5 cent goes up), done once per amount: the fee, the VAT and the
gross estimate are each rounded from exact fractions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from governance.contracts.rules.contracts import (
    DEFAULT_SETTINGS,
    VAT_RATE_BP,
    ContractSettings,
    VatRegime,
)
from governance.kernel.rules import identifiers
from governance.kernel.rules.errors import RuleViolation


def half_up(numerator: int, denominator: int) -> int:
    """numerator/denominator rounded half-up (away from zero on .5) to an integer."""
    sign = -1 if (numerator < 0) != (denominator < 0) else 1
    n, d = abs(numerator), abs(denominator)
    return sign * ((2 * n + d) // (2 * d))


@dataclass(frozen=True)
class InvoiceAmounts:
    net_cents: int
    vat_regime: VatRegime
    vat_rate_bp: int
    vat_cents: int
    total_cents: int
    fee_cents: int
    budget_cents: int  # what is left for the member's employment: net − fee
    gross_salary_cents: int  # estimated gross salary: budget / (1 + employer contributions)


def fee(amount_excl_vat_cents: int, settings: ContractSettings = DEFAULT_SETTINGS) -> int:
    """The cooperative's fee: fee_bp of the amount excl. VAT, half-up to the cent."""
    return half_up(amount_excl_vat_cents * settings.fee_bp, 10_000)


def invoice_amounts(
    amount_excl_vat_cents: int, regime: VatRegime, settings: ContractSettings = DEFAULT_SETTINGS
) -> InvoiceAmounts:
    """Net, VAT, total, fee and the resulting gross salary estimate."""
    rate = VAT_RATE_BP[regime]
    vat = half_up(amount_excl_vat_cents * rate, 10_000)
    fee_cents = fee(amount_excl_vat_cents, settings)
    budget = amount_excl_vat_cents - fee_cents
    gross = half_up(budget * 10_000, 10_000 + settings.employer_contribution_bp)
    return InvoiceAmounts(
        amount_excl_vat_cents,
        regime,
        rate,
        vat,
        amount_excl_vat_cents + vat,
        fee_cents,
        budget,
        gross,
    )


def payment_due_on(issued_on: date, settings: ContractSettings = DEFAULT_SETTINGS) -> date:
    return issued_on + timedelta(days=settings.payment_term_days)


STRUCTURED_COMMUNICATION_PREFIX = 2_000_000_000  # contract invoices: 2xxxxxxxxx, other areas differ


def invoice_structured_communication(declaration_id: int) -> str:
    """+++2dd/dddd/ddddd+++ encoding the contract (one invoice each): a bank line finds it alone."""
    if not 0 < declaration_id < 1_000_000_000:
        raise RuleViolation(
            f"declaration id {declaration_id} is out of range", field="declaration_id"
        )
    return identifiers.structured_communication(STRUCTURED_COMMUNICATION_PREFIX + declaration_id)


def euros(cents: int) -> str:
    """€1,234.56 for staff sentences (documents use Babel)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}€{abs(cents) // 100:,}.{abs(cents) % 100:02d}"
