"""Contract approval: the declaration, its automatic checks, invoice arithmetic, four-eyes.

Pure: facts in, decisions out. Money is integer cents; every percentage is in basis points
(1 bp = 0.01%) and every rounding is HALF-UP to the cent (0.5 cent goes up), done once per
amount: the fee, the VAT and the gross estimate are each rounded from exact fractions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from stdnum.eu import vat as eu_vat

from governance.contracts.rules.offices import WrongEmploymentLanguage, employment_language
from governance.kernel.rules import identifiers
from governance.kernel.rules.calendar import next_working_day
from governance.kernel.rules.enums import Language, MemberStatus, Office
from governance.kernel.rules.errors import InvalidTransition, RuleViolation
from governance.kernel.rules.text import OneLineText, Text


class ContractSettings(BaseModel):
    """Contract thresholds, set in the statutes' [contracts] table; [I] = our inference."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    auto_approval_threshold_cents: int = Field(
        250_000,
        gt=0,
        description="Below this amount excl. VAT an all-green declaration is approved automatically (€2,500) [I]",
    )
    four_eyes_threshold_cents: int = Field(
        1_000_000,
        gt=0,
        description="From this amount excl. VAT two different staff members must approve (€10,000) [I]",
    )
    minimum_daily_gross_cents: int = Field(
        9_500,
        gt=0,
        description="Legal minimum gross salary per day worked (≈ GMMMI / 21.67 days) [I]",
    )
    employer_contribution_bp: int = Field(
        2_700,
        ge=0,
        description="Employer social contributions on gross, to estimate the gross salary (27%) [I]",
    )
    fee_bp: int = Field(
        650, ge=0, le=10_000, description="Cooperative fee: 6.5% of the amount excl. VAT [S]"
    )
    client_outstanding_limit_cents: int = Field(
        500_000,
        ge=0,
        description="Unpaid invoices of a client above this → staff review (€5,000) [I]",
    )
    payment_term_days: int = Field(30, ge=1, le=120, description="Invoice payment term in days [I]")
    decision_due_hours: int = Field(
        48, ge=1, description="A staff decision not taken in this time is escalated"
    )
    joint_committee: str = Field(
        "200", description="Joint committee (CP/PC) declared in the Dimona [I]"
    )
    dimona_worker_type: str = Field("OTH", description="Dimona worker type [I]")
    hours_per_day: int = Field(
        8, ge=1, le=12, description="Working hours per work day stated in the contract [I]"
    )
    weekly_hours_full_time: int = Field(
        38, ge=1, le=40, description="Full-time weekly hours of the work rules [I]"
    )

    @model_validator(mode="after")
    def _thresholds_ordered(self) -> ContractSettings:
        if self.four_eyes_threshold_cents < self.auto_approval_threshold_cents:
            raise ValueError(
                "the four-eyes threshold must not be below the auto-approval threshold"
            )
        return self


DEFAULT_SETTINGS = ContractSettings()  # the defaults; the values in force come from the statutes


class VatRegime(StrEnum):
    STANDARD = "standard_21"
    REDUCED = "reduced_6"
    REVERSE_CHARGE = "reverse_charge"  # 0%: the client (a VAT-registered company) self-assesses
    EXEMPT = "exempt"  # 0%: exempt service (VAT code art. 44)


VAT_RATE_BP: dict[VatRegime, int] = {
    VatRegime.STANDARD: 2_100,
    VatRegime.REDUCED: 600,
    VatRegime.REVERSE_CHARGE: 0,
    VatRegime.EXEMPT: 0,
}


class ClientKind(StrEnum):
    PERSON = "person"
    COMPANY = "company"


class DeclarationStatus(StrEnum):
    SUBMITTED = "submitted"
    AWAITING_DECISION = "awaiting_decision"
    CORRECTION_REQUESTED = "correction_requested"
    APPROVED = "approved"
    REFUSED = "refused"
    CANCELLED = "cancelled"


