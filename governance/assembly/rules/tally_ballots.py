"""The ballots on their way into the totals: one slot per resolution, every ballot added in
a fast loop, and when that loop finds anything wrong, a slow check that names the first bad
ballot.
"""

from typing import Any, NoReturn, TypeAlias

from governance.assembly.rules.tally_results import plural
from governance.assembly.rules.tally_scenario import Election, Resolution, TallyInputError

_CHOICES = ("for", "against", "abstain")
_VOTE_FIELDS = ("shareholder", "resolution", "choice")

# Per resolution: (each voter's choice, running integer totals keyed by choice or candidate,
# seats - 0 for a motion). The choices refuse double votes and let capped voters be re-weighed
# afterwards.
Slots: TypeAlias = dict[str, tuple[dict[str, Any], dict[str, int], int]]


def open_slots(resolutions: list[Resolution]) -> Slots:
    """An empty slot per resolution; duplicate resolutions or candidates are refused."""
    slots: Slots = {}
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
    return slots


def add_ballots(votes: Any, weight_of: dict[str, int], slots: Slots) -> bool:
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


def raise_first_bad_ballot(votes: object, weight_of: dict[str, int], slots: Slots) -> NoReturn:
    """Check the ballots one by one, slowly and precisely, and name the first bad one."""
    if not isinstance(votes, list):
        raise TallyInputError(f"votes: expected a list of ballots, got {votes!r}")
    seen: dict[str, set[str]] = {rid: set() for rid in slots}
    for n, vote in enumerate(votes):
        where = f"votes[{n}]"
        sid, rid, choice = _fields(where, vote)
        _check_voter(where, sid, rid, weight_of, seen)
        seen[rid].add(sid)
        _, acc, seats = slots[rid]
        if seats == 0:
            _check_motion_choice(where, rid, choice, acc)
        else:
            _check_election_choice(where, rid, choice, acc, seats)
    raise TallyInputError("votes: a ballot could not be counted")  # pragma: no cover


def _fields(where: str, vote: object) -> tuple[Any, Any, Any]:
    """The ballot's shareholder, resolution and choice, when it has these three fields only."""
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
    return vote["shareholder"], vote["resolution"], vote["choice"]


def _check_voter(
    where: str, sid: Any, rid: Any, weight_of: dict[str, int], seen: dict[str, set[str]]
) -> None:
    """A known shareholder on a known resolution, voting on it for the first time."""
    if not isinstance(sid, str):
        raise TallyInputError(f"{where}.shareholder: expected a string, got {sid!r}")
    if sid not in weight_of:
        raise TallyInputError(f"{where}: unknown shareholder {sid!r}")
    if not isinstance(rid, str):
        raise TallyInputError(f"{where}.resolution: expected a string, got {rid!r}")
    if rid not in seen:
        raise TallyInputError(f"{where}: unknown resolution {rid!r}")
    if sid in seen[rid]:
        raise TallyInputError(f"{where}: shareholder {sid!r} already voted on resolution {rid!r}")


def _check_motion_choice(where: str, rid: str, choice: Any, acc: dict[str, int]) -> None:
    """On a motion: 'for', 'against' or 'abstain'."""
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


def _check_election_choice(
    where: str, rid: str, choice: Any, acc: dict[str, int], seats: int
) -> None:
    """On an election: a list of known candidates, each once, no more than the seats."""
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
            f"{plural(seats, 'seat')} of election {rid!r}"
        )
    chosen: set[str] = set()
    for candidate in choice:
        if not isinstance(candidate, str) or candidate not in acc:
            raise TallyInputError(f"{where}: unknown candidate {candidate!r} in election {rid!r}")
        if candidate in chosen:
            raise TallyInputError(
                f"{where}: candidate {candidate!r} is chosen twice in election {rid!r}"
            )
        chosen.add(candidate)
