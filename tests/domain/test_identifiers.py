"""Belgian identifiers: vectors from python-stdnum's docstrings/tests and computed mod-97 ones."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.be import ogm_vcs

from governance.clock import business_today
from governance.kernel.rules.errors import RuleViolation
from governance.kernel.rules.identifiers import (
    InvalidIdentifier,
    bic_for_iban,
    birth_date_from_national_number,
    check_birth_date_matches,
    email,
    enterprise_number,
    format_enterprise_number,
    format_national_number,
    iban,
    national_number,
    parse_structured_communication,
    structured_communication,
    vat_number,
)


def _nn(first_nine: str, *, born_2000s: bool) -> str:
    """Build a national number the way the register does (check on "2" + digits from 2000)."""
    base = int(("2" if born_2000s else "") + first_nine)
    return f"{first_nine}{97 - base % 97:02d}"


def _bce(first_eight: str) -> str:
    return f"{first_eight}{97 - int(first_eight) % 97:02d}"


# --------------------------------------------------------------------------- national number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("85.07.30-033 28", "85073003328"),  # stdnum docstring
        ("85 07 30 033 28", "85073003328"),
        ("85073003328", "85073003328"),
        ("  85.07.30-033.28  ", "85073003328"),
        ("17 07 30 033 84", "17073003384"),  # born 2017: check computed on 2 + digits
        ("75.06.08-980.09", "75060898009"),  # stdnum tests (female)
        ("00000100166", "00000100166"),  # unknown birth date, 1900 series
        ("00000100195", "00000100195"),  # unknown birth date, 2000 series
        ("00010000135", "00010000135"),  # only year and month known (2000-01)
        ("85073500107", "85073500107"),  # unknown day (35)
    ],
)
def test_national_number_valid(raw: str, expected: str) -> None:
    assert national_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("98.47.28-997.65", "98472899765"),  # stdnum docstring, month + 40
        ("01 49 07 001 85", "01490700185"),  # born 2001, BIS
        ("75.46.08-980.95", "75460898095"),
        ("75.26.08-980.52", "75260898052"),  # month + 20: gender unknown
        ("00400100155", "00400100155"),  # BIS with unknown birth date
        ("00200100141", "00200100141"),
    ],
)
def test_bis_numbers_are_accepted(raw: str, expected: str) -> None:
    assert national_number(raw) == expected


def test_births_from_2000_use_the_2_prefix() -> None:
    born_2005 = _nn("050312123", born_2000s=True)
    assert born_2005 == "05031212360"
    assert national_number(born_2005) == born_2005
    assert birth_date_from_national_number(born_2005) == date(2005, 3, 12)
    # The same first nine digits with a 1900-style check digit belong to someone born in 1905.
    born_1905 = _nn("050312123", born_2000s=False)
    assert birth_date_from_national_number(born_1905) == date(1905, 3, 12)
    assert birth_date_from_national_number(_nn("241231002", born_2000s=True)) == date(2024, 12, 31)


def test_birth_year_in_the_future_is_not_a_2000s_number() -> None:
    # A 2000-series check for a year that has not happened yet is refused by stdnum.
    future = _nn(f"{(business_today().year + 1) % 100:02d}0101001", born_2000s=True)
    with pytest.raises(InvalidIdentifier, match="wrong check digit"):
        national_number(future)


def test_bis_numbers_from_2000() -> None:
    bis_2005 = _nn("054212345", born_2000s=True)
    assert national_number(bis_2005) == bis_2005
    assert birth_date_from_national_number(bis_2005) == date(2005, 2, 12)


def test_wrong_check_digit_message_shows_formatted_number() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        national_number("85.07.30-033.62")
    assert info.value.message.startswith("the national number has a wrong check digit")
    assert "033" not in info.value.message  # the number itself is never repeated
    assert info.value.field == "national_number"
    assert isinstance(info.value, RuleViolation)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("12345678901", "wrong check digit"),  # stdnum docstring
        ("85073003327", "wrong check digit"),
        ("8507300332", "must have 11 digits"),
        ("850730033281", "must have 11 digits"),
        ("85O73003328", "must have 11 digits"),  # letter O typed for a zero
        ("85133000105", "valid birth date"),  # month 13 with a correct check digit
        ("85333000148", "valid birth date"),  # BIS month 33 (13 + 20)
        ("85533000191", "valid birth date"),  # BIS month 53 (13 + 40)
    ],
)
def test_national_number_invalid(raw: str, fragment: str) -> None:
    with pytest.raises(InvalidIdentifier, match=fragment):
        national_number(raw)


@pytest.mark.parametrize("raw", ["", "   "])
def test_national_number_empty(raw: str) -> None:
    with pytest.raises(InvalidIdentifier, match="empty"):
        national_number(raw, field="member.national_number")


def test_custom_field_name_is_kept() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        national_number("12345678901", field="partner_nn")
    assert info.value.field == "partner_nn"
    assert (
        str(info.value).startswith("partner_nn: the national number has a wrong check digit")
    )


def test_format_national_number() -> None:
    assert format_national_number("85073003328") == "85.07.30-033.28"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("85.07.30-033 28", date(1985, 7, 30)),
        ("17 07 30 033 84", date(2017, 7, 30)),
        ("98.47.28-997.65", date(1998, 7, 28)),
        ("01 49 07 001 85", date(2001, 9, 7)),
        ("00000100166", None),  # unknown date (fictitious 1900-00-01)
        ("00000100195", None),  # unknown date (fictitious 2000-00-01)
        ("00000000128", None),  # only the year (2000) is known
        ("00010000135", None),  # only year and month known
        ("85073500107", None),  # day 35: unknown day
        ("00400100155", None),  # BIS, unknown date
        ("85473500193", None),  # BIS, unknown day
    ],
)
def test_birth_date_from_national_number(raw: str, expected: date | None) -> None:
    assert birth_date_from_national_number(raw) == expected


def test_birth_date_from_invalid_number_raises() -> None:
    with pytest.raises(InvalidIdentifier):
        birth_date_from_national_number("12345678901")


@pytest.mark.parametrize(
    ("nn", "birth_date"),
    [
        ("85073003328", date(1985, 7, 30)),
        ("17073003384", date(2017, 7, 30)),
        ("98472899765", date(1998, 7, 28)),  # BIS
        ("00400100155", date(1970, 1, 1)),  # BIS with unknown date: anything goes
        ("00000100166", date(1930, 5, 17)),  # NN with unknown date
        ("00000000128", date(2000, 6, 1)),  # only the year 2000 is known
        ("85473500193", date(1985, 7, 19)),  # BIS, only year and month known
    ],
)
def test_birth_date_matches(nn: str, birth_date: date) -> None:
    check_birth_date_matches(nn, birth_date, "birth_date")


@pytest.mark.parametrize(
    ("nn", "birth_date"),
    [
        ("85073003328", date(1985, 7, 31)),
        ("85073003328", date(1985, 6, 30)),
        ("17073003384", date(1917, 7, 30)),  # right day, wrong century
        ("98472899765", date(1998, 8, 28)),
        ("00000000128", date(1999, 6, 1)),
        ("85473500193", date(1985, 8, 19)),
    ],
)
def test_birth_date_mismatch(nn: str, birth_date: date) -> None:
    with pytest.raises(InvalidIdentifier, match="does not match the national number") as info:
        check_birth_date_matches(nn, birth_date, "member.birth_date")
    assert info.value.field == "member.birth_date"


def test_birth_date_mismatch_message() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        check_birth_date_matches("85.07.30-033.28", date(1985, 7, 31), "birth_date")
    assert info.value.message == (
        "the birth date 31/07/1985 does not match the national number, "
        "which gives 30/07/1985"
    )


# --------------------------------------------------------------------------- enterprise number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("BE403019261", "0403019261"),  # stdnum docstring, old 9-digit form
        ("(0)403019261", "0403019261"),
        ("BE 428759497", "0428759497"),
        ("0403.019.261", "0403019261"),
        ("0403 019 261", "0403019261"),
        ("be0403019261", "0403019261"),
        ("1001.234.592", "1001234592"),  # 1-series (issued since 2023)
        ("1009876502", "1009876502"),
        ("BE 1000.000.021", "1000000021"),
    ],
)
def test_enterprise_number_valid(raw: str, expected: str) -> None:
    assert enterprise_number(raw) == expected


def test_one_series_numbers_are_computed_with_mod_97() -> None:
    for first_eight in ("10012345", "10023456", "10098765", "19999999"):
        number = _bce(first_eight)
        assert enterprise_number(number) == number


def test_enterprise_number_wrong_check_digit() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        enterprise_number("BE431150351")  # stdnum docstring
    assert info.value.message == "the enterprise number 0431.150.351 has a wrong check digit"
    assert info.value.field == "enterprise_number"


@pytest.mark.parametrize(
    "raw",
    [
        "2403019261",  # starts with 2
        "9" + _bce("10012345")[1:],  # starts with 9
        "04030192",  # too short
        "04030192611",  # too long
        "BE0000000000",  # stdnum tests: all zeroes
        "000000",
        "ABCDEFGHIJ",
    ],
)
def test_enterprise_number_invalid_format(raw: str) -> None:
    with pytest.raises(InvalidIdentifier, match="must have 10 digits and start with 0 or 1"):
        enterprise_number(raw)


def test_format_enterprise_number() -> None:
    assert format_enterprise_number("0403019261") == "0403.019.261"
    assert format_enterprise_number("BE 403019261") == "0403.019.261"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("BE0403019261", "BE0403019261"),
        ("BE 0403.019.261", "BE0403019261"),
        ("0403.019.261", "BE0403019261"),
        ("BE403019261", "BE0403019261"),
        ("BE1001234592", "BE1001234592"),
    ],
)
def test_vat_number_valid(raw: str, expected: str) -> None:
    assert vat_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("FR40303265045", "not a Belgian one"),
        ("NL004495445B01", "not a Belgian one"),
        ("BE0403019262", "the VAT number 0403.019.262 has a wrong check digit"),
        ("BE12345", "the VAT number BE12345 is not valid"),
    ],
)
def test_vat_number_invalid(raw: str, fragment: str) -> None:
    with pytest.raises(InvalidIdentifier, match=fragment) as info:
        vat_number(raw)
    assert info.value.field == "vat_number"


# --------------------------------------------------------------------------- IBAN


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("BE71 0961 2345 6769", "BE71096123456769"),
        ("be71 0961 2345 6769", "BE71096123456769"),
        ("BE32 123-4567890-02", "BE32123456789002"),  # stdnum docstring, old account layout
        ("BE 80.3850.5900.6577", "BE80385059006577"),  # stdnum tests
        ("BE 48 3200 7018 4927", "BE48320070184927"),
        ("BE54310100270097", "BE54310100270097"),  # national check 97, not 00
        ("BE45102000000089", "BE45102000000089"),  # known bank code without a BIC
        ("NL91 ABNA 0417 1643 00", "NL91ABNA0417164300"),
        ("FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("GB29 NWBK 6016 1331 9268 19", "GB29NWBK60161331926819"),
        ("LU28 0019 4006 4475 0000", "LU280019400644750000"),
    ],
)
def test_iban_valid(raw: str, expected: str) -> None:
    assert iban(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("BE71 0961 2345 6760", "has a wrong check digit"),
        ("BE48320070184928", "has a wrong check digit"),
        ("NL91ABNA0417164301", "has a wrong check digit"),
        ("DE89370400440532013001", "has a wrong check digit"),
        # IBAN check digits fine, Belgian account check digits wrong (stdnum docstring)
        ("BE41091811735141", "wrong check digit in the account number"),
        ("BE54310100270000", "wrong check digit"),
        # unknown Belgian bank codes: schwifty accepts them, stdnum.be.iban does not
        ("BE83138811735115", "bank code 138, which no Belgian bank uses"),
        ("BE68539007547034", "bank code 539, which no Belgian bank uses"),
        ("XX89370400440532013000", "known country code"),
        ("NL91ABNA041716430", "wrong number of characters"),
        ("BE7109612345676", "wrong number of characters"),
        ("AO56425919801776595932552", "not in the official IBAN registry"),
    ],
)
def test_iban_invalid(raw: str, fragment: str) -> None:
    with pytest.raises(InvalidIdentifier, match=fragment) as info:
        iban(raw, field="member.iban")
    assert info.value.field == "member.iban"


def test_iban_message_is_readable() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        iban("BE71096123456760")
    assert info.value.message == "the IBAN BE71 0961 2345 6760 has a wrong check digit"


@pytest.mark.parametrize(
    ("raw", "bic"),
    [
        ("BE71 0961 2345 6769", "GKCCBEBB"),
        ("BE 48 3200 7018 4927", "BBRUBEBB"),
        ("BE 03 7310 1866 4084", "KREDBEBB"),
        ("BE 05 0013 6299 3375", "GEBABEBB"),
        ("BE 30 6451 0272 0611", "JVBABE22"),
        ("be 54 9799 7279 3197", "ARSPBE22"),
        ("NL91ABNA0417164300", "ABNANL2A"),
        ("DE89370400440532013000", "COBADEFFXXX"),
    ],
)
def test_bic_for_iban(raw: str, bic: str) -> None:
    assert bic_for_iban(raw) == bic


def test_bic_for_iban_of_former_bpost_bank() -> None:
    # stdnum still says PCHQBEBB (bpost bank); schwifty's newer registry says GEBABEBB.
    assert bic_for_iban("BE 48 6792 0055 0227") in {"GEBABEBB", "PCHQBEBB"}


def test_bic_for_iban_unknown_bank_is_none() -> None:
    assert bic_for_iban("BE45102000000089") is None


def test_bic_for_invalid_iban_raises() -> None:
    with pytest.raises(InvalidIdentifier):
        bic_for_iban("BE71096123456760")


# --------------------------------------------------------------------------- e-mail


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("jean.dupont@smart.coop", "jean.dupont@smart.coop"),
        ("Jean.Dupont@SMart.BE", "Jean.Dupont@smart.be"),  # the local part keeps its case
        ("  marie+parts@example.be ", "marie+parts@example.be"),
        ("a@b.co", "a@b.co"),
        ("o'brien@mail.example.ie", "o'brien@mail.example.ie"),
        ("info@xn--caf-dma.be", "info@xn--caf-dma.be"),
        ("info@Café.be", "info@xn--caf-dma.be"),  # an accented domain travels as IDNA
    ],
)
def test_email_valid(raw: str, expected: str) -> None:
    assert email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("jean dupont@smart.be", "spaces"),
        ("jean.dupont@smart .be", "spaces"),
        ("jean\t@smart.be", "spaces"),
        ("Jean <jean@smart.be>", "spaces"),
        ("jean@smart.be, marie@smart.be", "spaces"),
        ("jean.dupont.smart.be", "exactly one @"),
        ("jean@dupont@smart.be", "exactly one @"),
        ("@smart.be", "nothing before the @"),
        ("jean@smart", "domain name like example.be"),
        ("jean@", "domain name like example.be"),
        ("jean@.smart.be", "domain name like example.be"),
        ("jean@smart..be", "domain name like example.be"),
        ("jean@smart.be.", "domain name like example.be"),
        ("jean@-smart.be", "invalid domain name"),
        (".jean@smart.be", "misplaced dots"),
        ("jean..dupont@smart.be", "misplaced dots"),
        ("x" * 65 + "@smart.be", "too long"),
        ("amélie@example.be", "accented or non-Latin letters before the @"),
        ("", "empty"),
    ],
)
def test_email_invalid(raw: str, fragment: str) -> None:
    with pytest.raises(InvalidIdentifier, match=fragment) as info:
        email(raw)
    assert info.value.field == "email"


# --------------------------------------------------------------------------- structured communication


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("0909337554", "+++090/9337/55493+++"),
        (909337554, "+++090/9337/55493+++"),
        ("0108068171", "+++010/8068/17183+++"),  # stdnum docstring: check digits 83
        (42, "+++000/0000/04242+++"),
        (97, "+++000/0000/09797+++"),  # 97 mod 97 = 0, written 97
        (0, "+++000/0000/00097+++"),
        (9999999999, "+++999/9999/99948+++"),
        ("090 9337 554", "+++090/9337/55493+++"),
        ("090/9337/554", "+++090/9337/55493+++"),
    ],
)
def test_structured_communication(base: int | str, expected: str) -> None:
    assert structured_communication(base) == expected


@pytest.mark.parametrize("base", [-1, 10**10, "123", "12345678901", "abcdefghij", "090933755493"])
def test_structured_communication_invalid_base(base: int | str) -> None:
    with pytest.raises(InvalidIdentifier):
        structured_communication(base)


def test_structured_communication_refuses_bool() -> None:
    with pytest.raises(InvalidIdentifier):
        structured_communication(True)


@pytest.mark.parametrize(
    "text",
    [
        "+++090/9337/55493+++",
        "***090/9337/55493***",
        "090/9337/55493",
        "090933755493",
        "+++090933755493+++",
        "+++ 090 / 9337 / 55493 +++",
        "+++090 / 9337 / 55493+++",
        "*** 090/9337/55493 ***",
        "090 / 9337 / 55493",
        "090 9337 55493",
        "0909 3375 5493",
        " 090933755493 ",
        "Cotisation parts sociales +++090/9337/55493+++ merci",
        "parts 090/9337/55493 Jean Dupont",
        "12/03/2024 090933755493",
        "REF:090933755493/2024",
        "+++090/9337/55493+++\n",
    ],
)
def test_parse_structured_communication_forms(text: str) -> None:
    assert parse_structured_communication(text) == "090933755493"


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "Cotisation parts sociales",
        "+++090/9337/55494+++",  # wrong check digits
        "090933755494",
        "09093375549",  # 11 digits
        "0909337554930",  # 13 digits: not a reference
        "BE71 0961 2345 6769",  # an IBAN is not a reference
        "BE71096123456769",
        "Facture 2024-0311 du 12/03/2024",
        "+++000/0000/00000+++",
    ],
)
def test_parse_structured_communication_none(text: str | None) -> None:
    assert parse_structured_communication(text) is None


def test_parse_structured_communication_stdnum_vector() -> None:
    assert parse_structured_communication("+++010/8068/17183+++") == "010806817183"
    assert parse_structured_communication("010/8068/17180") is None  # stdnum docstring


def test_parse_takes_the_first_valid_reference() -> None:
    text = "+++090/9337/55494+++ corrigé: +++010/8068/17183+++"
    assert parse_structured_communication(text) == "010806817183"


@given(st.integers(min_value=0, max_value=10**10 - 1))
def test_structured_communication_round_trip(base: int) -> None:
    formatted = structured_communication(base)
    digits = parse_structured_communication(formatted)
    assert digits is not None
    assert digits[:10] == f"{base:010d}"
    assert ogm_vcs.is_valid(digits)
    assert ogm_vcs.format(digits) == formatted.strip("+")
    # and every form a payer may type comes back to the same 12 digits
    slashed = formatted.strip("+")
    for typed in (slashed, digits, f"***{slashed}***", slashed.replace("/", " ")):
        assert parse_structured_communication(typed) == digits
    # the string form of the base gives the same result
    assert structured_communication(f"{base:010d}") == formatted