class ClientFacts(BaseModel):
    """The client as the member declares it."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    kind: ClientKind = Field(
        ClientKind.COMPANY, title="Client kind", description="A company or a private person"
    )
    name: OneLineText = Field(..., min_length=1, max_length=200, title="Client name")
    enterprise_number: OneLineText | None = Field(
        None,
        max_length=20,
        title="Enterprise number (BCE/KBO)",
        description="Belgian companies: 10 digits, e.g. 0403.019.261",
    )
    vat_number: OneLineText | None = Field(
        None,
        max_length=20,
        title="VAT number",
        description="BE + enterprise number, or the EU VAT number of a foreign client",
    )
    street: OneLineText = Field("", max_length=200, title="Street and number")
    postcode: OneLineText = Field("", max_length=12, title="Postcode")
    city: OneLineText = Field("", max_length=120, title="City")
    country: str = Field("BE", pattern=r"^[A-Z]{2}$", title="Country (ISO code)")
    email: OneLineText = Field(
        ...,
        max_length=254,
        title="Contact e-mail",
        description="Receives the agreement and the invoice",
    )
    language: Language = Field(
        Language.FR,
        title="Client's language",
        description="Language of the client agreement and invoice",
    )


class ContractDeclaration(BaseModel):
    """A job declared by a member (Prefect UI form or a batch import line)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    member_id: int = Field(..., gt=0, title="Member", description="The member's id")
    client: ClientFacts = Field(..., title="Client")
    function: OneLineText = Field(
        ...,
        min_length=2,
        max_length=120,
        title="Function",
        description="e.g. sound engineer, illustrator",
    )
    description: Text = Field("", max_length=2000, title="Description of the work")
    work_days: list[date] = Field(
        ...,
        min_length=1,
        max_length=60,
        title="Days worked",
        description="Each date worked (YYYY-MM-DD)",
    )
    work_country: str = Field(
        "BE",
        pattern=r"^[A-Z]{2}$",
        title="Country of work",
        description="ISO code; outside BE needs an A1",
    )
    work_city: OneLineText = Field("", max_length=120, title="City of work")
    risks: Text = Field(
        "",
        max_length=500,
        title="Risks",
        description="Work at height, machines, travel... (empty: none)",
    )
    amount_excl_vat_cents: int = Field(
        ...,
        title="Amount excl. VAT (cents)",
        description="Plain number of euro cents: 150000 means €1,500.00",
    )
    vat_regime: VatRegime = Field(VatRegime.STANDARD, title="VAT regime")
    office: Office = Field(
        ..., title="Office", description="Decides the language of the employment contract"
    )
    employment_language: Language | None = Field(
        None,
        title="Employment language (Brussels)",
        description="Brussels only: fr or nl; empty = the member's language",
    )
    agreed_fee_cents: int | None = Field(
        None,
        title="Fee stated on the import (cents)",
        description="Optional: checked against 6.5% of the amount",
    )
    external_ref: OneLineText | None = Field(
        None,
        max_length=60,
        title="Import reference",
        description="Unique per declaration: importing it twice is a no-op",
    )

    @field_validator("work_days")
    @classmethod
    def _sorted_unique(cls, days: list[date]) -> list[date]:
        if len(set(days)) != len(days):
            raise ValueError("a day is listed twice")
        return sorted(days)

    @property
    def first_day(self) -> date:
        return self.work_days[0]

    @property
    def last_day(self) -> date:
        return self.work_days[-1]


# --------------------------------------------------------------------------- money


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


# --------------------------------------------------------------------------- checks


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


def euros(cents: int) -> str:
    """€1,234.56 for staff sentences (documents use Babel)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}€{abs(cents) // 100:,}.{abs(cents) % 100:02d}"


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


# --------------------------------------------------------------------------- staff decisions


class DecisionAction(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    CORRECT = "correct"  # ask the member to correct the declaration


class SameApproverTwice(RuleViolation):
    code = "same_approver_twice"


class ReasonMissing(RuleViolation):
    code = "reason_missing"


class CancellationTooLate(RuleViolation):
    code = "cancellation_too_late"


def check_decision(
    action: DecisionAction, staff: str, reason: str, approvers: Sequence[str]
) -> None:
    """Four eyes: a login that approved already cannot approve again; refusals need a reason."""
    if action is DecisionAction.APPROVE and staff.strip().lower() in {
        a.strip().lower() for a in approvers
    }:
        raise SameApproverTwice(
            f"{staff} already approved this declaration: a second, different staff member must approve",
            field="staff",
        )
    if action is not DecisionAction.APPROVE and not reason.strip():
        raise ReasonMissing("give the reason the member will read", field="reason")


def check_decidable(status: DeclarationStatus) -> None:
    if status is not DeclarationStatus.AWAITING_DECISION:
        raise InvalidTransition(
            f"the declaration is {status.value}: no decision is awaited", field="status"
        )


def check_cancellable(status: DeclarationStatus, first_day: date, today: date) -> None:
    """Only before the first work day, and only a declaration not already closed."""
    if status in (DeclarationStatus.CANCELLED, DeclarationStatus.REFUSED):
        raise InvalidTransition(f"the declaration is already {status.value}", field="status")
    if today >= first_day:
        raise CancellationTooLate(
            f"work starts on {first_day:%d/%m/%Y}: a contract can only be cancelled before its first work day",
            field="work_days",
        )


# --------------------------------------------------------------------------- Dimona


@dataclass(frozen=True)
class DimonaDeadlines:
    in_by: date  # IN at the latest when work starts (before the start of the first day)
    out_by: date  # OUT by the next working day after the last day


def dimona_deadlines(work_days: Sequence[date]) -> DimonaDeadlines:
    return DimonaDeadlines(in_by=min(work_days), out_by=next_working_day(max(work_days)))
