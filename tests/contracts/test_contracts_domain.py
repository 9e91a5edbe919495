"""Pure contract rules: every check passes and fails, invoice arithmetic, four-eyes, Dimona."""

from __future__ import annotations

from datetime import date

import pytest
from contracts_helpers import client
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from stdnum.be import ogm_vcs

from governance.contracts.rules import contract_amounts as amounts
from governance.contracts.rules import contracts as c
from governance.contracts.rules import declaration_checks as checks
from governance.contracts.rules import staff_decisions as decisions
from governance.contracts.rules.contracts import ClientKind, VatRegime
from governance.contracts.rules.declaration_checks import CheckCode, CheckOutcome
from governance.contracts.rules.offices import employment_language
from governance.contracts.rules.staff_decisions import DecisionAction
from governance.kernel.rules.enums import Language, MemberStatus, Office
from governance.kernel.rules.errors import InvalidTransition, RuleViolation

S = c.DEFAULT_SETTINGS
PASS, FAIL, REVIEW = CheckOutcome.PASS, CheckOutcome.FAIL, CheckOutcome.REVIEW


def test_an_active_member_passes_and_a_restricted_one_is_refused_with_a_reason() -> None:
    assert checks.check_member_active(MemberStatus.ACTIVE).outcome is PASS
    restricted = checks.check_member_active(MemberStatus.RESTRICTED)
    assert restricted.outcome is FAIL and "restricted" in restricted.sentence
    assert checks.check_member_active(MemberStatus.RESIGNED).outcome is FAIL


def test_every_work_year_must_be_covered_by_a_share() -> None:
    days = [date(2026, 12, 31), date(2027, 1, 1)]
    assert checks.check_share_covers_work_years({2026, 2027}, days).outcome is PASS
    missing = checks.check_share_covers_work_years({2026}, days)
    assert missing.outcome is FAIL and "2027" in missing.sentence and "2026" not in missing.sentence
    assert checks.check_share_covers_work_years(set(), days[:1]).outcome is FAIL


def test_client_identifiers_are_checked_with_stdnum() -> None:
    std = VatRegime.STANDARD
    assert checks.check_client_identifiers(client(), std).outcome is PASS
    bad = checks.check_client_identifiers(client(enterprise_number="0403.019.262", vat_number=None), std)
    assert bad.outcome is FAIL and "client.enterprise_number" in bad.sentence
    other = checks.check_client_identifiers(client(vat_number="BE0202239951"), std)
    assert other.outcome is FAIL and "does not match" in other.sentence
    assert checks.check_client_identifiers(client(enterprise_number=None), std).outcome is FAIL
    assert checks.check_client_identifiers(client(email="not an address"), std).outcome is FAIL
    foreign = client(country="FR", enterprise_number=None, vat_number="FR40303265045")
    assert checks.check_client_identifiers(foreign, std).outcome is PASS
    assert checks.check_client_identifiers(foreign.model_copy(update={"vat_number": "FR00"}), std).outcome is FAIL
    person = client(kind=ClientKind.PERSON, enterprise_number=None, vat_number=None)
    assert checks.check_client_identifiers(person, std).outcome is PASS
    assert checks.check_client_identifiers(person, VatRegime.REVERSE_CHARGE).outcome is FAIL


def test_the_declaration_must_arrive_before_the_first_work_day() -> None:
    assert checks.check_declared_before_work(date(2026, 12, 2), date(2026, 12, 3)).outcome is PASS
    late = checks.check_declared_before_work(date(2026, 12, 3), date(2026, 12, 3))
    assert late.outcome is FAIL and "Dimona" in late.sentence


def test_the_amount_must_be_above_zero() -> None:
    assert checks.check_amount_positive(1).outcome is PASS
    assert checks.check_amount_positive(0).outcome is FAIL
    assert checks.check_amount_positive(-500).outcome is FAIL


def test_the_gross_salary_must_reach_the_daily_minimum() -> None:
    assert checks.check_minimum_gross(80_000, 2, S).outcome is PASS
    low = checks.check_minimum_gross(20_000, 2, S)
    assert low.outcome is FAIL and "legal minimum" in low.sentence
    # the exact edge: just enough for one day
    needed = next(a for a in range(9_000, 20_000) if amounts.invoice_amounts(a, VatRegime.EXEMPT).gross_salary_cents >= S.minimum_daily_gross_cents)
    assert checks.check_minimum_gross(needed, 1, S).outcome is PASS
    assert checks.check_minimum_gross(needed - 1, 1, S).outcome is FAIL


