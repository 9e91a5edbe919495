"""Casting votes at the general assembly: the voting window, what a ballot may contain,
its receipt (tracker hash), the seal published at closing, proxies and the throttle for
wrong codes. Pure: the clock, keys and randomness are given by the caller."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from governance.kernel.rules.errors import InvalidTransition, RuleViolation

__all__ = [
    "AgendaItem",
    "BallotChoices",
    "Choice",
    "CodeAlreadyUsed",
    "InvalidChoice",
    "ProxyCapReached",
    "ProxyNotAllowed",
    "RemoteVotingNotAllowed",
    "TooManyCandidates",
    "UnknownBallotCode",
    "VotingClosed",
    "VotingNotOpen",
    "WindowState",
    "WrongCodeThrottle",
    "canonical_choices",
    "check_proxy",
    "check_window",
    "receipt_for",
    "replace_tag",
    "seal_of",
    "validate_choices",
    "window_state",
]


class Choice(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


class WindowState(StrEnum):
    NOT_YET = "not_yet"
    OPEN = "open"
    CLOSED = "closed"


class UnknownBallotCode(RuleViolation):
    """No voter of this assembly holds this ballot code."""

    code = "unknown_ballot_code"


class CodeAlreadyUsed(RuleViolation):
    """The ballot code was used already and the statutes do not let a second vote replace it."""

    code = "ballot_code_used"


class VotingNotOpen(RuleViolation):
    code = "voting_not_open"


class VotingClosed(RuleViolation):
    code = "voting_closed"


class InvalidChoice(RuleViolation):
    """A choice is missing, unknown, or given for a resolution not on the agenda."""

    code = "invalid_choice"


class TooManyCandidates(RuleViolation):
    code = "too_many_candidates"


class RemoteVotingNotAllowed(RuleViolation):
    """This assembly takes votes only at the meeting (no remote or postal voting)."""

    code = "remote_voting_not_allowed"


class ProxyCapReached(RuleViolation):
    code = "proxy_cap_reached"


class ProxyNotAllowed(RuleViolation):
    code = "proxy_not_allowed"


# ----------------------------------------------------------------------- the window


def window_state(now: datetime, opens_at: datetime, closes_at: datetime) -> WindowState:
    """Where `now` lies against the voting window [opens_at, closes_at)."""
    if now < opens_at:
        return WindowState.NOT_YET
    if now >= closes_at:
        return WindowState.CLOSED
    return WindowState.OPEN


def check_window(
    now: datetime, opens_at: datetime, closes_at: datetime, *, closed: bool = False
) -> None:
    """Refuse a vote outside the window (or once staff closed the voting)."""
    state = WindowState.CLOSED if closed else window_state(now, opens_at, closes_at)
    if state is WindowState.NOT_YET:
        raise VotingNotOpen(f"voting opens at {opens_at.isoformat()}", field="voting_opens_at")
    if state is WindowState.CLOSED:
        raise VotingClosed(f"voting closed at {closes_at.isoformat()}", field="voting_closes_at")


class VotingStillOpen(InvalidTransition):
    """The voting is closed (and counted) at the end of its window, earlier only on a staff
    request; the storage is cleaned only once it is closed."""

    code = "voting_still_open"


def check_closable(now: datetime, closes_at: datetime, *, early: bool) -> None:
    """Refuse to close a voting before its window ends unless staff asked to close early."""
    if now < closes_at and not early:
        raise VotingStillOpen(
            f"voting is open until {closes_at.isoformat()}; close early only on a staff request",
            field="voting_closes_at",
        )


# -------------------------------------------------------------------- the choices


@dataclass(frozen=True)
class AgendaItem:
    """What the ballot validation needs to know of one resolution."""

    code: str
    kind: str  # ordinary | statute_amendment | object_change | election
    seats: int = 0
    candidates: tuple[str, ...] = ()

    @property
    def is_election(self) -> bool:
        return self.kind == "election"


BallotChoices = dict[str, str | list[str]]


def validate_choices(agenda: Sequence[AgendaItem], submitted: Mapping[str, Any]) -> BallotChoices:
    """One choice per resolution: for/against/abstain on a motion, at most `seats`
    distinct known candidates on an election (none is a blank ballot). Returns the
    choices normalised, in agenda order."""
    known = {item.code for item in agenda}
    for code in submitted:
        if code not in known:
            raise InvalidChoice(f"resolution {code!r} is not on the agenda", field=str(code))
    result: BallotChoices = {}
    for item in agenda:
        if item.code not in submitted:
            raise InvalidChoice(f"no choice given on resolution {item.code}", field=item.code)
        value = submitted[item.code]
        if not item.is_election:
            if not isinstance(value, str) or value not in Choice.__members__.values():
                raise InvalidChoice(
                    f"resolution {item.code}: choose for, against or abstain (got {value!r})",
                    field=item.code,
                )
            result[item.code] = Choice(value).value
            continue
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise InvalidChoice(
                f"election {item.code}: give a list of candidates (got {value!r})",
                field=item.code,
            )
        if len(set(names)) != len(names):
            raise InvalidChoice(
                f"election {item.code}: a candidate is chosen twice", field=item.code
            )
        for name in names:
            if name not in item.candidates:
                raise InvalidChoice(
                    f"election {item.code}: {name!r} is not a candidate", field=item.code
                )
        if len(names) > item.seats:
            raise TooManyCandidates(
                f"election {item.code}: at most {item.seats} candidate(s), {len(names)} chosen",
                field=item.code,
            )
        result[item.code] = sorted(names, key=item.candidates.index)
    return result


def canonical_choices(choices: Mapping[str, Any]) -> str:
    """The one byte-exact text of a ballot's choices that receipts and seals hash."""
    return json.dumps(choices, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


# ------------------------------------------------------------- receipts and the seal


def receipt_for(assembly_id: int, nonce: str, choices: Mapping[str, Any]) -> str:
    """The tracker hash given to the voter: it commits to the assembly, a random nonce
    and the exact choices, so changing a stored ballot changes its receipt."""
    text = f"coopflow-ballot/1|{assembly_id}|{nonce}|{canonical_choices(choices)}"
    return hashlib.sha256(text.encode()).hexdigest()


def seal_of(assembly_id: int, receipts: Iterable[str]) -> str:
    """Hash chain over the sorted receipts, published at closing: any ballot added,
    removed or altered afterwards changes it."""
    digest = hashlib.sha256(f"coopflow-seal/1|{assembly_id}".encode()).digest()
    for receipt in sorted(receipts):
        digest = hashlib.sha256(digest + bytes.fromhex(receipt)).digest()
    return digest.hex()


def replace_tag(key: bytes, assembly_id: int, normalised_code: str) -> str:
    """The tag that lets a later vote with the same code find and replace the earlier
    ballot (statutes voting.revote_replaces). It is keyed on the code itself, which the
    database does not hold, and uses a different domain than the code hash, so knowing a
    voter's code hash does not give it. Tags are wiped at closing."""
    message = f"coopflow-revote/1|{assembly_id}|{normalised_code}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


# ---------------------------------------------------------------------- proxies


def check_proxy(
    *,
    holder_is_shareholder: bool,
    proxy_must_be_shareholder: bool,
    proxies_held: int,
    proxies_per_holder: int,
    giver_is_holder: bool,
    giver_has_voted: bool,
    giver_already_gave: bool,
) -> None:
    """May this proxy be given? Raises the rule it breaks."""
    if giver_is_holder:
        raise ProxyNotAllowed("a shareholder cannot give a proxy to themself", field="holder")
    if giver_already_gave:
        raise ProxyNotAllowed("this shareholder already gave a proxy", field="giver")
    if giver_has_voted:
        raise ProxyNotAllowed("this shareholder has already voted", field="giver")
    if proxy_must_be_shareholder and not holder_is_shareholder:
        raise ProxyNotAllowed(
            "the statutes require the proxy holder to be a shareholder", field="holder"
        )
    if proxies_held >= proxies_per_holder:
        raise ProxyCapReached(
            f"the holder already holds {proxies_held} proxies; the statutes allow "
            f"{proxies_per_holder} per holder",
            field="holder",
        )


# -------------------------------------------------------------- wrong-code throttle


@dataclass
class _Bucket:
    tokens: float
    updated: float


class WrongCodeThrottle:
    """Token bucket per key (a client address, a code prefix): `burst` wrong codes at once,
    then one more every `refill_seconds`. Only wrong codes take a token; the clock is given
    by the caller."""

    def __init__(self, burst: int = 5, refill_seconds: float = 20.0, max_clients: int = 100_000):
        self.burst = burst
        self.refill_seconds = refill_seconds
        self.max_clients = max_clients
        self._buckets: dict[str, _Bucket] = {}

    def _bucket(self, client: str, now: float) -> _Bucket:
        bucket = self._buckets.get(client)
        if bucket is None:
            if len(self._buckets) >= self.max_clients:  # bounded memory: forget the oldest
                oldest = min(self._buckets, key=lambda c: self._buckets[c].updated)
                del self._buckets[oldest]
            bucket = self._buckets[client] = _Bucket(float(self.burst), now)
        else:
            gained = (now - bucket.updated) / self.refill_seconds
            bucket.tokens = min(float(self.burst), bucket.tokens + gained)
            bucket.updated = now
        return bucket

    def wait_seconds(self, client: str, now: float) -> float:
        """0 if this client may try a code now, else how long it must wait."""
        bucket = self._bucket(client, now)
        if bucket.tokens >= 1:
            return 0.0
        return (1 - bucket.tokens) * self.refill_seconds

    def wrong_code(self, client: str, now: float) -> None:
        bucket = self._bucket(client, now)
        bucket.tokens = max(0.0, bucket.tokens - 1)
