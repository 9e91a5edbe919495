"""Pure, deterministic vote counter for the cooperative's general assembly.

The counter reads a scenario (rules, shareholders, who is present, the resolutions
and the ballots) and returns, for every resolution in input order, the exact totals
and the outcome with a one-sentence reason.

Rules applied:

* A voter weighs 1 (``per_member``) or their number of shares (``per_share``). Under
  ``per_share`` an optional cap fraction limits every voter to cap x the total shares
  of those present; capped weights stay exact (:class:`fractions.Fraction`).
* Anyone who casts a ballot counts as present, whether listed in ``present`` or not.
* Abstentions count in neither the numerator nor the denominator.
* ``ordinary``: adopted iff strictly more votes for than against.
* ``statute_amendment``: quorum (half of the shares - or members - present or
  represented, unless it is a second meeting), then at least 3/4 of the votes cast.
* ``object_change``: the same quorum, at least 4/5, and void without the board's report.
* ``election``: every voter gives their full weight to each candidate they choose (at
  most ``seats``); the top ``seats`` candidates with at least one vote are elected, and a
  tie across the last seat leaves the tied seat(s) unfilled.

Amounts are returned as strings that ``Fraction`` reads back exactly (``"7"``,
``"19/2"``). Ballots are secret: the result only holds totals.

No I/O happens here; :func:`run_cli` only builds the texts a command line would print.
"""

import gc
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import Annotated, Any, Literal, NoReturn, TypeAlias, cast

from pydantic import BaseModel, ConfigDict, Field, SkipValidation, ValidationError
from pydantic_core import from_json
from typing_extensions import TypedDict

from governance.kernel.rules.errors import RuleViolation

__all__ = [
    "Election",
    "ElectionResult",
    "MotionResult",
    "ObjectChange",
    "OrdinaryResolution",
    "Resolution",
    "Shareholder",
    "StatuteAmendment",
    "TallyInputError",
    "TallyResult",
    "TallyRules",
    "TallyScenario",
    "Vote",
    "count",
    "count_json",
    "parse_scenario",
    "run_cli",
]


class TallyInputError(RuleViolation):
    """The scenario given to the counter is malformed or inconsistent."""

    code = "tally_input"


# --------------------------------------------------------------------------- input

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


# -------------------------------------------------------------------------- output

MotionResult = TypedDict(
    "MotionResult",
    {
        "id": str,
        "kind": str,
        "for": str,
        "against": str,
        "abstain": str,
        "quorum_required": bool,
        "quorum_met": bool,
        "majority": str,
        "adopted": bool,
        "reason": str,
    },
)


class ElectionResult(TypedDict):
    id: str
    kind: str
    results: dict[str, str]
    elected: list[str]
    tie: bool
    reason: str


class TallyResult(TypedDict):
    resolutions: list[MotionResult | ElectionResult]


# ------------------------------------------------------------------------ counting

_CHOICES = ("for", "against", "abstain")
_SIMPLE_MAJORITY = Fraction(1, 2)  # ordinary decisions: more for than against, by law
_KIND_LABEL = {
    "ordinary": "an ordinary decision",
    "statute_amendment": "a statute amendment",
    "object_change": "an object change",
}
_FRACTION_TEXT = re.compile(r"\d+(?:/\d+)?|\d*\.\d+", re.ASCII)

Amount: TypeAlias = int | Fraction


def _parse_fraction(text: str, where: str) -> Fraction:
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


def _amount(value: Amount) -> str:
    return str(value)