def test_work_abroad_needs_an_a1_step() -> None:
    assert checks.check_work_abroad("BE").outcome is PASS
    abroad = checks.check_work_abroad("FR")
    assert abroad.outcome is REVIEW and "A1" in abroad.sentence


def test_a_client_owing_more_than_the_limit_goes_to_staff() -> None:
    assert checks.check_client_outstanding(S.client_outstanding_limit_cents, S).outcome is PASS
    assert checks.check_client_outstanding(S.client_outstanding_limit_cents + 1, S).outcome is REVIEW


def test_the_fee_is_six_and_a_half_percent_and_a_wrong_stated_fee_fails() -> None:
    assert checks.check_fee(100_000, None, S).outcome is PASS
    assert checks.check_fee(100_000, 6_500, S).outcome is PASS
    wrong = checks.check_fee(100_000, 7_000, S)
    assert wrong.outcome is FAIL and "agreed_fee_cents" in wrong.sentence


def test_the_brussels_office_needs_french_or_dutch() -> None:
    assert checks.check_employment_language(Office.BRUXELLES, None, Language.NL).outcome is PASS
    assert checks.check_employment_language(Office.BRUXELLES, None, Language.EN).outcome is FAIL
    assert checks.check_employment_language(Office.BRUXELLES, Language.FR, Language.EN).outcome is PASS
    assert checks.check_employment_language(Office.EUPEN, None, Language.EN).outcome is PASS


@pytest.mark.parametrize(
    ("office", "expected"),
    [(Office.ANTWERPEN, "nl"), (Office.GENT, "nl"), (Office.KORTRIJK, "nl"), (Office.GENK, "nl"),
     (Office.CHARLEROI, "fr"), (Office.LIEGE, "fr"), (Office.MONS, "fr"), (Office.NAMUR, "fr"),
     (Office.TOURNAI, "fr"), (Office.EUPEN, "de")],
)
def test_the_office_decides_the_employment_language(office: Office, expected: str) -> None:
    for worker in Language:
        assert employment_language(office, worker).value == expected


def test_approval_level_by_amount() -> None:
    assert checks.required_approvals(S.auto_approval_threshold_cents - 1) == 0
    assert checks.required_approvals(S.auto_approval_threshold_cents) == 1
    assert checks.required_approvals(S.four_eyes_threshold_cents) == 2
    assert checks.check_approval_level(100, S).outcome is PASS
    assert "four eyes" in checks.check_approval_level(S.four_eyes_threshold_cents, S).sentence


def test_routing_refuses_on_a_failure_and_asks_staff_on_a_review() -> None:
    ok = checks.CheckResult(CheckCode.FEE, PASS, "")
    review = checks.CheckResult(CheckCode.WORK_ABROAD_A1, REVIEW, "")
    fail = checks.CheckResult(CheckCode.MEMBER_ACTIVE, FAIL, "")
    assert checks.route([ok]) is checks.Route.AUTO_APPROVE
    assert checks.route([ok, review]) is checks.Route.STAFF_DECISION
    assert checks.route([ok, review, fail]) is checks.Route.REFUSE


def test_invoice_arithmetic_rounds_half_up_to_the_cent() -> None:
    a = amounts.invoice_amounts(100_000, VatRegime.STANDARD)
    assert (a.vat_cents, a.total_cents, a.fee_cents, a.budget_cents) == (21_000, 121_000, 6_500, 93_500)
    assert amounts.invoice_amounts(10, VatRegime.STANDARD).fee_cents == 1  # 0.65 → 1
    assert amounts.invoice_amounts(30, VatRegime.STANDARD).fee_cents == 2  # 1.95 → 2
    assert amounts.fee(100) == 7  # 6.5 → 7 (half-up)
    assert amounts.invoice_amounts(50, VatRegime.REDUCED).vat_cents == 3  # 3.0
    assert amounts.invoice_amounts(25, VatRegime.REDUCED).vat_cents == 2  # 1.5 → 2
    assert amounts.invoice_amounts(1_234, VatRegime.REVERSE_CHARGE).vat_cents == 0
    assert amounts.invoice_amounts(1_234, VatRegime.EXEMPT).total_cents == 1_234
    assert amounts.half_up(-5, 10) == -1


