"""The general assembly's vote counter: every rule at its boundary, bad input named,
and random scenarios checked against a plain, independent count."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.assembly.rules.tally import count, count_json, parse_scenario, run_cli
from governance.assembly.rules.tally_scenario import TallyInputError, TallyScenario
from governance.kernel.rules.errors import RuleViolation

MOTION_KEYS = {
    "id",
    "kind",
    "for",
    "against",
    "abstain",
    "quorum_required",
    "quorum_met",
    "majority",
    "adopted",
    "reason",
}
ELECTION_KEYS = {"id", "kind", "results", "elected", "tie", "reason"}


# --------------------------------------------------------------------------- helpers


def scenario(
    shareholders: dict[str, int],
    resolutions: list[dict[str, Any]],
    votes: list[tuple[str, str, Any]],
    *,
    basis: str = "per_share",
    cap: str | None = None,
    quorum: str = "1/2",
    quorum_basis: str = "shares",
    second_meeting: bool = False,
    present: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "rules": {
            "vote_basis": basis,
            "vote_cap_fraction": cap,
            "quorum_fraction": quorum,
            "quorum_basis": quorum_basis,
            "second_meeting": second_meeting,
        },
        "shareholders": [{"id": sid, "shares": n} for sid, n in shareholders.items()],
        "present": present or [],
        "resolutions": resolutions,
        "votes": [
            {"shareholder": sid, "resolution": rid, "choice": choice} for sid, rid, choice in votes
        ],
    }


def tally(data: dict[str, Any]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = count_json(json.dumps(data))["resolutions"]
    return results


def one(data: dict[str, Any]) -> dict[str, Any]:
    (result,) = tally(data)
    return result


def motion(kind: str, rid: str = "R1", **extra: Any) -> dict[str, Any]:
    return {"id": rid, "kind": kind, **extra}


def election(seats: int, candidates: list[str], rid: str = "E1") -> dict[str, Any]:
    return {"id": rid, "kind": "election", "seats": seats, "candidates": candidates}


def split_vote(
    votes_for: int, votes_against: int, kind: str, abstain: int = 0, **extra: Any
) -> dict[str, Any]:
    """Three shareholders holding exactly the for, against and abstaining shares."""
    holders = {"F": votes_for, "A": votes_against, "X": abstain}
    votes = [("F", "R1", "for"), ("A", "R1", "against"), ("X", "R1", "abstain")]
    return scenario(holders, [motion(kind, **extra)], votes)


def assert_bad(data: dict[str, Any] | str, message: str) -> None:
    text = data if isinstance(data, str) else json.dumps(data)
    with pytest.raises(TallyInputError) as caught:
        count_json(text)
    assert message in str(caught.value)


# ------------------------------------------------------------------ ordinary decisions


def test_an_ordinary_decision_passes_with_more_votes_for_than_against() -> None:
    result = one(split_vote(6, 5, "ordinary"))
    assert result["adopted"] is True
    assert (result["for"], result["against"], result["majority"]) == ("6", "5", "1/2")
    assert "6" in result["reason"] and "5" in result["reason"]


def test_an_ordinary_decision_fails_on_a_tie() -> None:
    result = one(split_vote(5, 5, "ordinary"))
    assert result["adopted"] is False
    assert "not more than" in result["reason"]


def test_an_ordinary_decision_needs_no_quorum() -> None:
    data = split_vote(2, 1, "ordinary")
    data["shareholders"].append({"id": "ABSENT", "shares": 1000})
    result = one(data)
    assert (result["quorum_required"], result["quorum_met"], result["adopted"]) == (
        False,
        True,
        True,
    )


def test_abstentions_count_in_neither_the_numerator_nor_the_denominator() -> None:
    ordinary = one(split_vote(2, 1, "ordinary", abstain=50))
    assert ordinary["adopted"] is True
    assert ordinary["abstain"] == "50"
    statute = one(split_vote(3, 1, "statute_amendment", abstain=50))
    assert statute["adopted"] is True


@pytest.mark.parametrize("kind", ["ordinary", "statute_amendment", "object_change"])
def test_a_motion_with_only_abstentions_is_not_adopted(kind: str) -> None:
    extra: dict[str, Any] = {"board_report": True} if kind == "object_change" else {}
    data = split_vote(0, 0, kind, abstain=10, **extra)
    data["votes"] = [v for v in data["votes"] if v["choice"] == "abstain"]
    result = one(data)
    assert result["adopted"] is False
    assert "no votes were cast" in result["reason"]


@pytest.mark.parametrize("kind", ["ordinary", "statute_amendment"])
def test_a_motion_nobody_voted_on_is_not_adopted(kind: str) -> None:
    data = scenario({"M1": 1}, [motion(kind)], [], present=["M1"])
    result = one(data)
    assert (result["for"], result["against"], result["abstain"]) == ("0", "0", "0")
    assert result["adopted"] is False


# ------------------------------------------------------------------ statute amendments


def test_a_statute_amendment_passes_with_exactly_three_quarters() -> None:
    result = one(split_vote(75, 25, "statute_amendment"))
    assert result["adopted"] is True
    assert result["majority"] == "3/4"


def test_a_statute_amendment_fails_just_under_three_quarters() -> None:
    result = one(split_vote(74, 25, "statute_amendment"))
    assert result["adopted"] is False
    assert "below the 3/4" in result["reason"]


def test_a_statute_amendment_passes_with_exactly_three_quarters_of_members() -> None:
    holders = {"A": 1, "B": 1, "C": 1, "D": 1}
    votes = [("A", "R1", "for"), ("B", "R1", "for"), ("C", "R1", "for"), ("D", "R1", "against")]
    data = scenario(holders, [motion("statute_amendment")], votes, basis="per_member")
    assert one(data)["adopted"] is True
    votes[2] = ("C", "R1", "against")
    data = scenario(holders, [motion("statute_amendment")], votes, basis="per_member")
    assert one(data)["adopted"] is False


# ----------------------------------------------------------------------- object change


def test_an_object_change_passes_with_exactly_four_fifths_and_a_board_report() -> None:
    result = one(split_vote(400, 100, "object_change", board_report=True))
    assert result["adopted"] is True
    assert result["majority"] == "4/5"


def test_an_object_change_fails_just_under_four_fifths() -> None:
    result = one(split_vote(399, 100, "object_change", board_report=True))
    assert result["adopted"] is False


def test_the_statutes_may_ask_a_higher_majority_for_a_statute_amendment() -> None:
    data = split_vote(79, 21, "statute_amendment")
    assert one(data)["adopted"] is True  # the law's 3/4
    data["rules"]["statute_amendment_majority"] = "4/5"
    result = one(data)
    assert (result["adopted"], result["majority"]) == (False, "4/5")
    assert "below the 4/5 required" in result["reason"]


def test_the_statutes_may_ask_a_higher_majority_for_an_object_change() -> None:
    data = split_vote(89, 11, "object_change", board_report=True)
    data["rules"]["object_change_majority"] = "9/10"
    assert (one(data)["adopted"], one(data)["majority"]) == (False, "9/10")
    data["rules"]["object_change_majority"] = "4/5"
    assert one(data)["adopted"] is True


def test_a_malformed_majority_is_refused_with_its_place() -> None:
    data = split_vote(3, 1, "object_change", board_report=True)
    data["rules"]["object_change_majority"] = "5/4"
    assert_bad(data, "rules.object_change_majority: fraction '5/4' must be greater than 0")
    data["rules"]["statute_amendment_majority"] = "three quarters"
    data["rules"]["object_change_majority"] = "4/5"
    assert one(data)["adopted"] is False  # only the majority a resolution needs is read


@pytest.mark.parametrize("extra", [{"board_report": False}, {}])
def test_an_object_change_without_the_board_report_is_void(extra: dict[str, Any]) -> None:
    result = one(split_vote(100, 0, "object_change", **extra))
    assert result["adopted"] is False
    assert result["reason"].startswith("Void")
    assert "board's report" in result["reason"]
    assert result["for"] == "100"


# ------------------------------------------------------------------------------ quorum


def quorum_case(present_shares: int, kind: str, **rules: Any) -> dict[str, Any]:
    """100 shares in all; one voter holds ``present_shares`` and votes for."""
    holders = {"V": present_shares, "ABSENT": 100 - present_shares}
    extra: dict[str, Any] = {"board_report": True} if kind == "object_change" else {}
    return scenario(holders, [motion(kind, **extra)], [("V", "R1", "for")], **rules)


@pytest.mark.parametrize("kind", ["statute_amendment", "object_change"])
def test_exactly_half_the_shares_present_meets_the_quorum(kind: str) -> None:
    result = one(quorum_case(50, kind))
    assert (result["quorum_required"], result["quorum_met"], result["adopted"]) == (
        True,
        True,
        True,
    )


@pytest.mark.parametrize("kind", ["statute_amendment", "object_change"])
def test_one_share_under_half_misses_the_quorum(kind: str) -> None:
    result = one(quorum_case(49, kind))
    assert (result["quorum_met"], result["adopted"]) == (False, False)
    assert "quorum not met" in result["reason"]
    assert "49 of 100 shares" in result["reason"]


def test_a_second_meeting_waives_the_quorum() -> None:
    result = one(quorum_case(1, "statute_amendment", second_meeting=True))
    assert (result["quorum_required"], result["quorum_met"], result["adopted"]) == (
        False,
        True,
        True,
    )
    assert "second meeting" in result["reason"]


def test_the_quorum_can_count_members_instead_of_shares() -> None:
    holders = {"BIG": 1000, "A": 1, "B": 1, "C": 1}
    votes = [("A", "R1", "for"), ("B", "R1", "for")]
    by_members = scenario(holders, [motion("statute_amendment")], votes, quorum_basis="members")
    assert one(by_members)["quorum_met"] is True  # 2 of 4 members
    assert one(scenario(holders, [motion("statute_amendment")], votes))["quorum_met"] is False


def test_the_quorum_fraction_is_configurable() -> None:
    assert one(quorum_case(66, "statute_amendment", quorum="2/3"))["quorum_met"] is False
    assert one(quorum_case(67, "statute_amendment", quorum="2/3"))["quorum_met"] is True


def test_those_listed_present_count_for_the_quorum_without_voting() -> None:
    holders = {"V": 10, "SILENT": 40, "ABSENT": 50}
    data = scenario(
        holders, [motion("statute_amendment")], [("V", "R1", "for")], present=["SILENT"]
    )
    assert one(data)["quorum_met"] is True


def test_a_voter_counts_as_present_even_if_not_listed() -> None:
    holders = {"V": 50, "LISTED": 0, "ABSENT": 50}
    data = scenario(
        holders, [motion("statute_amendment")], [("V", "R1", "abstain")], present=["LISTED"]
    )
    assert one(data)["quorum_met"] is True


# ----------------------------------------------------------------------------- weights


def test_per_member_every_voter_weighs_one_whatever_their_shares() -> None:
    holders = {"BIG": 1000, "A": 1, "B": 1}
    votes = [("BIG", "R1", "for"), ("A", "R1", "against"), ("B", "R1", "against")]
    result = one(scenario(holders, [motion("ordinary")], votes, basis="per_member"))
    assert (result["for"], result["against"], result["adopted"]) == ("1", "2", False)


def test_per_share_every_voter_weighs_their_shares() -> None:
    holders = {"BIG": 1000, "A": 1, "B": 1}
    votes = [("BIG", "R1", "for"), ("A", "R1", "against"), ("B", "R1", "against")]
    result = one(scenario(holders, [motion("ordinary")], votes))
    assert (result["for"], result["against"], result["adopted"]) == ("1000", "2", True)


def test_a_one_tenth_cap_is_applied_exactly_with_fractions() -> None:
    # 95 shares present: nobody may weigh more than 95/10 = 19/2.
    holders = {"BIG": 77, "A": 9, "B": 9, "ABSENT": 1000}
    votes = [("BIG", "R1", "for"), ("A", "R1", "against"), ("B", "R1", "abstain")]
    result = one(scenario(holders, [motion("ordinary")], votes, cap="1/10"))
    assert (result["for"], result["against"], result["abstain"]) == ("19/2", "9", "9")
    assert Fraction(result["for"]) == Fraction(19, 2)
    assert result["adopted"] is True


def test_the_cap_is_a_fraction_of_the_shares_present_not_of_all_shares() -> None:
    holders = {"BIG": 50, "A": 50, "ABSENT": 900}
    votes = [("BIG", "R1", "for"), ("A", "R1", "against")]
    result = one(scenario(holders, [motion("ordinary")], votes, cap="1/4"))
    assert (result["for"], result["against"]) == ("25", "25")


def test_a_voter_at_exactly_the_cap_keeps_their_weight() -> None:
    holders = {"A": 10, "B": 90}
    result = one(
        scenario(holders, [motion("ordinary")], [("A", "R1", "for")], cap="1/10", present=["B"])
    )
    assert result["for"] == "10"


def test_the_cap_does_not_change_per_member_votes() -> None:
    holders = {"A": 1, "B": 1, "C": 1}
    votes = [("A", "R1", "for"), ("B", "R1", "for"), ("C", "R1", "against")]
    result = one(scenario(holders, [motion("ordinary")], votes, basis="per_member", cap="1/10"))
    assert (result["for"], result["against"]) == ("2", "1")


def test_the_cap_applies_to_election_votes_too() -> None:
    holders = {"BIG": 80, "A": 10, "B": 10}
    votes = [("BIG", "E1", ["C1"]), ("A", "E1", ["C2"]), ("B", "E1", ["C2"])]
    result = one(scenario(holders, [election(1, ["C1", "C2"])], votes, cap="1/3"))
    assert result["results"] == {"C1": "100/3", "C2": "20"}
    assert result["elected"] == ["C1"]


# --------------------------------------------------------------------------- elections


def test_the_top_candidates_fill_the_seats_and_every_candidate_is_listed() -> None:
    holders = {"A": 5, "B": 3, "C": 1}
    votes = [("A", "E1", ["C1", "C2"]), ("B", "E1", ["C2", "C3"]), ("C", "E1", ["C3"])]
    result = one(scenario(holders, [election(2, ["C1", "C2", "C3", "C4"])], votes))
    assert result["results"] == {"C1": "5", "C2": "8", "C3": "4", "C4": "0"}
    assert result["elected"] == ["C2", "C1"]
    assert result["tie"] is False
    assert set(result) == ELECTION_KEYS


def test_a_tie_across_the_last_seat_leaves_it_unfilled() -> None:
    holders = {"A": 5, "B": 3, "C": 3}
    votes = [("A", "E1", ["C1"]), ("B", "E1", ["C2"]), ("C", "E1", ["C3"])]
    result = one(scenario(holders, [election(2, ["C1", "C2", "C3"])], votes))
    assert result["elected"] == ["C1"]
    assert result["tie"] is True
    assert "C2 and C3 tied at 3" in result["reason"]


def test_a_tie_for_every_seat_elects_nobody() -> None:
    holders = {"A": 1, "B": 1, "C": 1}
    votes = [("A", "E1", ["C1"]), ("B", "E1", ["C2"]), ("C", "E1", ["C3"])]
    result = one(scenario(holders, [election(2, ["C1", "C2", "C3"])], votes))
    assert (result["elected"], result["tie"]) == ([], True)
    assert result["reason"].startswith("No one elected")


def test_a_tie_inside_the_seats_is_no_tie() -> None:
    holders = {"A": 3, "B": 3, "C": 1}
    votes = [("A", "E1", ["C1"]), ("B", "E1", ["C2"]), ("C", "E1", ["C3"])]
    result = one(scenario(holders, [election(2, ["C1", "C2", "C3"])], votes))
    assert (result["elected"], result["tie"]) == (["C1", "C2"], False)


def test_a_candidate_without_votes_is_never_elected() -> None:
    votes = [("A", "E1", ["C1"]), ("B", "E1", [])]
    result = one(scenario({"A": 1, "B": 1}, [election(2, ["C1", "C2"])], votes))
    assert (result["elected"], result["tie"]) == (["C1"], False)
    assert "unfilled" in result["reason"]


def test_an_election_without_votes_elects_nobody() -> None:
    result = one(scenario({"A": 1}, [election(1, ["C1"])], [("A", "E1", [])]))
    assert result["results"] == {"C1": "0"}
    assert (result["elected"], result["tie"]) == ([], False)


def test_an_empty_ballot_still_counts_as_presence() -> None:
    holders = {"A": 50, "B": 50}
    resolutions = [election(1, ["C1"]), motion("statute_amendment")]
    data = scenario(holders, resolutions, [("A", "E1", []), ("B", "R1", "for")])
    assert tally(data)[1]["quorum_met"] is True


# -------------------------------------------------------------------- shape of output


def test_results_follow_the_input_order_with_string_amounts() -> None:
    holders = {"A": 3, "B": 2}
    resolutions = [
        election(1, ["C1"], rid="E1"),
        motion("object_change", "R3", board_report=True),
        motion("ordinary", "R1"),
        motion("statute_amendment", "R2"),
    ]
    votes: list[tuple[str, str, Any]] = [
        (sid, rid, "for") for sid in holders for rid in ("R1", "R2", "R3")
    ]
    votes += [("A", "E1", ["C1"])]
    results = tally(scenario(holders, resolutions, votes))
    assert [r["id"] for r in results] == ["E1", "R3", "R1", "R2"]
    for result in results[1:]:
        assert set(result) == MOTION_KEYS
        assert result["for"] == "5"
        assert isinstance(result["reason"], str) and result["reason"].endswith(".")


def test_count_and_count_json_agree() -> None:
    data = split_vote(3, 1, "statute_amendment", abstain=2)
    from_model = count(TallyScenario.model_validate(data))
    assert dict(from_model) == count_json(json.dumps(data))
    assert count(parse_scenario(json.dumps(data))) == from_model


def test_the_cli_prints_json_and_exits_zero() -> None:
    code, out, err = run_cli(json.dumps(split_vote(2, 1, "ordinary")))
    assert (code, err) == (0, "")
    assert json.loads(out)["resolutions"][0]["adopted"] is True


def test_the_cli_exits_two_and_names_the_problem_on_bad_input() -> None:
    data = split_vote(2, 1, "ordinary")
    data["votes"].append({"shareholder": "M9", "resolution": "R1", "choice": "for"})
    code, out, err = run_cli(json.dumps(data))
    assert (code, out) == (2, "")
    assert "votes[3]: unknown shareholder 'M9'" in err


def test_a_bad_input_is_a_rule_violation() -> None:
    assert issubclass(TallyInputError, RuleViolation)


# --------------------------------------------------------------------------- bad input


def base() -> dict[str, Any]:
    return scenario(
        {"M1": 1, "M2": 2},
        [motion("ordinary"), election(1, ["C1", "C2"])],
        [("M1", "R1", "for"), ("M1", "E1", ["C1"])],
    )


def with_vote(vote: dict[str, Any]) -> dict[str, Any]:
    data = base()
    data["votes"].append(vote)
    return data


BAD_VOTES = [
    (
        {"shareholder": "M9", "resolution": "R1", "choice": "for"},
        "votes[2]: unknown shareholder 'M9'",
    ),
    (
        {"shareholder": "M2", "resolution": "R9", "choice": "for"},
        "votes[2]: unknown resolution 'R9'",
    ),
    (
        {"shareholder": "M1", "resolution": "R1", "choice": "against"},
        "votes[2]: shareholder 'M1' already voted on resolution 'R1'",
    ),
    (
        {"shareholder": "M1", "resolution": "E1", "choice": []},
        "votes[2]: shareholder 'M1' already voted on resolution 'E1'",
    ),
    ({"shareholder": "M2", "resolution": "E1", "choice": ["C1", "C2"]}, "too many candidates (2)"),
    ({"shareholder": "M2", "resolution": "E1", "choice": ["C7"]}, "unknown candidate 'C7'"),
    ({"shareholder": "M2", "resolution": "R1", "choice": "maybe"}, "unknown choice 'maybe'"),
    ({"shareholder": "M2", "resolution": "R1", "choice": ["for"]}, "is a motion"),
    ({"shareholder": "M2", "resolution": "E1", "choice": "C1"}, "is an election"),
    ({"shareholder": "M2", "resolution": "R1", "choice": 1}, "unknown choice 1"),
    ({"shareholder": "M2", "resolution": "E1", "choice": [1]}, "unknown candidate 1"),
    ({"shareholder": "M2", "resolution": "R1"}, "votes[2]: missing field 'choice'"),
    (
        {"shareholder": "M2", "resolution": "R1", "choice": "for", "proxy": "M1"},
        "votes[2]: unexpected field 'proxy'",
    ),
    ({"shareholder": ["M2"], "resolution": "R1", "choice": "for"}, "votes[2].shareholder"),
    ({"shareholder": "M2", "resolution": None, "choice": "for"}, "votes[2].resolution"),
]


@pytest.mark.parametrize(("vote", "message"), BAD_VOTES)
def test_a_bad_ballot_is_refused_and_named(vote: dict[str, Any], message: str) -> None:
    assert_bad(with_vote(vote), message)


def test_a_candidate_chosen_twice_on_one_ballot_is_refused() -> None:
    data = base()
    data["resolutions"][1]["seats"] = 2
    data["votes"].append({"shareholder": "M2", "resolution": "E1", "choice": ["C2", "C2"]})
    assert_bad(data, "votes[2]: candidate 'C2' is chosen twice")


def test_the_first_bad_ballot_is_named() -> None:
    data = base()
    data["votes"] += [
        {"shareholder": "M1", "resolution": "R1", "choice": "for"},
        {"shareholder": "M9", "resolution": "R1", "choice": "for"},
    ]
    assert_bad(data, "votes[2]: shareholder 'M1' already voted")


def test_a_ballot_that_is_not_an_object_is_refused() -> None:
    data = base()
    data["votes"].append("M2 votes for")
    assert_bad(data, "votes[2]: expected an object")
    data = base()
    data["votes"] = {"M1": "for"}
    assert_bad(data, "votes: expected a list")


def mutate(change: Any) -> dict[str, Any]:
    data = base()
    change(data)
    return data


BAD_SCENARIOS = [
    (lambda d: d["shareholders"][1].update(shares=-1), "shareholders[1]: negative shares (-1)"),
    (
        lambda d: d["shareholders"].append({"id": "M1", "shares": 4}),
        "duplicate shareholder id 'M1'",
    ),
    (lambda d: d["resolutions"].append(motion("ordinary")), "resolutions[2]: duplicate resolution"),
    (lambda d: d["resolutions"][1].update(candidates=["C1", "C1"]), "duplicate candidate 'C1'"),
    (lambda d: d["present"].append("M9"), "present[0]: unknown shareholder 'M9'"),
    (lambda d: d["rules"].update(vote_cap_fraction="abc"), "malformed fraction 'abc'"),
    (lambda d: d["rules"].update(vote_cap_fraction="1/0"), "malformed fraction '1/0'"),
    (lambda d: d["rules"].update(vote_cap_fraction="0"), "greater than 0 and at most 1"),
    (lambda d: d["rules"].update(vote_cap_fraction="3/2"), "greater than 0 and at most 1"),
    (lambda d: d["rules"].update(quorum_fraction="-1/2"), "rules.quorum_fraction: malformed"),
    (lambda d: d["rules"].update(quorum_fraction="1/2/3"), "rules.quorum_fraction: malformed"),
    (lambda d: d["rules"].update(vote_basis="per_head"), "rules.vote_basis"),
    (lambda d: d["rules"].update(vote_cap_fraction=0.1), "rules.vote_cap_fraction"),
    (lambda d: d["rules"].update(colour="red"), "rules.colour: Extra inputs are not permitted"),
    (lambda d: d["shareholders"][0].update(shares=1.5), "shareholders[0].shares"),
    (lambda d: d["shareholders"][0].update(shares=True), "shareholders[0].shares"),
    (lambda d: d["resolutions"][0].update(kind="referendum"), "resolutions[0]"),
    (lambda d: d["resolutions"][0].update(board_report=True), "resolutions[0].board_report"),
    (lambda d: d["resolutions"][1].update(seats=0), "resolutions[1].seats"),
    (lambda d: d.pop("rules"), "rules: Field required"),
]


@pytest.mark.parametrize(("change", "message"), BAD_SCENARIOS)
def test_a_bad_scenario_is_refused_and_named(change: Any, message: str) -> None:
    assert_bad(mutate(change), message)


@pytest.mark.parametrize(
    ("text", "message"), [("{", "invalid JSON"), ("[]", "expected a JSON object"), ("", "JSON")]
)
def test_text_that_is_not_a_scenario_is_refused(text: str, message: str) -> None:
    assert_bad(text, message)


def test_count_itself_checks_a_scenario_built_in_python() -> None:
    data = with_vote({"shareholder": "M9", "resolution": "R1", "choice": "for"})
    with pytest.raises(TallyInputError, match=r"votes\[2\]: unknown shareholder 'M9'"):
        count(TallyScenario.model_validate(data))


# ------------------------------------------------------- random scenarios vs a plain count

CAPS = [None, "1/10", "1/4", "1/3", "1/2", "1"]
QUORUMS = ["1/2", "1/3", "2/3", "1"]
MOTIONS = ["ordinary", "statute_amendment", "object_change"]


@st.composite
def random_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    ids = [f"M{i}" for i in range(draw(st.integers(1, 7)))]
    holders = {sid: draw(st.integers(0, 40)) for sid in ids}
    resolutions: list[dict[str, Any]] = []
    for i in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from([*MOTIONS, "election"]))
        if kind == "election":
            candidates = [f"C{j}" for j in range(draw(st.integers(1, 4)))]
            resolutions.append(election(draw(st.integers(1, 3)), candidates, rid=f"E{i}"))
        elif kind == "object_change":
            resolutions.append(motion(kind, f"R{i}", board_report=draw(st.booleans())))
        else:
            resolutions.append(motion(kind, f"R{i}"))
    votes: list[tuple[str, str, Any]] = []
    for sid in ids:
        for res in resolutions:
            if res["kind"] == "election":
                choice: Any = draw(
                    st.none()
                    | st.lists(
                        st.sampled_from(res["candidates"]), unique=True, max_size=res["seats"]
                    )
                )
            else:
                choice = draw(st.sampled_from([None, "for", "against", "abstain"]))
            if choice is not None:
                votes.append((sid, res["id"], choice))
    return scenario(
        holders,
        resolutions,
        draw(st.permutations(votes)),
        basis=draw(st.sampled_from(["per_member", "per_share"])),
        cap=draw(st.sampled_from(CAPS)),
        quorum=draw(st.sampled_from(QUORUMS)),
        quorum_basis=draw(st.sampled_from(["shares", "members"])),
        second_meeting=draw(st.booleans()),
        present=draw(st.lists(st.sampled_from(ids), unique=True)),
    )


def plain_count(data: dict[str, Any]) -> list[dict[str, Any]]:
    """A straightforward count, one Fraction per ballot, written independently."""
    rules = data["rules"]
    shares = {s["id"]: s["shares"] for s in data["shareholders"]}
    present = set(data["present"]) | {v["shareholder"] for v in data["votes"]}
    present_shares = sum(shares[sid] for sid in present)

    def weight(sid: str) -> Fraction:
        if rules["vote_basis"] == "per_member":
            return Fraction(1)
        if rules["vote_cap_fraction"] is None:
            return Fraction(shares[sid])
        cap_weight: Fraction = Fraction(rules["vote_cap_fraction"]) * present_shares
        return min(Fraction(shares[sid]), cap_weight)

    if rules["quorum_basis"] == "shares":
        have, of = present_shares, sum(shares.values())
    else:
        have, of = len(present), len(shares)
    quorum = rules["second_meeting"] or have >= Fraction(rules["quorum_fraction"]) * of

    expected: list[dict[str, Any]] = []
    for res in data["resolutions"]:
        ballots = [v for v in data["votes"] if v["resolution"] == res["id"]]
        if res["kind"] == "election":
            got = {c: Fraction(0) for c in res["candidates"]}
            for v in ballots:
                for c in v["choice"]:
                    got[c] += weight(v["shareholder"])

            def rank(c: str, got: dict[str, Fraction] = got) -> tuple[int, int]:
                return (sum(got[d] > got[c] for d in got), sum(got[d] >= got[c] for d in got))

            seats = res["seats"]
            elected = {c for c in got if got[c] > 0 and rank(c)[1] <= seats}
            tie = any(got[c] > 0 and rank(c)[0] < seats < rank(c)[1] for c in got)
            expected.append({"results": got, "elected": elected, "tie": tie})
            continue
        sums = {"for": Fraction(0), "against": Fraction(0), "abstain": Fraction(0)}
        for v in ballots:
            sums[v["choice"]] += weight(v["shareholder"])
        cast = sums["for"] + sums["against"]
        if res["kind"] == "ordinary":
            adopted = sums["for"] > sums["against"]
        else:
            needed = Fraction(3, 4) if res["kind"] == "statute_amendment" else Fraction(4, 5)
            adopted = quorum and cast > 0 and sums["for"] >= needed * cast
            if res["kind"] == "object_change" and not res["board_report"]:
                adopted = False
        expected.append({**sums, "adopted": adopted, "quorum": quorum})
    return expected


@settings(max_examples=300, deadline=None)
@given(random_scenarios())
def test_the_counter_agrees_with_a_plain_count(data: dict[str, Any]) -> None:
    for got, want in zip(tally(data), plain_count(data), strict=True):
        if got["kind"] == "election":
            assert {c: Fraction(v) for c, v in got["results"].items()} == want["results"]
            assert set(got["elected"]) == want["elected"]
            assert len(got["elected"]) == len(want["elected"])
            assert got["tie"] == want["tie"]
            votes = [Fraction(got["results"][c]) for c in got["elected"]]
            assert votes == sorted(votes, reverse=True)
        else:
            for key in ("for", "against", "abstain"):
                assert got[key] == str(want[key])
            assert got["adopted"] == want["adopted"]
            if got["kind"] != "ordinary":
                assert got["quorum_met"] == want["quorum"]
        assert got["reason"]


@settings(max_examples=100, deadline=None)
@given(random_scenarios(), st.randoms(use_true_random=False))
def test_the_order_of_ballots_does_not_matter(data: dict[str, Any], rnd: Any) -> None:
    shuffled = json.loads(json.dumps(data))
    rnd.shuffle(shuffled["votes"])
    assert tally(shuffled) == tally(data)


@settings(max_examples=100, deadline=None)
@given(random_scenarios())
def test_the_cli_output_is_the_count_as_json(data: dict[str, Any]) -> None:
    code, out, err = run_cli(json.dumps(data))
    assert (code, err) == (0, "")
    assert json.loads(out) == count_json(json.dumps(data))
