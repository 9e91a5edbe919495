"""General assembly rules (pure): convocation delay, agenda checks, eligibility, ballot codes.

Ballot codes are derived, not drawn: code = Crockford-base32(HMAC-SHA256(code key,
"ballot:<assembly>:<member>")). A re-run after a crash therefore regenerates exactly the code
whose hash was stored at the snapshot; no plaintext code is ever stored in the database.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from governance.kernel.rules.calendar import BRUSSELS
from governance.kernel.rules.errors import RuleViolation

LANGUAGES = ("fr", "nl", "de", "en")


class AssemblyKind(StrEnum):
    ORDINARY = "ordinary"
    EXTRAORDINARY = "extraordinary"
    MIXED = "mixed"


class AssemblyStatus(StrEnum):
    DRAFT = "draft"
    CONVENED = "convened"
    CLOSED = "closed"


class ResolutionKind(StrEnum):
    ORDINARY = "ordinary"  # simple majority
    STATUTE_AMENDMENT = "statute_amendment"  # quorum, 3/4
    OBJECT_CHANGE = "object_change"  # quorum, 4/5, board report attached (CSA 6:86)
    ELECTION = "election"  # seats, candidates, secret


# --- refusals ---------------------------------------------------------------------------


class ConvocationTooLate(RuleViolation):
    """The convocation would reach shareholders less than the statutory delay before."""

    code = "convocation_too_late"


class BoardReportMissing(RuleViolation):
    """An object change without the board's report attached to the convocation is void."""

    code = "board_report_missing"


class InvalidAgenda(RuleViolation):
    code = "invalid_agenda"


class InvalidVotingWindow(RuleViolation):
    code = "invalid_voting_window"


class InvalidRecordDate(RuleViolation):
    code = "invalid_record_date"


class InvalidBallotCode(RuleViolation):
    """What a voter typed is not a ballot code (wrong length, letters or check character)."""

    code = "invalid_ballot_code"


# --- the assembly as facts ----------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str


@dataclass(frozen=True)
class ResolutionFacts:
    code: str
    kind: ResolutionKind
    title: Mapping[str, str]
    text: Mapping[str, str]
    seats: int | None = None
    candidates: tuple[Candidate, ...] = ()
    board_report: bool = False


@dataclass(frozen=True)
class AssemblyFacts:
    title: str
    kind: AssemblyKind
    meeting_at: datetime
    record_date: date
    voting_opens_at: datetime
    voting_closes_at: datetime
    resolutions: tuple[ResolutionFacts, ...]
    board_report_document_key: str | None = None
    second_meeting: bool = False


def check_agenda(facts: AssemblyFacts) -> None:
    """Every resolution complete in fr/nl/de/en; elections with seats and candidates; an
    object change only with the board report; a sensible voting window and record date."""
    if not facts.resolutions:
        raise InvalidAgenda("the agenda has no resolution", field="resolutions")
    codes = [r.code for r in facts.resolutions]
    if len(set(codes)) != len(codes):
        raise InvalidAgenda(f"resolution codes must be unique, got {codes}", field="resolutions")
    for r in facts.resolutions:
        for lang in LANGUAGES:
            if not (r.title.get(lang) or "").strip() or not (r.text.get(lang) or "").strip():
                raise InvalidAgenda(
                    f"resolution {r.code} has no title or text in '{lang}': the exact text "
                    "must be in the convocation in every language",
                    field=f"resolutions.{r.code}.text.{lang}",
                )
        if r.kind is ResolutionKind.ELECTION:
            if not r.seats or r.seats < 1:
                raise InvalidAgenda(
                    f"election {r.code} needs at least one seat",
                    field=f"resolutions.{r.code}.seats",
                )
            ids = [c.id for c in r.candidates]
            if len(ids) < 1 or len(set(ids)) != len(ids):
                raise InvalidAgenda(
                    f"election {r.code} needs candidates with distinct ids",
                    field=f"resolutions.{r.code}.candidates",
                )
        if r.kind is ResolutionKind.OBJECT_CHANGE and not (
            r.board_report and facts.board_report_document_key
        ):
            raise BoardReportMissing(
                f"resolution {r.code} changes the object of the cooperative: the board's "
                "detailed report must be attached to the convocation (CSA 6:86), otherwise the "
                "decision is void. Attach the report before convening.",
                field="board_report_document_key",
            )
    if facts.voting_opens_at >= facts.voting_closes_at:
        raise InvalidVotingWindow(
            "the voting window must open before it closes", field="voting_closes_at"
        )
    if facts.voting_closes_at > facts.meeting_at + timedelta(hours=12):
        raise InvalidVotingWindow(
            "voting must close by the end of the meeting day", field="voting_closes_at"
        )
    if facts.record_date > facts.meeting_at.astimezone(BRUSSELS).date():
        raise InvalidRecordDate(
            "the record date must not be after the meeting", field="record_date"
        )


