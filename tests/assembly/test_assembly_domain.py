"""Pure GA rules: the 15-day delay, the board report, eligibility, ballot codes."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta

import pytest

from governance.assembly.rules import assembly as rules
from governance.assembly.rules.assembly import (
    AssemblyFacts,
    AssemblyKind,
    BoardReportMissing,
    ConvocationTooLate,
    HoldingFact,
    InvalidBallotCode,
    ResolutionFacts,
    ResolutionKind,
)

TEXT = {"fr": "texte", "nl": "tekst", "de": "Text", "en": "text"}
MEETING = datetime(2027, 6, 19, 12, 0, tzinfo=UTC)  # 14:00 in Brussels


def facts(*resolutions: ResolutionFacts, board_report_key: str | None = None) -> AssemblyFacts:
    return AssemblyFacts(
        title="GA",
        kind=AssemblyKind.MIXED,
        meeting_at=MEETING,
        record_date=date(2027, 5, 28),
        voting_opens_at=MEETING - timedelta(days=14),
        voting_closes_at=MEETING - timedelta(hours=2),
        resolutions=resolutions,
        board_report_document_key=board_report_key,
    )


def test_a_convocation_sent_fifteen_days_before_is_accepted() -> None:
    rules.check_convocation_delay(MEETING, datetime(2027, 6, 4, 21, 0, tzinfo=UTC), 15)


def test_a_convocation_sent_fourteen_days_before_is_refused_with_the_earliest_date() -> None:
    # 5 June 00:30 in Brussels is still 4 June 22:30 UTC: the Brussels calendar decides.
    with pytest.raises(ConvocationTooLate) as caught:
        rules.check_convocation_delay(MEETING, datetime(2027, 6, 4, 22, 30, tzinfo=UTC), 15)
    assert caught.value.field == "meeting_at"
    assert "14 day(s)" in caught.value.message and "2027-06-20" in caught.value.message


def test_an_object_change_without_the_board_report_is_refused() -> None:
    change = ResolutionFacts("R3", ResolutionKind.OBJECT_CHANGE, TEXT, TEXT, board_report=True)
    with pytest.raises(BoardReportMissing) as caught:
        rules.check_agenda(facts(change))
    assert "CSA 6:86" in caught.value.message
    rules.check_agenda(facts(change, board_report_key="doc:board-report:1"))


def test_a_resolution_without_its_dutch_text_is_refused() -> None:
    text = dict(TEXT, nl="")
    with pytest.raises(rules.InvalidAgenda) as caught:
        rules.check_agenda(facts(ResolutionFacts("R1", ResolutionKind.ORDINARY, TEXT, text)))
    assert caught.value.field == "resolutions.R1.text.nl"


def test_an_election_needs_seats_and_candidates() -> None:
    with pytest.raises(rules.InvalidAgenda):
        rules.check_agenda(facts(ResolutionFacts("E1", ResolutionKind.ELECTION, TEXT, TEXT)))


def test_eligibility_counts_fully_paid_shares_and_weighs_per_statutes() -> None:
    holdings = [
        HoldingFact(1, "A", 3, 9000),
        HoldingFact(1, "B", 1, 3000),
        HoldingFact(2, "A", 2, 3000),  # one share paid: one share counts
        HoldingFact(3, "A", 1, 0),  # nothing paid: no vote
        HoldingFact(4, "A", 5, 15000),  # left before the record date
    ]
    kwargs = {"nominal_cents": {"A": 3000, "B": 3000}, "left_before_record_date": {4}}
    per_member = rules.eligible_voters(holdings, vote_basis="per_member", **kwargs)
    assert [(v.member_id, v.shares_by_class, v.weight) for v in per_member] == [
        (1, {"A": 3, "B": 1}, 1),
        (2, {"A": 1}, 1),
    ]
    per_share = rules.eligible_voters(holdings, vote_basis="per_share", **kwargs)
    assert [v.weight for v in per_share] == [4, 1]


def test_ballot_codes_are_deterministic_long_and_distinct() -> None:
    key = secrets.token_bytes(32)
    codes = {rules.derive_ballot_code(key, 7, m) for m in range(5000)}
    assert len(codes) == 5000
    code = rules.derive_ballot_code(key, 7, 42)
    assert code == rules.derive_ballot_code(key, 7, 42)  # a re-run regenerates it
    assert code != rules.derive_ballot_code(key, 8, 42)  # another assembly, another code
    assert code != rules.derive_ballot_code(secrets.token_bytes(32), 7, 42)  # keyed
    assert len(code) == 28 and set(code) <= set(rules.CROCKFORD)
    assert rules.CODE_DATA_CHARS * 5 >= 128


def test_a_code_is_typed_in_any_case_with_spaces_dashes_and_look_alikes() -> None:
    key = secrets.token_bytes(32)
    code = rules.derive_ballot_code(key, 1, 1)
    pretty = rules.format_ballot_code(code)
    assert pretty.count("-") == 6 and pretty.replace("-", "") == code
    typed = " " + pretty.lower().replace("-", " ").replace("0", "o").replace("1", "l") + " "
    assert rules.normalise_ballot_code(typed) == code
    hash_key = secrets.token_bytes(32)
    assert rules.ballot_code_hash(hash_key, typed) == rules.ballot_code_hash(hash_key, code)
    assert code not in rules.ballot_code_hash(hash_key, code)


def _typos(code: str) -> tuple[list[str], list[str]]:
    """Every single-character substitution and every swap of two different neighbours."""
    substitutions = [code[:i] + c + code[i + 1:] for i in range(len(code))
                     for c in rules.CROCKFORD if c != code[i]]
    swaps = [code[:i] + code[i + 1] + code[i] + code[i + 2:] for i in range(len(code) - 1)
             if code[i] != code[i + 1]]
    return substitutions, swaps


@pytest.mark.parametrize("member", range(1, 41))
def test_every_single_substitution_and_every_neighbour_swap_is_caught(member: int) -> None:
    code = rules.derive_ballot_code(secrets.token_bytes(32), 7, member)
    substitutions, swaps = _typos(code)
    assert len(substitutions) == 28 * 31  # the 868 of the report
    for typo in substitutions + swaps:
        with pytest.raises(InvalidBallotCode, match="typing error"):
            rules.normalise_ballot_code(typo)


def test_the_earlier_check_character_let_typos_through_and_is_accepted_only_on_request() -> None:
    key = b"k" * 32
    data = rules.derive_ballot_code(key, 1, 1)[:-1]
    old = data + rules.legacy_check_char(data)
    substitutions, _ = _typos(old)
    missed = [t for t in substitutions if rules.legacy_check_char(t[:-1]) == t[-1]]
    assert missed  # why it was replaced
    if old[-1] != rules.check_char(data):
        with pytest.raises(InvalidBallotCode):
            rules.normalise_ballot_code(old)
    assert rules.normalise_ballot_code(old, legacy=True) == old


def test_a_typing_error_is_caught_by_the_check_character() -> None:
    code = rules.derive_ballot_code(b"k" * 32, 1, 1)
    wrong = ("X" if code[3] != "X" else "Y").join((code[:3], code[4:]))
    with pytest.raises(InvalidBallotCode) as caught:
        rules.normalise_ballot_code(wrong)
    assert "typing error" in caught.value.message
    with pytest.raises(InvalidBallotCode):
        rules.normalise_ballot_code(code[:-2])
    with pytest.raises(InvalidBallotCode):
        rules.normalise_ballot_code(code[:-1] + "U")
