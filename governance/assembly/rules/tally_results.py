"""What the vote counter says: per resolution the exact totals and the outcome with a
one-sentence reason (quorum, majority, the board's report; seats elected, tied or unfilled).

Amounts are strings that ``Fraction`` reads back exactly (``"7"``, ``"19/2"``).
"""

from fractions import Fraction
from typing import TypeAlias

from typing_extensions import TypedDict

from governance.assembly.rules.tally_scenario import (
    Election,
    ObjectChange,
    OrdinaryResolution,
    StatuteAmendment,
    TallyRules,
    parse_fraction,
)

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


_SIMPLE_MAJORITY = Fraction(1, 2)  # ordinary decisions: more for than against, by law
_KIND_LABEL = {
    "ordinary": "an ordinary decision",
    "statute_amendment": "a statute amendment",
    "object_change": "an object change",
}

Amount: TypeAlias = int | Fraction


def _amount(value: Amount) -> str:
    return str(value)


def _names(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def plural(n: int, word: str) -> str:
    """``"1 seat"``, ``"2 seats"``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class Quorum:
    """Who is present or represented against the quorum the rules ask."""

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
    return parse_fraction(getattr(rules, name), f"rules.{name}")


# --- motions ------------------------------------------------------------------------------------


def motion_result(
    res: OrdinaryResolution | StatuteAmendment | ObjectChange,
    acc: dict[str, Amount],
    quorum: Quorum,
    rules: TallyRules,
) -> MotionResult:
    """The totals of a motion and whether it is adopted, with the reason."""
    kind = res.kind
    majority = _majority(rules, kind)
    quorum_required = kind != "ordinary" and not quorum.second_meeting
    quorum_met = quorum.met or not quorum_required
    adopted, reason = _motion_verdict(res, acc, quorum, quorum_met, majority)
    return {
        "id": res.id,
        "kind": kind,
        "for": _amount(acc["for"]),
        "against": _amount(acc["against"]),
        "abstain": _amount(acc["abstain"]),
        "quorum_required": quorum_required,
        "quorum_met": quorum_met,
        "majority": str(majority),
        "adopted": adopted,
        "reason": reason,
    }


def _motion_verdict(
    res: OrdinaryResolution | StatuteAmendment | ObjectChange,
    acc: dict[str, Amount],
    quorum: Quorum,
    quorum_met: bool,
    majority: Fraction,
) -> tuple[bool, str]:
    """Adopted or not, and why: void, no quorum, no votes cast, or the majority's verdict."""
    votes_for, votes_against, abstain = acc["for"], acc["against"], acc["abstain"]
    if isinstance(res, ObjectChange) and not res.board_report:
        counts = (
            f"{_amount(votes_for)} for, {_amount(votes_against)} against, "
            f"{_amount(abstain)} abstaining"
        )
        return False, (
            f"Void: an object change cannot be adopted without the board's report ({counts})."
        )
    if not quorum_met:
        return False, (
            f"Not adopted: quorum not met, {_amount(quorum.present)} of "
            f"{_amount(quorum.total)} {quorum.basis} present or represented is below the "
            f"required {quorum.fraction} ({_amount(quorum.needed)})."
        )
    if votes_for + votes_against == 0:
        return False, (
            f"Not adopted: no votes were cast for or against "
            f"({_amount(abstain)} abstaining, not counted)."
        )
    if res.kind == "ordinary":
        return _simple_majority(votes_for, votes_against, abstain)
    return _qualified_majority(res.kind, acc, majority, quorum.second_meeting)


def _simple_majority(votes_for: Amount, votes_against: Amount, abstain: Amount) -> tuple[bool, str]:
    """An ordinary decision: adopted with strictly more votes for than against."""
    if votes_for > votes_against:
        return True, (
            f"Adopted by simple majority: {_amount(votes_for)} for to "
            f"{_amount(votes_against)} against ({_amount(abstain)} abstaining, not counted)."
        )
    return False, (
        f"Not adopted: {_amount(votes_for)} for is not more than "
        f"{_amount(votes_against)} against ({_amount(abstain)} abstaining, not counted)."
    )


def _qualified_majority(
    kind: str, acc: dict[str, Amount], majority: Fraction, second_meeting: bool
) -> tuple[bool, str]:
    """A statute amendment or an object change: the votes for reach the majority's share."""
    votes_for, abstain = acc["for"], acc["abstain"]
    cast_votes = votes_for + acc["against"]
    needed = majority * cast_votes
    adopted = votes_for >= needed
    context = f"{_amount(abstain)} abstaining, not counted"
    if second_meeting:
        context += "; no quorum needed at a second meeting"
    verdict = "Adopted" if adopted else "Not adopted"
    comparison = "reaches" if adopted else "is below"
    return adopted, (
        f"{verdict}: {_amount(votes_for)} for out of {_amount(cast_votes)} votes cast "
        f"{comparison} the {majority} required for {_KIND_LABEL[kind]} "
        f"({_amount(needed)} needed; {context})."
    )


# --- elections ----------------------------------------------------------------------------------


def election_result(res: Election, acc: dict[str, Amount]) -> ElectionResult:
    """The totals of an election, who is elected, and whether a tie leaves seats unfilled."""
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
        reason = f"No one elected to the {plural(seats, 'seat')}: no candidate received any votes."
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
            f"Elected {with_votes(elected)}; {plural(unfilled, 'seat')} of {seats} left "
            f"unfilled because no other candidate received any votes."
        )
    else:
        reason = f"Elected {with_votes(elected)} to the {plural(seats, 'seat')}."

    return {
        "id": res.id,
        "kind": res.kind,
        "results": {c: _amount(acc[c]) for c in res.candidates},
        "elected": elected,
        "tie": tie,
        "reason": reason,
    }