def check_convocation_delay(meeting_at: datetime, sending_at: datetime, days: int) -> None:
    """At least `days` full days between the day of sending and the day of the meeting
    (Brussels calendar days: a convocation sent on 1 June allows a meeting on 16 June)."""
    sent = sending_at.astimezone(BRUSSELS).date()
    meeting = meeting_at.astimezone(BRUSSELS).date()
    if (meeting - sent).days < days:
        earliest = sent + timedelta(days=days)
        raise ConvocationTooLate(
            f"the meeting on {meeting.isoformat()} is {(meeting - sent).days} day(s) after "
            f"the convocation sent on {sent.isoformat()}; the statutes require at least {days} "
            f"days: move the meeting to {earliest.isoformat()} or later",
            field="meeting_at",
        )


def check_record_date(record_date: date, today: date) -> None:
    """The snapshot is taken of the past: the register as at a date that has happened."""
    if record_date > today:
        raise InvalidRecordDate(
            f"the record date {record_date.isoformat()} is in the future: the register can "
            "only be frozen as it stood on a past day",
            field="record_date",
        )


# --- eligibility --------------------------------------------------------------------------


@dataclass(frozen=True)
class HoldingFact:
    member_id: int
    share_class: str
    shares: int
    paid_cents: int


@dataclass(frozen=True)
class EligibleVoter:
    member_id: int
    shares_by_class: dict[str, int] = field(default_factory=dict)
    shares: int = 0
    weight: int = 0


