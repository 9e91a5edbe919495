"""Pure, deterministic vote counter for the cooperative's general assembly.

The counter reads a scenario (rules, shareholders, who is present, the resolutions
and the ballots) and returns, for every resolution in input order, the exact totals
and the outcome with a one-sentence reason. What it reads is in ``tally_scenario``, how
ballots are added and checked in ``tally_ballots``, the outcomes and their reasons in
``tally_results``; this module counts and is the command line's entry point.

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
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import Any, cast

from pydantic import ValidationError
from pydantic_core import from_json

from governance.assembly.rules.tally_ballots import add_ballots, open_slots, raise_first_bad_ballot
from governance.assembly.rules.tally_results import (
    Amount,
    ElectionResult,
    MotionResult,
    Quorum,
    TallyResult,
    election_result,
    motion_result,
)
from governance.assembly.rules.tally_scenario import (
    Election,
    Shareholder,
    TallyInputError,
    TallyRules,
    TallyScenario,
    parse_fraction,
)

__all__ = ["count", "count_json", "parse_scenario", "run_cli"]


# ------------------------------------------------------------------------ counting


def count(scenario: TallyScenario) -> TallyResult:
    """Count every resolution of ``scenario``; raise :class:`TallyInputError` on bad input."""
    rules = scenario.rules
    quorum_fraction = parse_fraction(rules.quorum_fraction, "rules.quorum_fraction")
    cap = (
        None
        if rules.vote_cap_fraction is None
        else parse_fraction(rules.vote_cap_fraction, "rules.vote_cap_fraction")
    )
    shares_of = _shares_of(scenario.shareholders)
    per_share = rules.vote_basis == "per_share"
    weight_of: dict[str, int] = shares_of if per_share else dict.fromkeys(shares_of, 1)
    listed_present = _listed_present(scenario.present, shares_of)

    resolutions = scenario.resolutions
    slots = open_slots(resolutions)
    votes = scenario.votes
    if not add_ballots(votes, weight_of, slots):
        raise_first_bad_ballot(votes, weight_of, slots)
    ballots = [slots[res.id][0] for res in resolutions]
    present = listed_present.union(*ballots)
    present_shares = sum(map(shares_of.__getitem__, present))

    # Exact totals; Fractions only appear where a cap applies.
    exact: list[dict[str, Amount]] = [
        {key: value for key, value in slots[res.id][1].items()} for res in resolutions
    ]
    if per_share and cap is not None:
        _cap_weights(exact, ballots, shares_of, present, cap * present_shares)
    quorum = _quorum(rules, quorum_fraction, shares_of, present, present_shares)

    out: list[MotionResult | ElectionResult] = []
    for r, res in enumerate(resolutions):
        if isinstance(res, Election):
            out.append(election_result(res, exact[r]))
        else:
            out.append(motion_result(res, exact[r], quorum, rules))
    return {"resolutions": out}


def _shares_of(shareholders: list[Shareholder]) -> dict[str, int]:
    """Each shareholder's shares; duplicate ids and negative shares are refused."""
    shares_of: dict[str, int] = {}
    for i, holder in enumerate(shareholders):
        if holder.id in shares_of:
            raise TallyInputError(f"shareholders[{i}]: duplicate shareholder id {holder.id!r}")
        if holder.shares < 0:
            raise TallyInputError(
                f"shareholders[{i}]: negative shares ({holder.shares}) for {holder.id!r}"
            )
        shares_of[holder.id] = holder.shares
    return shares_of


def _listed_present(present: list[str], shares_of: dict[str, int]) -> set[str]:
    """Those listed as present; each must be a shareholder."""
    listed: set[str] = set()
    for i, sid in enumerate(present):
        if sid not in shares_of:
            raise TallyInputError(f"present[{i}]: unknown shareholder {sid!r}")
        listed.add(sid)
    return listed


def _cap_weights(
    exact: list[dict[str, Amount]],
    ballots: list[dict[str, Any]],
    shares_of: dict[str, int],
    present: set[str],
    cap_weight: Fraction,
) -> None:
    """Re-weigh the voters above the cap: each counts ``cap_weight`` instead of their shares."""
    capped = [sid for sid in present if shares_of[sid] > cap_weight]
    if not capped:
        return
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


def _quorum(
    rules: TallyRules,
    fraction: Fraction,
    shares_of: dict[str, int],
    present: set[str],
    present_shares: int,
) -> Quorum:
    """The quorum on the basis the rules give: shares or members."""
    if rules.quorum_basis == "shares":
        counted, total = present_shares, sum(shares_of.values())
    else:
        counted, total = len(present), len(shares_of)
    return Quorum(
        basis=rules.quorum_basis,
        fraction=fraction,
        present=counted,
        total=total,
        second_meeting=rules.second_meeting,
    )


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