@given(st.integers(min_value=1, max_value=10**9), st.sampled_from(list(VatRegime)))
def test_invoice_totals_add_up(amount: int, regime: VatRegime) -> None:
    a = amounts.invoice_amounts(amount, regime)
    assert a.total_cents == a.net_cents + a.vat_cents
    assert abs(a.fee_cents * 10_000 - amount * 650) <= 5_000  # within half a cent
    assert abs(a.vat_cents * 10_000 - amount * c.VAT_RATE_BP[regime]) <= 5_000
    assert a.budget_cents + a.fee_cents == amount
    assert a.gross_salary_cents <= a.budget_cents


def test_the_structured_communication_is_valid_for_stdnum_and_encodes_the_invoice() -> None:
    text = amounts.invoice_structured_communication(42)
    digits = "".join(ch for ch in text if ch.isdigit())
    assert text.startswith("+++") and text.endswith("+++")
    assert ogm_vcs.is_valid(digits) and digits.startswith("2") and int(digits[:10]) == 2_000_000_042
    with pytest.raises(RuleViolation):
        amounts.invoice_structured_communication(0)


def test_four_eyes_refuses_the_same_login_twice_and_refusals_need_a_reason() -> None:
    decisions.check_decision(DecisionAction.APPROVE, "anna", "", [])
    decisions.check_decision(DecisionAction.APPROVE, "bob", "", ["anna"])
    with pytest.raises(decisions.SameApproverTwice):
        decisions.check_decision(DecisionAction.APPROVE, " Anna ", "", ["anna"])
    with pytest.raises(decisions.ReasonMissing):
        decisions.check_decision(DecisionAction.REJECT, "anna", "  ", [])
    decisions.check_decision(DecisionAction.CORRECT, "anna", "add the client's VAT number", [])


def test_cancellation_only_before_the_first_work_day() -> None:
    decisions.check_cancellable(c.DeclarationStatus.APPROVED, date(2026, 12, 3), date(2026, 12, 2))
    with pytest.raises(decisions.CancellationTooLate):
        decisions.check_cancellable(c.DeclarationStatus.APPROVED, date(2026, 12, 3), date(2026, 12, 3))
    with pytest.raises(InvalidTransition):
        decisions.check_cancellable(c.DeclarationStatus.CANCELLED, date(2026, 12, 3), date(2026, 12, 1))


def test_dimona_in_before_work_and_out_the_next_working_day() -> None:
    friday = date(2026, 12, 4)
    deadlines = c.dimona_deadlines([friday, date(2026, 12, 3)])
    assert deadlines.in_by == date(2026, 12, 3)
    assert deadlines.out_by == date(2026, 12, 7)  # Monday


def test_the_declaration_form_sorts_days_and_refuses_duplicates() -> None:
    base = {"member_id": 1, "client": client(), "function": "DJ", "amount_excl_vat_cents": 1000,
            "office": Office.GENT}
    d = c.ContractDeclaration(work_days=[date(2026, 12, 5), date(2026, 12, 3)], **base)
    assert d.first_day == date(2026, 12, 3) and d.last_day == date(2026, 12, 5)
    with pytest.raises(ValidationError, match="twice"):
        c.ContractDeclaration(work_days=[date(2026, 12, 5), date(2026, 12, 5)], **base)
    with pytest.raises(ValidationError):
        c.ContractDeclaration(work_days=[], **base)
    schema = c.ContractDeclaration.model_json_schema()
    assert schema["properties"]["amount_excl_vat_cents"]["type"] == "integer"
    assert schema["properties"]["work_days"]["items"]["format"] == "date"


def test_settings_refuse_a_four_eyes_threshold_below_auto_approval() -> None:
    with pytest.raises(ValidationError):
        c.ContractSettings(auto_approval_threshold_cents=500_000, four_eyes_threshold_cents=100_000)
