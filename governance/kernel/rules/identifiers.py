"""Belgian identifiers: normalise and validate what staff and members type.

Pure functions (no I/O). Every check is delegated to python-stdnum or schwifty; this module
only cleans the input, picks the right validator and turns library exceptions into
`InvalidIdentifier` with a message a staff member understands.
"""

from __future__ import annotations

import re
from datetime import date

from schwifty import IBAN
from schwifty import exceptions as schwifty_errors
from stdnum import exceptions as stdnum_errors
from stdnum import iban as stdnum_iban
from stdnum.be import bis as be_bis
from stdnum.be import iban as be_iban
from stdnum.be import nn as be_nn
from stdnum.be import ogm_vcs as be_ogm
from stdnum.be import vat as be_vat

from governance.kernel.rules.errors import RuleViolation

__all__ = [
    "InvalidIdentifier",
    "bic_for_iban",
    "birth_date_from_national_number",
    "check_birth_date_matches",
    "email",
    "enterprise_number",
    "format_enterprise_number",
    "format_national_number",
    "iban",
    "national_number",
    "parse_structured_communication",
    "structured_communication",
    "vat_number",
]


class InvalidIdentifier(RuleViolation):
    """An identifier (national number, enterprise number, IBAN, e-mail...) is not valid."""

    code = "invalid_identifier"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)


