"""Pure voting rules: window, choices, receipts and seal, proxies, the wrong-code throttle;
the `coop assembly tally` command; counting per share from stored ballots."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from coopflow_cli.main import app
from governance.assembly.rules import voting
from governance.assembly.use_cases import voting as service
from governance.assembly.use_cases import voting_closing as closing
from governance.db.models.voting import Ballot
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.statutes import Statutes, get_statutes

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
AGENDA = [voting.AgendaItem("R1", "ordinary"), voting.AgendaItem("E1", "election", 2, ("A", "B", "C"))]


def test_the_window_is_open_from_its_opening_until_just_before_its_closing() -> None:
    closes = T0 + timedelta(days=1)
    assert voting.window_state(T0 - timedelta(seconds=1), T0, closes) is voting.WindowState.NOT_YET
    assert voting.window_state(T0, T0, closes) is voting.WindowState.OPEN
    assert voting.window_state(closes, T0, closes) is voting.WindowState.CLOSED
    with pytest.raises(voting.VotingClosed, match="voting_closes_at"):
        voting.check_window(T0, T0, closes, closed=True)


def test_choices_are_normalised_in_candidate_order() -> None:
    assert voting.validate_choices(AGENDA, {"R1": "for", "E1": ["C", "A"]}) == {
        "R1": "for", "E1": ["A", "C"]}
    assert voting.validate_choices(AGENDA, {"R1": "abstain", "E1": []})["E1"] == []


@pytest.mark.parametrize("e1", [["A", "A"], "Z", [1]])
def test_odd_election_choices_are_refused(e1) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(voting.InvalidChoice, match="E1"):
        voting.validate_choices(AGENDA, {"R1": "for", "E1": e1})


def test_exactly_the_number_of_seats_is_allowed_one_more_is_not() -> None:
    voting.validate_choices(AGENDA, {"R1": "for", "E1": ["A", "B"]})
    with pytest.raises(voting.TooManyCandidates, match="at most 2"):
        voting.validate_choices(AGENDA, {"R1": "for", "E1": ["A", "B", "C"]})


def test_a_receipt_commits_to_the_choices_and_the_seal_to_every_receipt() -> None:
    r1 = voting.receipt_for(1, "n1", {"R1": "for"})
    assert r1 != voting.receipt_for(1, "n1", {"R1": "against"})
    assert r1 != voting.receipt_for(2, "n1", {"R1": "for"})
    r2 = voting.receipt_for(1, "n2", {"R1": "for"})
    seal = voting.seal_of(1, [r1, r2])
    assert seal == voting.seal_of(1, [r2, r1])  # order of storage does not matter
    assert seal != voting.seal_of(1, [r1])
    assert seal != voting.seal_of(1, [r1, r2, r2])


def test_the_revote_tag_depends_on_the_code_and_not_on_the_code_hash() -> None:
    tag = voting.replace_tag(b"k" * 32, 1, "CODE")
    assert tag == voting.replace_tag(b"k" * 32, 1, "CODE")
    assert tag != voting.replace_tag(b"k" * 32, 1, "CODF")
    assert tag != voting.replace_tag(b"k" * 32, 2, "CODE")


def test_the_throttle_lets_a_burst_through_then_one_code_per_refill() -> None:
    throttle = voting.WrongCodeThrottle(burst=2, refill_seconds=10)
    for _ in range(2):
        assert throttle.wait_seconds("1.2.3.4", 0) == 0
        throttle.wrong_code("1.2.3.4", 0)
    assert throttle.wait_seconds("1.2.3.4", 0) == pytest.approx(10)
    assert throttle.wait_seconds("5.6.7.8", 0) == 0  # another address is not slowed
    assert throttle.wait_seconds("1.2.3.4", 5) == pytest.approx(5)
    assert throttle.wait_seconds("1.2.3.4", 10) == 0


def test_tally_command_prints_json_or_exits_2_with_nothing_on_stdout(tmp_path) -> None:
    runner = CliRunner()
    good = {"rules": {"vote_basis": "per_member"}, "shareholders": [{"id": "M1", "shares": 1}],
            "resolutions": [{"id": "R1", "kind": "ordinary"}],
            "votes": [{"shareholder": "M1", "resolution": "R1", "choice": "for"}]}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(good))
    result = runner.invoke(app, ["assembly", "tally", str(path)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["resolutions"][0]["adopted"] is True
    good["votes"].append({"shareholder": "M9", "resolution": "R1", "choice": "for"})
    path.write_text(json.dumps(good))
    result = runner.invoke(app, ["assembly", "tally", str(path)])
    assert result.exit_code == 2 and result.stdout == "" and "M9" in result.stderr


def test_voting_per_share_weighs_each_stored_ballot_by_the_voters_shares(convene, monkeypatch) -> None:
    statutes = get_statutes()
    per_share = Statutes.model_validate({**statutes.model_dump(), "voting": {
        **statutes.voting.model_dump(), "basis": "per_share", "cap_fraction": None}})
    monkeypatch.setattr(closing, "get_statutes", lambda: per_share)
    ga = convene(3, vote_basis="per_share", with_election=False)
    # shares 1 each by default; give the first voter 5 by re-seeding a second assembly
    ga = convene(3, vote_basis="per_share", with_election=False,
                 shares={ga.member_ids[0]: 5, ga.member_ids[1]: 2, ga.member_ids[2]: 2})
    votes = [("R1", "against"), ("R1", "for"), ("R1", "for")]
    for n, (_, choice) in enumerate(votes):
        with UnitOfWork() as uow:
            service.cast_ballot(uow, ga.code(n), {"R1": choice, "R2": "for", "R3": "for"},
                                now=ga.now)
    with UnitOfWork() as uow:
        weights = sorted(uow.session.scalars(select(Ballot.weight).where(
            Ballot.assembly_id == ga.assembly_id)))
    assert weights == [2, 2, 5]
    with UnitOfWork() as uow:
        result = closing.close_voting(uow, ga.assembly_id, now=ga.now, actor=Actor.system("t"),
                                      early=True).result
    r1 = result["resolutions"][0]
    assert (r1["for"], r1["against"], r1["adopted"]) == ("4", "5", False)


@pytest.mark.parametrize(("present_without_voting", "quorum_met"), [(1, True), (0, False)])
def test_exactly_half_the_shares_present_meets_the_quorum_of_a_statute_amendment(
    convene, present_without_voting, quorum_met
) -> None:
    ga = convene(4, with_election=False)  # 4 voters, 1 share each; quorum 1/2 of the shares
    with UnitOfWork() as uow:
        service.cast_ballot(uow, ga.code(0), {"R1": "for", "R2": "for", "R3": "for"}, now=ga.now)
    for n in range(present_without_voting):
        with UnitOfWork() as uow:
            service.record_presence(uow, ga.assembly_id, ga.member_ids[1 + n], staff="s")
    with UnitOfWork() as uow:
        result = closing.close_voting(uow, ga.assembly_id, now=ga.now, actor=Actor.system("t"),
                                      early=True).result
    r3 = result["resolutions"][2]
    assert r3["kind"] == "statute_amendment" and r3["quorum_met"] is quorum_met
    assert r3["adopted"] is quorum_met
