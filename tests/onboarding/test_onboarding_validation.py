"""Application validation: every error names its field; stdnum's own vectors and hand-made ones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from onboarding_samples import NOW, bce, company, person
from pydantic import ValidationError

from governance.kernel.rules.enums import MemberKind
from governance.members.rules.application_form import (
    Application,
    ConsentMissing,
    InvalidApplication,
    parse_application,
    validate_application,
)
from governance.members.rules.onboarding import ReviewReason
from governance.statutes import get_statutes


def check(data: dict) -> object:  # type: ignore[type-arg]
    return validate_application(parse_application(data), get_statutes(), NOW)


def errors_of(data: dict) -> dict[str, str]:  # type: ignore[type-arg]
    with pytest.raises(InvalidApplication) as info:
        check(data)
    return {e.field or "": e.message for e in info.value.errors}


@pytest.mark.parametrize(
    ("nn", "birth"),
    [
        ("85 07 30 033 28", "1985-07-30"),  # stdnum be.nn docstring
        ("17 07 30 033 84", "2017-07-30"),  # stdnum be.nn: born from 2000 ("2" prefix)
        ("98 47 28 997 65", "1998-07-28"),  # stdnum be.bis docstring
        ("01 49 07 001 85", "2001-09-07"),  # stdnum be.bis: BIS number born from 2000
    ],
)
def test_national_and_bis_numbers_from_stdnum_are_accepted(nn: str, birth: str) -> None:
    valid = check(person(national_number=nn, birth_date=birth))
    assert valid.national_number == nn.replace(" ", "")  # type: ignore[attr-defined]


def test_a_wrong_check_digit_names_the_national_number_field() -> None:
    problems = errors_of(person(national_number="85.07.30-033.29"))
    assert problems == {
        "national_number": "the national number has a wrong check digit: check every digit "
        "against the identity card"
    }


def test_stdnum_invalid_vector_is_refused() -> None:
    assert "national_number" in errors_of(person(national_number="12345678901"))


def test_birth_date_must_match_the_national_number() -> None:
    problems = errors_of(person(birth_date="1985-07-31"))
    assert "does not match the national number, which gives 30/07/1985" in problems["birth_date"]
    assert "033" not in problems["birth_date"]  # the number itself is never repeated


def test_a_person_without_national_number_goes_to_review() -> None:
    valid = check(person(national_number=None))
    assert valid.review_reasons == (ReviewReason.NO_NATIONAL_NUMBER,)  # type: ignore[attr-defined]


def test_a_minor_goes_to_review() -> None:
    valid = check(person(national_number="17 07 30 033 84", birth_date="2017-07-30"))
    assert ReviewReason.MINOR in valid.review_reasons  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "number", ["0403.019.261", "BE 428759497", bce("10000000"), bce("19999999")]
)
def test_enterprise_numbers_including_the_1_series_are_accepted(number: str) -> None:
    valid = check(company(company_number=number, vat_number=None))
    assert valid.company_number and len(valid.company_number) == 10  # type: ignore[attr-defined]


def test_enterprise_number_with_a_wrong_check_is_refused() -> None:
    problems = errors_of(company(company_number="BE431150351", vat_number=None))  # stdnum vector
    assert problems["company_number"].endswith("has a wrong check digit")


def test_the_vat_number_must_be_the_enterprise_number() -> None:
    problems = errors_of(company(vat_number="BE0428759497"))
    assert "is not the enterprise number 0403019261" in problems["vat_number"]


@pytest.mark.parametrize(
    ("iban", "fragment"),
    [
        ("BE41091811735141", "wrong check digit in the account number"),  # stdnum: national check
        ("BE83138811735115", "bank code 138"),  # stdnum: unknown bank code
        ("BE71096123456760", "wrong check digit"),
    ],
)
def test_belgian_ibans_get_the_national_check(iban: str, fragment: str) -> None:
    assert fragment in errors_of(person(iban=iban))["iban"]


def test_a_foreign_iban_is_accepted() -> None:
    assert check(person(iban="FR14 2004 1010 0505 0001 3M02 606")).iban.startswith("FR")  # type: ignore[attr-defined]


def test_every_missing_consent_is_named() -> None:
    problems = errors_of(person(privacy_policy_accepted_at=None, capital_risk_accepted_at=None))
    assert set(problems) == {"privacy_policy_accepted_at", "capital_risk_accepted_at"}
    assert "risk of losing share capital" in problems["capital_risk_accepted_at"]


def test_a_consent_dated_in_the_future_is_refused() -> None:
    later = (NOW + timedelta(days=1)).isoformat()
    assert "in the future" in errors_of(person(internal_rules_accepted_at=later))[
        "internal_rules_accepted_at"
    ]


def test_all_problems_are_reported_at_once() -> None:
    problems = errors_of(
        person(
            last_name="",
            email="zoe at example.org",
            postcode="10600",
            shares=0,
            share_class="A",
            attestation="plus",
        )
    )
    assert set(problems) == {"last_name", "email", "postcode", "shares", "attestation_expires_on"}
    assert problems["shares"] == "at least 1 share(s) of class A must be subscribed"


def test_unknown_share_class_and_company_fields_on_a_person() -> None:
    problems = errors_of(person(share_class="Z", company_number="0403019261"))
    assert "unknown share class 'Z'" in problems["share_class"]
    assert problems["company_number"] == "only for companies: leave it empty"


def test_type_errors_become_field_errors() -> None:
    problems = errors_of(person(birth_date="30/07/1985", shares="two", email=...))
    assert set(problems) == {"birth_date", "shares", "email"}
    assert problems["email"] == "this field is required"


def test_consent_errors_are_their_own_rule() -> None:
    with pytest.raises(InvalidApplication) as info:
        check(person(privacy_policy_accepted_at=None))
    assert isinstance(info.value.errors[0], ConsentMissing)


def test_the_form_never_prints_the_national_number() -> None:
    app = Application.model_validate(person())
    assert "85" not in repr(app).replace("example", "") and "033" not in str(app)


def test_the_form_schema_is_a_good_ui_form() -> None:
    schema = Application.model_json_schema()
    props = schema["properties"]
    assert all("title" in p or "$ref" in p for p in props.values())  # enums: the def's title
    assert all("description" in p for p in props.values() if "$ref" in p)
    assert props["national_number"]["format"] == "password"
    assert "Decimal" not in str(schema) and schema["$defs"]["MemberKind"]["enum"] == [
        k.value for k in MemberKind
    ]


def test_extra_fields_are_refused() -> None:
    with pytest.raises(ValidationError):
        Application.model_validate(person(favourite_colour="blue"))


def test_an_accented_e_mail_address_is_refused_with_a_reason() -> None:
    assert "accented" in errors_of(person(email="amélie@example.org"))["email"]
