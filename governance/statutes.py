"""The statutes and every rule threshold as one typed, validated object (SMart's values by
default): share classes, resignation, voting (quorum, cap, majorities), the assembly and the
contract process. Loaded here, once; the domain receives the values as parameters."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from governance.contracts.rules.contracts import ContractSettings
from governance.kernel.rules.enums import Language, MemberKind
from governance.kernel.rules.errors import RuleViolation

DEFAULT_STATUTES = Path(__file__).with_name("statutes.toml")


class InvalidStatutes(RuleViolation):
    code = "invalid_statutes"


def _fraction(value: str) -> str:
    try:
        parsed = Fraction(value)
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(f"'{value}' is not a fraction like 1/10") from exc
    if not 0 < parsed <= 1:
        raise ValueError(f"'{value}' must be above 0 and at most 1")
    return value


def _every_language(texts: dict[str, str]) -> dict[str, str]:
    """A statutes text members read comes in all four languages, or not at all."""
    missing = [str(lang) for lang in Language if not texts.get(str(lang), "").strip()]
    if texts and missing:
        raise ValueError(f"give the text in every language; missing: {', '.join(missing)}")
    unknown = sorted(set(texts) - {str(lang) for lang in Language})
    if unknown:
        raise ValueError(f"unknown language(s) {', '.join(unknown)} (use fr, nl, de, en)")
    return texts


class ShareClass(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[A-Z]$")
    label: str  # the reference name (staff lists, spreadsheets)
    labels: dict[str, str] = Field(default_factory=dict)  # what members read, per language
    nominal_value_cents: int = Field(gt=0)
    minimum_shares: int = Field(ge=1)
    allowed_kinds: tuple[MemberKind, ...] = Field(min_length=1)

    _check_labels = field_validator("labels")(_every_language)

    def label_in(self, language: str) -> str:
        """The class name in the reader's language (the reference name if none is given)."""
        return self.labels.get(str(language)) or self.label


def _at_least(minimum: Fraction, law: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if Fraction(_fraction(value)) < minimum:
            raise ValueError(f"'{value}' is below the {minimum} {law} requires")
        return value

    return check


class Majorities(BaseModel):
    """Qualified majorities of the votes cast (abstentions not counted); the statutes may ask
    more than the law, never less. Ordinary decisions: simple majority (by law)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    statute_amendment: str = "3/4"
    object_change: str = "4/5"

    _check_amendment = field_validator("statute_amendment")(_at_least(Fraction(3, 4), "CSA 6:85"))
    _check_object = field_validator("object_change")(_at_least(Fraction(4, 5), "CSA 6:86"))


class Voting(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    basis: Literal["per_member", "per_share"] = "per_member"
    cap_fraction: str | None = "1/10"
    proxies_per_holder: int = Field(2, ge=0)
    proxy_must_be_shareholder: bool = False
    revote_replaces: bool = False
    quorum_fraction: str = "1/2"
    quorum_basis: Literal["shares", "members"] = "shares"
    majorities: Majorities = Majorities()

    _check_cap = field_validator("cap_fraction")(lambda v: None if v is None else _fraction(v))
    _check_quorum = field_validator("quorum_fraction")(_fraction)


class AssemblyRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    convocation_days: int = Field(15, ge=15, description="CSA: at least 15 days")
    ordinary_month: int = Field(6, ge=1, le=12)
    reminder_days_before_close: int = Field(3, ge=0)


class Statutes(BaseModel):
    """What the statutes decide; mandatory law is enforced by the validators."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    financial_year_start: str = Field("01-01", pattern=r"^\d\d-\d\d$")
    resignation_window_months: int = Field(6, ge=1, le=6)
    repayment_rule: Literal["nominal_paid", "book_value_capped"] = "nominal_paid"
    book_value_per_share_cents: int = Field(3000, ge=0)
    one_share_per_year_of_use: bool = True
    payment_due_days: int = Field(10, ge=1)
    payment_reminder_days: int = Field(10, ge=1)
    subscription_cancel_days: int = Field(30, ge=1)
    share_classes: tuple[ShareClass, ...] = Field(min_length=1)
    # The statutes' transfer clause as members read it, per language (empty: default law).
    transfer_rule: dict[str, str] = Field(default_factory=dict)
    voting: Voting = Voting()
    assembly: AssemblyRules = AssemblyRules()
    contracts: ContractSettings = ContractSettings()

    _check_transfer_rule = field_validator("transfer_rule")(_every_language)

    @model_validator(mode="after")
    def _unique_classes(self) -> Statutes:
        codes = [c.code for c in self.share_classes]
        if len(codes) != len(set(codes)):
            raise ValueError(f"share class codes must be unique, got {codes}")
        month, day = (int(p) for p in self.financial_year_start.split("-"))
        if not (1 <= month <= 12 and 1 <= day <= 28):
            raise ValueError("financial_year_start must be a date MM-DD with a day up to 28")
        return self

    def share_class(self, code: str) -> ShareClass:
        for share_class in self.share_classes:
            if share_class.code == code:
                return share_class
        known = ", ".join(c.code for c in self.share_classes)
        raise RuleViolation(
            f"unknown share class '{code}' (the statutes define {known})", field="share_class"
        )


def load_statutes(path: Path | None = None) -> Statutes:
    """Read and validate a statutes file; refuse to start on any error."""
    source = path or DEFAULT_STATUTES
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
        return Statutes.model_validate(data)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidStatutes(f"the statutes file {source.name} is not valid TOML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise InvalidStatutes(f"the statutes file {source.name} is invalid: {problems}") from exc


@lru_cache(maxsize=1)
def get_statutes() -> Statutes:
    """The statutes in force (the file named by COOP_STATUTES_FILE, else the repository's)."""
    import os

    override = os.environ.get("COOP_STATUTES_FILE")
    return load_statutes(Path(override) if override else None)