def _text(value: object, field: str, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidIdentifier(field, f"the {what} must be given as text")
    cleaned = value.strip()
    if not cleaned:
        raise InvalidIdentifier(field, f"the {what} is empty")
    return cleaned


# --------------------------------------------------------------------------- national number


def format_national_number(nn: str) -> str:
    """Present an 11-digit national/BIS number as ``YY.MM.DD-SSS.CC``."""
    return str(be_nn.format(nn))


def national_number(value: str, field: str = "national_number") -> str:
    """Validate a Belgian national number (NN/NISS) or BIS number; return its 11 digits.

    Accepts the usual separators (``85.07.30-033.28``, ``85073003328``, spaces). Births from
    2000 onwards are recognised through the "2" prefix of the check computation (stdnum does it).
    """
    raw = _text(value, field, "national number")
    compact = be_nn.compact(raw)
    if not (compact.isascii() and compact.isdigit()) or len(compact) != 11:
        raise InvalidIdentifier(
            field, "the national number must have 11 digits (for example 85.07.30-033.28)"
        )
    month = int(compact[2:4])
    validator = be_bis if month >= 20 else be_nn
    try:
        return str(validator.validate(compact))
    except stdnum_errors.InvalidChecksum:
        raise InvalidIdentifier(
            field,
            "the national number has a wrong check digit: check every digit against the identity card",
        ) from None
    except stdnum_errors.InvalidComponent:
        raise InvalidIdentifier(
            field,
            "the national number does not contain a valid birth date "
            "(month must be 01-12, or 21-32 / 41-52 for a BIS number)",
        ) from None
    except stdnum_errors.ValidationError:
        raise InvalidIdentifier(field, "this is not a valid national or BIS number") from None


def birth_date_from_national_number(nn: str) -> date | None:
    """The birth date encoded in a national/BIS number, or None when it is unknown or partial.

    Numbers issued when the birth date (or its month/day) was unknown, or when the daily counter
    ran out, encode zeroes; stdnum then returns None, and so do we.
    """
    compact = national_number(nn)
    result = be_nn.get_birth_date(compact)
    return result if isinstance(result, date) else None


def check_birth_date_matches(nn: str, birth_date: date, field: str = "birth_date") -> None:
    """Raise if `birth_date` contradicts the birth date encoded in the national/BIS number.

    Only the known parts are compared: a number with an unknown birth date (common for BIS
    numbers) is accepted, one with only a known year is checked on the year, and so on.
    """
    compact = national_number(nn)
    year = be_nn.get_birth_year(compact)
    month = be_nn.get_birth_month(compact)
    full = be_nn.get_birth_date(compact)
    wrong = (
        (year is not None and year != birth_date.year)
        or (month is not None and month != birth_date.month)
        or (full is not None and full != birth_date)
    )
    if wrong:
        if full is not None:
            expected = full.strftime("%d/%m/%Y")
        elif month is not None:
            expected = f"{month:02d}/{year}"
        else:
            expected = str(year)
        raise InvalidIdentifier(
            field,
            f"the birth date {birth_date.strftime('%d/%m/%Y')} does not match the national "
            f"number, which gives {expected}",
        )


# --------------------------------------------------------------------------- enterprise / VAT


def format_enterprise_number(number: str) -> str:
    """Present a 10-digit enterprise number as ``0403.019.261``."""
    compact = be_vat.compact(number)
    return f"{compact[:4]}.{compact[4:7]}.{compact[7:]}"


def enterprise_number(value: str, field: str = "enterprise_number") -> str:
    """Validate a Belgian enterprise number (BCE/KBO); return its 10 digits.

    Accepts ``0403.019.261``, ``BE 0403 019 261``, the old 9-digit form ``403019261`` and the
    1-series numbers issued since 2023 (``1xxx.xxx.xxx``).
    """
    raw = _text(value, field, "enterprise number")
    try:
        return str(be_vat.validate(raw))
    except stdnum_errors.InvalidChecksum:
        shown = format_enterprise_number(raw)
        raise InvalidIdentifier(
            field, f"the enterprise number {shown} has a wrong check digit"
        ) from None
    except stdnum_errors.ValidationError:
        raise InvalidIdentifier(
            field,
            f"the enterprise number {raw} is not valid: it must have 10 digits "
            "and start with 0 or 1 (for example 0403.019.261)",
        ) from None


def vat_number(value: str, field: str = "vat_number") -> str:
    """Validate a Belgian VAT number; return ``BE`` followed by the 10-digit enterprise number."""
    raw = _text(value, field, "VAT number")
    compact = re.sub(r"[\s.\-/]", "", raw).upper()
    if compact[:2].isalpha() and not compact.startswith("BE"):
        raise InvalidIdentifier(
            field, f"the VAT number {raw} is not a Belgian one (it must start with BE)"
        )
    try:
        return "BE" + enterprise_number(raw, field)
    except InvalidIdentifier as exc:
        raise InvalidIdentifier(
            field, exc.message.replace("the enterprise number", "the VAT number", 1)
        ) from None


# --------------------------------------------------------------------------- IBAN / BIC


def iban(value: str, field: str = "iban") -> str:
    """Validate an IBAN; return it compact and uppercase (``BE71096123456769``).

    Every IBAN goes through schwifty (country, length, structure, check digits). Belgian ones
    additionally pass `stdnum.be.iban`, which checks the national check digits and rejects a
    bank code that no Belgian bank uses. Countries whose IBAN format is not in the official
    registry yet ("aspirational" formats in schwifty) are refused: SEPA cannot pay them.
    """
    raw = _text(value, field, "IBAN")
    compact = str(stdnum_iban.compact(raw))
    shown = " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    try:
        parsed = IBAN(compact)
    except schwifty_errors.InvalidChecksumDigits:
        raise InvalidIdentifier(field, f"the IBAN {shown} has a wrong check digit") from None
    except schwifty_errors.InvalidCountryCode:
        raise InvalidIdentifier(
            field, f"the IBAN {shown} does not start with a known country code"
        ) from None
    except schwifty_errors.InvalidLength:
        raise InvalidIdentifier(
            field, f"the IBAN {shown} has the wrong number of characters for its country"
        ) from None
    except schwifty_errors.SchwiftyException:
        raise InvalidIdentifier(
            field, f"the IBAN {shown} is not valid (unexpected characters or layout)"
        ) from None
    if parsed.is_aspirational:
        raise InvalidIdentifier(
            field,
            f"the IBAN {shown} uses a country format that is not in the official IBAN "
            "registry; it cannot be used for a SEPA payment",
        )
    result = str(parsed.compact)
    if result.startswith("BE"):
        try:
            be_iban.validate(result)
        except stdnum_errors.InvalidChecksum:
            raise InvalidIdentifier(
                field, f"the IBAN {shown} has a wrong check digit in the account number"
            ) from None
        except stdnum_errors.ValidationError:
            raise InvalidIdentifier(
                field,
                f"the IBAN {shown} uses bank code {result[4:7]}, which no Belgian bank uses",
            ) from None
    return result


def bic_for_iban(value: str) -> str | None:
    """The BIC of the bank holding this IBAN, or None when the bank is not in the registries.

    Raises `InvalidIdentifier` when the IBAN itself is invalid. Uses schwifty's bank registry,
    falling back to stdnum's list of Belgian banks for Belgian IBANs.
    """
    compact = iban(value)
    bic = IBAN(compact).bic
    if bic is not None:
        return str(bic.compact)
    if compact.startswith("BE"):
        fallback = be_iban.to_bic(compact)
        return str(fallback) if fallback else None
    return None


# --------------------------------------------------------------------------- e-mail

_EMAIL_FORBIDDEN = re.compile(r"[\s,;<>()\[\]\\\"]")


def email(value: str, field: str = "email") -> str:
    """Check the syntax of an e-mail address (no DNS lookup); return it with a lowercase domain."""
    raw = _text(value, field, "e-mail address")
    shown = raw
    if _EMAIL_FORBIDDEN.search(raw):
        raise InvalidIdentifier(
            field, f"the e-mail address {shown!r} contains spaces or characters not allowed"
        )
    if raw.count("@") != 1:
        raise InvalidIdentifier(field, f"the e-mail address {shown} must contain exactly one @")
    local, domain = raw.split("@")
    if not local:
        raise InvalidIdentifier(field, f"the e-mail address {shown} has nothing before the @")
    labels = domain.split(".")
    if len(labels) < 2 or any(not label for label in labels):
        raise InvalidIdentifier(
            field,
            f"the e-mail address {shown} needs a domain name like example.be after the @",
        )
    if any(label.startswith("-") or label.endswith("-") for label in labels):
        raise InvalidIdentifier(field, f"the e-mail address {shown} has an invalid domain name")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise InvalidIdentifier(
            field, f"the e-mail address {shown} has misplaced dots before the @"
        )
    if not local.isascii():  # needs SMTPUTF8 end to end, which most mail servers refuse
        raise InvalidIdentifier(
            field,
            f"the e-mail address {shown} has accented or non-Latin letters before the @, which "
            "most mail servers cannot deliver: ask for the address exactly as the mailbox "
            "provider gives it",
        )
    try:  # an accented domain (IDN) travels in its ASCII form
        domain = domain.lower().encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InvalidIdentifier(
            field, f"the e-mail address {shown} has an invalid domain name"
        ) from exc
    result = f"{local}@{domain}"
    if len(result) > 254 or len(local) > 64:
        raise InvalidIdentifier(field, f"the e-mail address {shown} is too long")
    return result


# --------------------------------------------------------------------------- structured communication


def structured_communication(ten_digits: int | str, field: str = "structured_communication") -> str:
    """Build ``+++ddd/dddd/ddddd+++`` from a 10-digit base number (check digits computed).

    An int is left-padded with zeroes (``42`` gives ``+++000/0000/04242+++``); a string must hold
    exactly 10 digits (spaces, ``/`` and ``.`` are ignored).
    """
    if isinstance(ten_digits, bool):
        raise InvalidIdentifier(field, "the base of a structured communication must be a number")
    if isinstance(ten_digits, int):
        if not 0 <= ten_digits < 10**10:
            raise InvalidIdentifier(
                field,
                f"the base {ten_digits} of a structured communication must be between "
                "0 and 9999999999",
            )
        base = f"{ten_digits:010d}"
    elif isinstance(ten_digits, str):
        base = re.sub(r"[\s/.]", "", ten_digits)
        if len(base) != 10 or not base.isdigit() or not base.isascii():
            raise InvalidIdentifier(
                field,
                f"the base {ten_digits!r} of a structured communication must have 10 digits",
            )
    else:
        raise InvalidIdentifier(field, "the base of a structured communication must be a number")
    number = base + str(be_ogm.calc_check_digits(base))
    return f"+++{be_ogm.format(number)}+++"


_DIGITS = re.compile(r"\D", re.ASCII)
_OGM_PATTERNS = (
    # +++090/9337/55493+++ or ***090/9337/55493*** (slashes and spaces optional inside)
    re.compile(r"([+*])\1\1\s*(\d[\d\s/]*\d)\s*\1\1\1", re.ASCII),
    # 090/9337/55493 (spaces around the slashes tolerated)
    re.compile(r"(?<![\d/])(\d{3}\s*/\s*\d{4}\s*/\s*\d{5})(?![\d/])", re.ASCII),
    # 090933755493
    re.compile(r"(?<!\d)(\d{12})(?!\d)", re.ASCII),
    # 090 9337 55493
    re.compile(r"(?<!\d)(\d{3}\s+\d{4}\s+\d{5})(?!\d)", re.ASCII),
    # any other grouping with single spaces (0909 3375 5493), not part of a longer digit run
    re.compile(r"(?<!\d)(?<!\d\s)(\d(?:\s?\d){11})(?!\s?\d)", re.ASCII),
)


def parse_structured_communication(text: str | None) -> str | None:
    """The 12 digits of the first valid structured communication found in `text`, else None.

    Recognises ``+++090/9337/55493+++``, ``***090/9337/55493***``, ``090/9337/55493``,
    ``090933755493`` and spaced variants, anywhere in a free-text remittance line. A candidate
    with a wrong check digit is ignored.
    """
    if not text:
        return None
    for pattern in _OGM_PATTERNS:
        for match in pattern.finditer(text):
            digits = _DIGITS.sub("", match.group(match.lastindex or 0))
            if len(digits) == 12 and be_ogm.is_valid(digits):
                return digits
    return None
