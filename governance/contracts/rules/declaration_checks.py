"""The automatic checks of a contract declaration, each with the sentence staff read, and the
route they decide: refused, to a staff decision, or approved automatically.

Pure: facts in, results out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from stdnum.eu import vat as eu_vat

from governance.contracts.rules.contract_amounts import euros, fee, invoice_amounts
from governance.contracts.rules.contracts import (
    DEFAULT_SETTINGS,
    ClientFacts,
    ClientKind,
    ContractDeclaration,
    ContractSettings,
    VatRegime,
)
from governance.contracts.rules.offices import WrongEmploymentLanguage, employment_language
from governance.kernel.rules import identifiers
from governance.kernel.rules.enums import Language, MemberStatus, Office
from governance.kernel.rules.errors import RuleViolation


class CheckCode(StrEnum):
    MEMBER_ACTIVE = "member_active"
    SHARE_COVERS_WORK_YEARS = "share_covers_work_years"
    CLIENT_IDENTIFIERS = "client_identifiers"
    DECLARED_BEFORE_WORK = "declared_before_work"
    AMOUNT_POSITIVE = "amount_positive"
    MINIMUM_GROSS_SALARY = "minimum_gross_salary"
    EMPLOYMENT_LANGUAGE = "employment_language"
    WORK_ABROAD_A1 = "work_abroad_a1"
    CLIENT_OUTSTANDING = "client_outstanding"
    FEE = "fee"
    APPROVAL_LEVEL = "approval_level"


class CheckOutcome(StrEnum):
    PASS = "pass"  # noqa: S105 - green, not a password
    REVIEW = "review"  # a staff member must look (A1, client debt, amount)
    FAIL = "fail"  # a rule is broken: the declaration is refused with the sentence


@dataclass(frozen=True)
class CheckResult:
    code: CheckCode
    outcome: CheckOutcome
    sentence: str


@dataclass(frozen=True)
class CheckFacts:
    """Everything the checks need, gathered by the service."""

    declaration: ContractDeclaration
    member_status: MemberStatus
    member_language: Language
    covered_years: frozenset[int]
    client_outstanding_cents: int
    submitted_on: date  # Brussels date the declaration arrived


def _ok(code: CheckCode, sentence: str) -> CheckResult:
    return CheckResult(code, CheckOutcome.PASS, sentence)


def _fail(code: CheckCode, sentence: str) -> CheckResult:
    return CheckResult(code, CheckOutcome.FAIL, sentence)


def _review(code: CheckCode, sentence: str) -> CheckResult:
    return CheckResult(code, CheckOutcome.REVIEW, sentence)


def check_member_active(status: MemberStatus) -> CheckResult:
    code = CheckCode.MEMBER_ACTIVE
    if status is MemberStatus.ACTIVE:
        return _ok(code, "The member is active.")
    if status is MemberStatus.RESTRICTED:
        return _fail(
            code,
            "The member's account is restricted: no new contract until staff lift the restriction.",
        )
    return _fail(
        code, f"The member is {status.value}, not active: only active members can declare work."
    )


def check_share_covers_work_years(
    covered_years: Iterable[int], work_days: Sequence[date]
) -> CheckResult:
    """One share per year of use: every year with a work day must be covered."""
    code = CheckCode.SHARE_COVERS_WORK_YEARS
    years = sorted({d.year for d in work_days})
    missing = [y for y in years if y not in set(covered_years)]
    if missing:
        listed = ", ".join(str(y) for y in missing)
        return _fail(
            code,
            f"No share covers {listed}: the member must subscribe a share for each year of work.",
        )
    return _ok(code, f"The member's shares cover {', '.join(str(y) for y in years)}.")


def check_client_identifiers(client: ClientFacts, regime: VatRegime) -> CheckResult:
    code = CheckCode.CLIENT_IDENTIFIERS
    try:
        identifiers.email(client.email, "client.email")
        if client.kind is ClientKind.COMPANY and client.country == "BE":
            if not client.enterprise_number:
                return _fail(
                    code,
                    "client.enterprise_number: a Belgian company needs its enterprise number (BCE/KBO).",
                )
            number = identifiers.enterprise_number(
                client.enterprise_number, "client.enterprise_number"
            )
            if (
                client.vat_number
                and identifiers.vat_number(client.vat_number, "client.vat_number") != "BE" + number
            ):
                return _fail(
                    code, "client.vat_number: the VAT number does not match the enterprise number."
                )
        elif client.kind is ClientKind.COMPANY:
            if not client.vat_number or not eu_vat.is_valid(client.vat_number):
                return _fail(
                    code,
                    f"client.vat_number: a company in {client.country} needs a valid EU VAT number.",
                )
    except RuleViolation as exc:
        return _fail(code, f"{exc}.")
    if regime is VatRegime.REVERSE_CHARGE and (
        client.kind is ClientKind.PERSON or not client.vat_number
    ):
        return _fail(code, "vat_regime: reverse charge needs a client company with a VAT number.")
    return _ok(code, "The client's identifiers are valid.")


def check_declared_before_work(submitted_on: date, first_day: date) -> CheckResult:
    """The Dimona must be filed before work starts: the declaration must come the day before at the latest."""
    code = CheckCode.DECLARED_BEFORE_WORK
    if submitted_on < first_day:
        return _ok(
            code,
            f"Declared on {submitted_on:%d/%m/%Y}, before the first day ({first_day:%d/%m/%Y}).",
        )
    return _fail(
        code,
        f"work_days: declared on {submitted_on:%d/%m/%Y}, not before the first work day "
        f"({first_day:%d/%m/%Y}): a Dimona must be filed before work starts.",
    )


def check_amount_positive(amount_cents: int) -> CheckResult:
    code = CheckCode.AMOUNT_POSITIVE
    if amount_cents > 0:
        return _ok(code, f"Amount {euros(amount_cents)} excl. VAT.")
    return _fail(
        code, f"amount_excl_vat_cents: the amount must be above zero (got {euros(amount_cents)})."
    )


def check_minimum_gross(amount_cents: int, days: int, settings: ContractSettings) -> CheckResult:
    code = CheckCode.MINIMUM_GROSS_SALARY
    gross = invoice_amounts(max(amount_cents, 0), VatRegime.EXEMPT, settings).gross_salary_cents
    minimum = settings.minimum_daily_gross_cents * days
    if gross >= minimum:
        return _ok(
            code,
            f"Estimated gross {euros(gross)} for {days} day(s) is at least the minimum {euros(minimum)}.",
        )
    return _fail(
        code,
        f"amount_excl_vat_cents: the estimated gross salary {euros(gross)} for {days} day(s) is below "
        f"the legal minimum {euros(minimum)} ({euros(settings.minimum_daily_gross_cents)} a day).",
    )


def check_employment_language(
    office: Office, chosen: Language | None, member_language: Language
) -> CheckResult:
    code = CheckCode.EMPLOYMENT_LANGUAGE
    try:
        language = employment_language(office, chosen or member_language)
    except WrongEmploymentLanguage as exc:
        return _fail(code, f"employment_language: {exc.message}.")
    return _ok(code, f"Employment documents in {language.value} (office {office.value}).")


def check_work_abroad(country: str) -> CheckResult:
    code = CheckCode.WORK_ABROAD_A1
    if country == "BE":
        return _ok(code, "Work in Belgium: no A1 needed.")
    return _review(
        code, f"Work in {country}: an A1 posting certificate must be requested before work starts."
    )


def check_client_outstanding(outstanding_cents: int, settings: ContractSettings) -> CheckResult:
    code = CheckCode.CLIENT_OUTSTANDING
    limit = settings.client_outstanding_limit_cents
    if outstanding_cents <= limit:
        return _ok(
            code, f"Client's unpaid invoices {euros(outstanding_cents)} (limit {euros(limit)})."
        )
    return _review(
        code,
        f"The client owes {euros(outstanding_cents)} in unpaid invoices, above the limit {euros(limit)}.",
    )


def check_fee(
    amount_cents: int, agreed_fee_cents: int | None, settings: ContractSettings
) -> CheckResult:
    code = CheckCode.FEE
    expected = fee(max(amount_cents, 0), settings)
    rate = f"{settings.fee_bp / 100:g}%"
    if agreed_fee_cents is not None and agreed_fee_cents != expected:
        return _fail(
            code,
            f"agreed_fee_cents: the fee stated ({euros(agreed_fee_cents)}) is not {rate} of the amount ({euros(expected)}).",
        )
    return _ok(code, f"Fee {euros(expected)} = {rate} of the amount excl. VAT.")


def required_approvals(amount_cents: int, settings: ContractSettings = DEFAULT_SETTINGS) -> int:
    """0: automatic when all green; 1: one staff member; 2: four-eyes."""
    if amount_cents >= settings.four_eyes_threshold_cents:
        return 2
    if amount_cents >= settings.auto_approval_threshold_cents:
        return 1
    return 0


def check_approval_level(amount_cents: int, settings: ContractSettings) -> CheckResult:
    code = CheckCode.APPROVAL_LEVEL
    level = required_approvals(amount_cents, settings)
    if level == 0:
        return _ok(
            code,
            f"Under {euros(settings.auto_approval_threshold_cents)}: approved automatically when all is green.",
        )
    if level == 1:
        return _review(
            code, f"From {euros(settings.auto_approval_threshold_cents)}: a staff member approves."
        )
    return _review(
        code,
        f"From {euros(settings.four_eyes_threshold_cents)}: two different staff members approve (four eyes).",
    )


def run_checks(
    facts: CheckFacts, settings: ContractSettings = DEFAULT_SETTINGS
) -> list[CheckResult]:
    """Every check, in the order staff read them."""
    d = facts.declaration
    return [
        check_member_active(facts.member_status),
        check_share_covers_work_years(facts.covered_years, d.work_days),
        check_client_identifiers(d.client, d.vat_regime),
        check_declared_before_work(facts.submitted_on, d.first_day),
        check_amount_positive(d.amount_excl_vat_cents),
        check_minimum_gross(d.amount_excl_vat_cents, len(d.work_days), settings),
        check_employment_language(d.office, d.employment_language, facts.member_language),
        check_work_abroad(d.work_country),
        check_client_outstanding(facts.client_outstanding_cents, settings),
        check_fee(d.amount_excl_vat_cents, d.agreed_fee_cents, settings),
        check_approval_level(d.amount_excl_vat_cents, settings),
    ]


class Route(StrEnum):
    AUTO_APPROVE = "auto_approve"
    STAFF_DECISION = "staff_decision"
    REFUSE = "refuse"


def route(results: Sequence[CheckResult]) -> Route:
    """Any broken rule refuses; anything to review goes to staff; all green is automatic."""
    outcomes = {r.outcome for r in results}
    if CheckOutcome.FAIL in outcomes:
        return Route.REFUSE
    if CheckOutcome.REVIEW in outcomes:
        return Route.STAFF_DECISION
    return Route.AUTO_APPROVE
