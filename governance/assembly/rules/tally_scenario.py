"""What the vote counter reads: the scenario (rules, shareholders, who is present, the
resolutions and the ballots) and the fractions its rules are written in.

Pydantic checks the structure of everything but the ballots; the counter checks those itself
(governance.assembly.rules.tally_ballots).
"""

import re
from fractions import Fraction
from typing import Annotated, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, SkipValidation
from typing_extensions import TypedDict

from governance.kernel.rules.errors import RuleViolation


class TallyInputError(RuleViolation):
    """The scenario given to the counter is malformed or inconsistent."""

    code = "tally_input"


_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)


class TallyRules(BaseModel):
    """How votes are weighed and which quorum applies."""

    model_config = _STRICT

    vote_basis: Literal["per_member", "per_share"]
    vote_cap_fraction: str | None = None
    quorum_fraction: str = "1/2"
    quorum_basis: Literal["shares", "members"] = "shares"
    second_meeting: bool = False
    statute_amendment_majority: str = "3/4"  # the law's; the statutes may ask more
    object_change_majority: str = "4/5"


class Shareholder(BaseModel):
    model_config = _STRICT

    id: str
    shares: int


class OrdinaryResolution(BaseModel):
    model_config = _STRICT

    id: str
    kind: Literal["ordinary"]


class StatuteAmendment(BaseModel):
    model_config = _STRICT

    id: str
    kind: Literal["statute_amendment"]


class ObjectChange(BaseModel):
    model_config = _STRICT

    id: str
    kind: Literal["object_change"]
    board_report: bool = False


class Election(BaseModel):
    model_config = _STRICT

    id: str
    kind: Literal["election"]
    seats: int = Field(ge=1)
    candidates: list[str] = Field(min_length=1)


Resolution: TypeAlias = Annotated[
    OrdinaryResolution | StatuteAmendment | ObjectChange | Election,
    Field(discriminator="kind"),
]


class Vote(TypedDict):
    """One ballot.

    ``choice`` is ``"for"``, ``"against"`` or ``"abstain"`` on a motion, and a list of
    candidate ids on an election (an empty list is a blank ballot).
    """

    shareholder: str
    resolution: str
    choice: str | list[str]


class TallyScenario(BaseModel):
    """Everything the counter needs.

    Pydantic checks the structure of everything except ``votes``: validating hundreds of
    thousands of ballots one by one is several times slower than counting them, so
    :func:`count` checks each ballot itself while counting (and names the first bad one).
    Consistency (unknown ids, double votes, ...) is checked by :func:`count` too.
    """

    model_config = _STRICT

    rules: TallyRules
    shareholders: list[Shareholder]
    present: list[str] = Field(default_factory=list)
    resolutions: list[Resolution]
    votes: SkipValidation[list[Vote]] = Field(default_factory=list)


_FRACTION_TEXT = re.compile(r"\d+(?:/\d+)?|\d*\.\d+", re.ASCII)


def parse_fraction(text: str, where: str) -> Fraction:
    """Read a fraction in (0, 1] written as ``"p/q"``, ``"n"`` or a decimal ``"0.5"``."""
    if not _FRACTION_TEXT.fullmatch(text):
        raise TallyInputError(f"{where}: malformed fraction {text!r}")
    try:
        value = Fraction(text)
    except ZeroDivisionError:
        raise TallyInputError(f"{where}: malformed fraction {text!r} (zero denominator)") from None
    if not 0 < value <= 1:
        raise TallyInputError(f"{where}: fraction {text!r} must be greater than 0 and at most 1")
    return value