def eligible_voters(
    holdings: Iterable[HoldingFact],
    *,
    nominal_cents: Mapping[str, int],
    vote_basis: str,
    left_before_record_date: set[int] | frozenset[int] = frozenset(),
) -> list[EligibleVoter]:
    """Holders of fully paid shares at the record date, who had not left by then.

    A share counts when its nominal value is paid in full (partly paid holdings count the
    number of shares the payments cover). Weight: 1 per member, or the shares (per_share)."""
    per_member: dict[int, dict[str, int]] = {}
    for h in holdings:
        if h.member_id in left_before_record_date or h.shares <= 0:
            continue
        nominal = nominal_cents[h.share_class]
        paid_shares = min(h.shares, max(h.paid_cents, 0) // nominal)
        if paid_shares <= 0:
            continue
        classes = per_member.setdefault(h.member_id, {})
        classes[h.share_class] = classes.get(h.share_class, 0) + paid_shares
    voters = []
    for member_id in sorted(per_member):
        classes = per_member[member_id]
        total = sum(classes.values())
        weight = 1 if vote_basis == "per_member" else total
        voters.append(EligibleVoter(member_id, dict(sorted(classes.items())), total, weight))
    return voters


# --- ballot codes ---------------------------------------------------------------------------

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O, U
_DECODE = {c: c for c in CROCKFORD} | {"O": "0", "I": "1", "L": "1"}
CODE_DATA_CHARS = 27  # 27 x 5 = 135 bits from the HMAC
CODE_CHARS = CODE_DATA_CHARS + 1  # + one check character (catches typos before a lookup)
CODE_GROUP = 4  # XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX


def derive_key(master: bytes, purpose: str) -> bytes:
    """A sub-key for one purpose, so the code key and the hash key are never the same."""
    return hmac.new(master, f"coopflow:{purpose}".encode(), hashlib.sha256).digest()


def _base32(data: bytes, chars: int) -> str:
    number = int.from_bytes(data, "big")
    bits = len(data) * 8
    number >>= bits - chars * 5
    out = []
    for _ in range(chars):
        out.append(CROCKFORD[number & 31])
        number >>= 5
    return "".join(reversed(out))


# The check character is a weighted sum over GF(32) (the 32 code characters as field
# elements, weights the powers of x modulo the primitive x^5 + x^2 + 1): a single wrong
# character changes the sum by w^k * d != 0, two neighbours swapped by
# w^k * (w + 1) * (a + b) != 0, so EVERY single substitution and EVERY adjacent transposition
# is caught (test_assembly_domain checks all of them on sample codes).
_GF32_POLYNOMIAL = 0b100101
_WEIGHT = 2  # x


def _gf32_times(a: int, b: int) -> int:
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a & 32:
            a ^= _GF32_POLYNOMIAL
    return product


def check_char(data: str) -> str:
    """The check character of a code's data characters (canonical Crockford)."""
    total = 0
    for ch in data:
        total = _gf32_times(total, _WEIGHT) ^ CROCKFORD.index(ch)
    return CROCKFORD[_gf32_times(total, _WEIGHT)]


def legacy_check_char(data: str) -> str:
    """The check character of codes issued before 2026-12 (1 typo in 32 slipped through):
    still accepted by the lookup so codes of an assembly convened earlier stay valid."""
    return CROCKFORD[hashlib.sha256(data.encode()).digest()[0] & 31]


def derive_ballot_code(code_key: bytes, assembly_id: int, member_id: int) -> str:
    """The ballot code of one voter (canonical form, 28 characters, 135 secret bits)."""
    mac = hmac.new(code_key, f"ballot:{assembly_id}:{member_id}".encode(), hashlib.sha256)
    data = _base32(mac.digest(), CODE_DATA_CHARS)
    return data + check_char(data)


def format_ballot_code(code: str) -> str:
    """Groups of four for people: 7K3M-Q9TD-..."""
    canonical = normalise_ballot_code(code)
    return "-".join(canonical[i : i + CODE_GROUP] for i in range(0, CODE_CHARS, CODE_GROUP))


def normalise_ballot_code(typed: str, *, legacy: bool = False) -> str:
    """What a voter typed → the canonical code: case, spaces and dashes ignored, O→0, I/L→1.
    Raises InvalidBallotCode (with a reason) for anything that cannot be a code. With
    `legacy`, a code whose check character is the pre-2026-12 one is accepted too."""
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -_.\t\n")
    if len(cleaned) != CODE_CHARS:
        raise InvalidBallotCode(
            f"a ballot code has {CODE_CHARS} characters, this one has {len(cleaned)}",
            field="ballot_code",
        )
    try:
        canonical = "".join(_DECODE[ch] for ch in cleaned)
    except KeyError as exc:
        raise InvalidBallotCode(
            f"a ballot code uses only digits and letters, not '{exc.args[0]}'", field="ballot_code"
        ) from exc
    expected = {check_char(canonical[:-1])}
    if legacy:
        expected.add(legacy_check_char(canonical[:-1]))
    if canonical[-1] not in expected:
        raise InvalidBallotCode(
            "this ballot code contains a typing error: please check it character by character",
            field="ballot_code",
        )
    return canonical


def ballot_code_hash(key: bytes, code: str, *, legacy: bool = False) -> str:
    """What the database stores: HMAC-SHA256(hash key, canonical code), hex. Accepts any
    typed form of the code."""
    canonical = normalise_ballot_code(code, legacy=legacy)
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()