def _names(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


_Slots: TypeAlias = dict[str, tuple[dict[str, Any], dict[str, int], int]]
_VOTE_FIELDS = ("shareholder", "resolution", "choice")


def _fast_count(votes: Any, weight_of: dict[str, int], slots: _Slots) -> bool:
    """Add every ballot to the integer totals in ``slots``.

    This is the hot loop: plain dict look-ups and integer additions, with the checks
    folded into them (an unknown id or choice is a ``KeyError``, a list where a string
    belongs a ``TypeError``). Return False as soon as anything looks wrong; the totals
    are then meaningless and the caller looks for the first bad ballot.
    """
    if type(votes) is not list:
        return False
    try:
        for vote in votes:
            if len(vote) != 3:
                return False
            sid = vote["shareholder"]
            weight = weight_of[sid]
            cast_ballots, acc, seats = slots[vote["resolution"]]
            choice = vote["choice"]
            cast_ballots[sid] = choice
            if seats == 0:
                acc[choice] += weight
            elif type(choice) is list and len(choice) <= seats:
                for candidate in choice:
                    acc[candidate] += weight
                if len(choice) > 1 and len(set(choice)) != len(choice):
                    return False
            else:
                return False
    except (KeyError, TypeError):
        return False
    # A double vote overwrote an earlier ballot: fewer ballots kept than cast.
    return sum(len(cast_ballots) for cast_ballots, _, _ in slots.values()) == len(votes)


def _raise_first_bad_vote(votes: object, weight_of: dict[str, int], slots: _Slots) -> NoReturn:
    """Check the ballots one by one, slowly and precisely, and name the first bad one."""
    if not isinstance(votes, list):
        raise TallyInputError(f"votes: expected a list of ballots, got {votes!r}")
    seen: dict[str, set[str]] = {rid: set() for rid in slots}
    for n, vote in enumerate(votes):
        where = f"votes[{n}]"
        if not isinstance(vote, dict):
            raise TallyInputError(
                f"{where}: expected an object with 'shareholder', 'resolution' and 'choice', "
                f"got {vote!r}"
            )
        for field in _VOTE_FIELDS:
            if field not in vote:
                raise TallyInputError(f"{where}: missing field {field!r}")
        for field in vote:
            if field not in _VOTE_FIELDS:
                raise TallyInputError(f"{where}: unexpected field {field!r}")
        sid, rid, choice = vote["shareholder"], vote["resolution"], vote["choice"]
        if not isinstance(sid, str):
            raise TallyInputError(f"{where}.shareholder: expected a string, got {sid!r}")
        if sid not in weight_of:
            raise TallyInputError(f"{where}: unknown shareholder {sid!r}")
        if not isinstance(rid, str):
            raise TallyInputError(f"{where}.resolution: expected a string, got {rid!r}")
        if rid not in slots:
            raise TallyInputError(f"{where}: unknown resolution {rid!r}")
        if sid in seen[rid]:
            raise TallyInputError(
                f"{where}: shareholder {sid!r} already voted on resolution {rid!r}"
            )
        seen[rid].add(sid)
        _, acc, seats = slots[rid]
        if seats == 0:
            if isinstance(choice, list):
                raise TallyInputError(
                    f"{where}: resolution {rid!r} is a motion and needs 'for', 'against' "
                    f"or 'abstain', not a list"
                )
            if not isinstance(choice, str) or choice not in acc:
                raise TallyInputError(
                    f"{where}: unknown choice {choice!r} on resolution {rid!r} "
                    f"(expected 'for', 'against' or 'abstain')"
                )
            continue
        if isinstance(choice, str):
            raise TallyInputError(
                f"{where}: resolution {rid!r} is an election and needs a list of "
                f"candidates, not the string {choice!r}"
            )
        if not isinstance(choice, list):
            raise TallyInputError(
                f"{where}: election {rid!r} needs a list of candidates, got {choice!r}"
            )
        if len(choice) > seats:
            raise TallyInputError(
                f"{where}: too many candidates ({len(choice)}) for the "
                f"{_plural(seats, 'seat')} of election {rid!r}"
            )
        chosen: set[str] = set()
        for candidate in choice:
            if not isinstance(candidate, str) or candidate not in acc:
                raise TallyInputError(
                    f"{where}: unknown candidate {candidate!r} in election {rid!r}"
                )
            if candidate in chosen:
                raise TallyInputError(
                    f"{where}: candidate {candidate!r} is chosen twice in election {rid!r}"
                )
            chosen.add(candidate)
    raise TallyInputError("votes: a ballot could not be counted")  # pragma: no cover


def count(scenario: TallyScenario) -> TallyResult:
    """Count every resolution of ``scenario``; raise :class:`TallyInputError` on bad input."""
    rules = scenario.rules
    quorum_fraction = _parse_fraction(rules.quorum_fraction, "rules.quorum_fraction")
    cap = (
        None
        if rules.vote_cap_fraction is None
        else _parse_fraction(rules.vote_cap_fraction, "rules.vote_cap_fraction")
    )

    shares_of: dict[str, int] = {}
    for i, holder in enumerate(scenario.shareholders):
        if holder.id in shares_of:
            raise TallyInputError(f"shareholders[{i}]: duplicate shareholder id {holder.id!r}")
        if holder.shares < 0:
            raise TallyInputError(
                f"shareholders[{i}]: negative shares ({holder.shares}) for {holder.id!r}"
            )
        shares_of[holder.id] = holder.shares
    per_share = rules.vote_basis == "per_share"
    weight_of: dict[str, int] = shares_of if per_share else dict.fromkeys(shares_of, 1)

    listed_present: set[str] = set()
    for i, sid in enumerate(scenario.present):
        if sid not in shares_of:
            raise TallyInputError(f"present[{i}]: unknown shareholder {sid!r}")
        listed_present.add(sid)

    resolutions = scenario.resolutions
    # Per resolution: (each voter's choice, running integer totals keyed by choice or
    # candidate, seats - 0 for a motion). The choices refuse double votes and let capped
    # voters be re-weighed afterwards.
    slots: _Slots = {}
    for i, res in enumerate(resolutions):
        if res.id in slots:
            raise TallyInputError(f"resolutions[{i}]: duplicate resolution id {res.id!r}")
        if isinstance(res, Election):
            seen: set[str] = set()
            for candidate in res.candidates:
                if candidate in seen:
                    raise TallyInputError(
                        f"resolutions[{i}]: duplicate candidate {candidate!r} "
                        f"in election {res.id!r}"
                    )
                seen.add(candidate)
            slots[res.id] = ({}, dict.fromkeys(res.candidates, 0), res.seats)
        else:
            slots[res.id] = ({}, dict.fromkeys(_CHOICES, 0), 0)

    votes = scenario.votes
    if not _fast_count(votes, weight_of, slots):
        _raise_first_bad_vote(votes, weight_of, slots)
    ballots = [slots[res.id][0] for res in resolutions]
    present = listed_present.union(*ballots)
    present_shares = sum(map(shares_of.__getitem__, present))

    # Exact totals; Fractions only appear where a cap applies.
    exact: list[dict[str, Amount]] = [
        {key: value for key, value in slots[res.id][1].items()} for res in resolutions
    ]
    if per_share and cap is not None:
        cap_weight = cap * present_shares
        capped = [sid for sid in present if shares_of[sid] > cap_weight]
        if capped:
            for r, cast_ballots in enumerate(ballots):
                # Per key: how many capped voters chose it and their (uncapped) shares.
                capped_voters: dict[str, int] = {}
                capped_shares: dict[str, int] = {}
                for sid in capped:
                    ballot = cast_ballots.get(sid)
                    if ballot is None:
                        continue
                    for key in [ballot] if isinstance(ballot, str) else ballot:
                        capped_voters[key] = capped_voters.get(key, 0) + 1
                        capped_shares[key] = capped_shares.get(key, 0) + shares_of[sid]
                adjusted = exact[r]
                for key, voters in capped_voters.items():
                    adjusted[key] = adjusted[key] - capped_shares[key] + voters * cap_weight

    if rules.quorum_basis == "shares":
        quorum_present = present_shares
        quorum_total = sum(shares_of.values())
    else:
        quorum_present = len(present)
        quorum_total = len(shares_of)
    quorum = _Quorum(
        basis=rules.quorum_basis,
        fraction=quorum_fraction,
        present=quorum_present,
        total=quorum_total,
        second_meeting=rules.second_meeting,
    )

    out: list[MotionResult | ElectionResult] = []
    for r, res in enumerate(resolutions):
        if isinstance(res, Election):
            out.append(_election_result(res, exact[r]))
        else:
            out.append(_motion_result(res, exact[r], quorum, rules))
    return {"resolutions": out}


class _Quorum:
    __slots__ = ("basis", "fraction", "met", "needed", "present", "second_meeting", "total")

    def __init__(
        self, basis: str, fraction: Fraction, present: int, total: int, second_meeting: bool
    ) -> None:
        self.basis = basis
        self.fraction = fraction
        self.present = present
        self.total = total
        self.second_meeting = second_meeting
        self.needed = fraction * total
        self.met = present >= self.needed


def _majority(rules: TallyRules, kind: str) -> Fraction:
    """Simple majority for an ordinary decision, else the qualified one the rules give."""
    if kind == "ordinary":
        return _SIMPLE_MAJORITY
    name = f"{kind}_majority"
    return _parse_fraction(getattr(rules, name), f"rules.{name}")


def _motion_result(
    res: OrdinaryResolution | StatuteAmendment | ObjectChange,
    acc: dict[str, Amount],
    quorum: _Quorum,
    rules: TallyRules,
) -> MotionResult:
    kind = res.kind
    votes_for, votes_against, abstain = acc["for"], acc["against"], acc["abstain"]
    cast_votes = votes_for + votes_against
    majority = _majority(rules, kind)
    quorum_required = kind != "ordinary" and not quorum.second_meeting
    quorum_met = quorum.met or not quorum_required
    counts = (
        f"{_amount(votes_for)} for, {_amount(votes_against)} against, {_amount(abstain)} abstaining"
    )

    adopted = False
    if isinstance(res, ObjectChange) and not res.board_report:
        reason = f"Void: an object change cannot be adopted without the board's report ({counts})."
    elif not quorum_met:
        reason = (
            f"Not adopted: quorum not met, {_amount(quorum.present)} of "
            f"{_amount(quorum.total)} {quorum.basis} present or represented is below the "
            f"required {quorum.fraction} ({_amount(quorum.needed)})."
        )
    elif cast_votes == 0:
        reason = (
            f"Not adopted: no votes were cast for or against "
            f"({_amount(abstain)} abstaining, not counted)."
        )
    elif kind == "ordinary":
        adopted = votes_for > votes_against
        if adopted:
            reason = (
                f"Adopted by simple majority: {_amount(votes_for)} for to "
                f"{_amount(votes_against)} against ({_amount(abstain)} abstaining, not counted)."
            )
        else:
            reason = (
                f"Not adopted: {_amount(votes_for)} for is not more than "
                f"{_amount(votes_against)} against ({_amount(abstain)} abstaining, not counted)."
            )
    else:
        needed = majority * cast_votes
        adopted = votes_for >= needed
        context = f"{_amount(abstain)} abstaining, not counted"
        if quorum.second_meeting:
            context += "; no quorum needed at a second meeting"
        verdict = "Adopted" if adopted else "Not adopted"
        comparison = "reaches" if adopted else "is below"
        reason = (
            f"{verdict}: {_amount(votes_for)} for out of {_amount(cast_votes)} votes cast "
            f"{comparison} the {majority} required for {_KIND_LABEL[kind]} "
            f"({_amount(needed)} needed; {context})."
        )

    return {
        "id": res.id,
        "kind": kind,
        "for": _amount(votes_for),
        "against": _amount(votes_against),
        "abstain": _amount(abstain),
        "quorum_required": quorum_required,
        "quorum_met": quorum_met,
        "majority": str(majority),
        "adopted": adopted,
        "reason": reason,
    }


def _election_result(res: Election, acc: dict[str, Amount]) -> ElectionResult:
    seats = res.seats
    # Highest first; equal totals keep the order of the candidate list.
    ranking = sorted((c for c in res.candidates if acc[c] > 0), key=lambda c: acc[c], reverse=True)
    tie = False
    tied: list[str] = []
    if len(ranking) <= seats:
        elected = ranking
    else:
        last = acc[ranking[seats - 1]]
        if acc[ranking[seats]] < last:
            elected = ranking[:seats]
        else:
            tie = True
            elected = [c for c in ranking if acc[c] > last]
            tied = [c for c in ranking if acc[c] == last]

    def with_votes(names: list[str]) -> str:
        return _names([f"{c} ({_amount(acc[c])})" for c in names])

    unfilled = seats - len(elected)
    if not ranking:
        reason = f"No one elected to the {_plural(seats, 'seat')}: no candidate received any votes."
    elif tie:
        seats_left = "seat, which stays" if unfilled == 1 else f"{unfilled} seats, which stay"
        tie_text = (
            f"{_names(tied)} tied at {_amount(acc[tied[0]])} votes for the last "
            f"{seats_left} unfilled"
        )
        if elected:
            reason = f"Elected {with_votes(elected)}; {tie_text}."
        else:
            reason = f"No one elected: {tie_text}."
    elif unfilled:
        reason = (
            f"Elected {with_votes(elected)}; {_plural(unfilled, 'seat')} of {seats} left "
            f"unfilled because no other candidate received any votes."
        )
    else:
        reason = f"Elected {with_votes(elected)} to the {_plural(seats, 'seat')}."

    return {
        "id": res.id,
        "kind": res.kind,
        "results": {c: _amount(acc[c]) for c in res.candidates},
        "elected": elected,
        "tie": tie,
        "reason": reason,
    }


# ---------------------------------------------------------------------- entry points

_RESOLUTION_TAGS = frozenset({"ordinary", "statute_amendment", "object_change", "election"})
_UNION_TAGS = frozenset({"str", "list[str]"})
_MAX_REPORTED_ERRORS = 5


def _where(loc: tuple[int | str, ...]) -> str:
    text = ""
    for position, part in enumerate(loc):
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        # Drop the discriminator tag pydantic inserts after "resolutions[i]" and the
        # union member names it inserts after "choice".
        if position == 2 and loc[0] == "resolutions" and part in _RESOLUTION_TAGS:
            continue
        if part in _UNION_TAGS and position > 0 and loc[position - 1] == "choice":
            continue
        text += f".{part}" if text else part
    return text or "input"


def _describe(error: ValidationError) -> str:
    messages: dict[str, list[str]] = {}
    for detail in error.errors(include_url=False):
        if detail["type"] == "json_invalid":
            return f"invalid JSON: {detail['ctx']['error']}"
        where = _where(tuple(detail["loc"]))
        found = messages.setdefault(where, [])
        if detail["msg"] not in found:
            found.append(detail["msg"])
    parts = [f"{where}: {', or '.join(msgs)}" for where, msgs in messages.items()]
    text = "; ".join(parts[:_MAX_REPORTED_ERRORS])
    if len(parts) > _MAX_REPORTED_ERRORS:
        text += f" (and {len(parts) - _MAX_REPORTED_ERRORS} more)"
    return text


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small containers.

    Parsing hundreds of thousands of ballots allocates as many dicts, which would
    trigger repeated full collections and double the time; none of them form cycles.
    The collector's previous state is restored on the way out.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse(text: str) -> TallyScenario:
    try:
        data = from_json(text)
    except ValueError as exc:
        raise TallyInputError(f"invalid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise TallyInputError("input: expected a JSON object")
    # Ballots are checked by count() while counting (see TallyScenario).
    votes = data.pop("votes", [])
    try:
        scenario = TallyScenario.model_validate(data)
    except ValidationError as exc:
        raise TallyInputError(_describe(exc)) from None
    return scenario.model_copy(update={"votes": votes})


def parse_scenario(text: str) -> TallyScenario:
    """Parse a JSON scenario; bad JSON or a bad structure becomes a :class:`TallyInputError`."""
    with _gc_paused():
        return _parse(text)


def count_json(text: str) -> dict[str, Any]:
    """Parse a JSON scenario and count it."""
    with _gc_paused():
        return cast(dict[str, Any], count(_parse(text)))


def run_cli(text: str) -> tuple[int, str, str]:
    """Return ``(exit code, stdout, stderr)`` for counting the JSON scenario ``text``.

    Exit code 0 with the result as indented JSON on stdout, or 2 with the problem on
    stderr when the input is bad.
    """
    try:
        result = count_json(text)
    except TallyInputError as exc:
        return 2, "", f"tally: {exc}\n"
    return 0, json.dumps(result, indent=2, ensure_ascii=False) + "\n", ""
