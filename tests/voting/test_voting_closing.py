"""Closing: seal, count, idempotence, verify catches tampering, the count matches a plain
count of what was cast (property test), secrecy of the stored rows after closing."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from governance.assembly.rules import voting
from governance.assembly.use_cases import voting as service
from governance.assembly.use_cases import voting_closing as closing
from governance.assembly.use_cases import voting_results as results
from governance.db.models.assembly import AssemblyVoter
from governance.db.models.voting import Ballot
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from seeding.voting import random_choices

STAFF = Actor.staff("anne.staff")


def _cast_all(ga, ballots: list[dict]) -> list[str]:  # type: ignore[no-untyped-def]
    receipts = []
    for n, choices in enumerate(ballots):
        with UnitOfWork() as uow:
            receipts.append(service.cast_ballot(uow, ga.code(n), dict(choices), now=ga.now).receipt)
    return receipts


def _close(ga, early: bool = True):  # type: ignore[no-untyped-def]
    with UnitOfWork() as uow:
        return closing.close_voting(uow, ga.assembly_id, now=ga.now, actor=STAFF, early=early)


def _verify(ga, seal: str | None = None):  # type: ignore[no-untyped-def]
    with UnitOfWork() as uow:
        return closing.verify(uow, ga.assembly_id, published_seal=seal)


def test_closing_seals_counts_and_a_second_run_changes_nothing(convene) -> None:
    ga = convene(6)
    rng = random.Random(7)
    receipts = _cast_all(ga, [random_choices(rng) for _ in range(5)])
    with UnitOfWork() as uow, pytest.raises(voting.VotingStillOpen):
        closing.close_voting(uow, ga.assembly_id, now=ga.now, actor=STAFF)
    first = _close(ga)
    assert first.closed_now and first.ballots == 5 and first.voters_marked == 5
    assert first.seal == voting.seal_of(ga.assembly_id, receipts)
    assert [r["id"] for r in first.result["resolutions"]] == ["R1", "R2", "R3", "E1"]
    second = _close(ga)
    assert not second.closed_now and second.seal == first.seal and second.result == first.result
    with UnitOfWork() as uow, pytest.raises(voting.VotingClosed):
        service.cast_ballot(uow, ga.code(5), random_choices(rng), now=ga.now)
    report = _verify(ga, first.seal)
    assert report.ok, report.problems


def test_verify_detects_an_altered_ballot(convene) -> None:
    ga = convene(3)
    _cast_all(ga, [{"R1": "for", "R2": "for", "R3": "for", "E1": ["C1"]}] * 3)
    _close(ga)
    with UnitOfWork() as uow:
        ballot = uow.session.scalars(select(Ballot)).first()
        assert ballot is not None
        ballot.choices = {**ballot.choices, "R1": "against"}
        uow.commit()
    report = _verify(ga)
    assert not report.ok
    assert any("do not match its receipt" in p for p in report.problems)
    assert any("different result" in p for p in report.problems)


def test_verify_detects_an_added_ballot_even_with_a_valid_receipt(convene) -> None:
    ga = convene(3)
    _cast_all(ga, [{"R1": "against", "R2": "for", "R3": "for", "E1": []}] * 2)
    summary = _close(ga)
    choices = {"R1": "for", "R2": "for", "R3": "for", "E1": ["C2"]}
    with UnitOfWork() as uow:
        nonce = uuid.uuid4().hex
        uow.session.add(Ballot(id=uuid.uuid4().hex, assembly_id=ga.assembly_id, nonce=nonce,
                               receipt=voting.receipt_for(ga.assembly_id, nonce, choices),
                               choices=choices, weight=1))
        # even when the forger also marks a voter as having voted
        uow.session.execute(update(AssemblyVoter).where(
            AssemblyVoter.member_id == ga.member_ids[2]).values(voted=True))
        uow.commit()
    report = _verify(ga, summary.seal)
    assert any("seal" in p for p in report.problems)
    assert any("3 ballots stored" in p for p in report.problems)


def test_verify_detects_a_removed_ballot(convene) -> None:
    ga = convene(3)
    _cast_all(ga, [{"R1": "for", "R2": "for", "R3": "for", "E1": []}] * 3)
    _close(ga)
    with UnitOfWork() as uow:
        uow.session.delete(uow.session.scalars(select(Ballot)).first())
        uow.commit()
    assert not _verify(ga).ok


def test_after_closing_the_ballots_no_longer_follow_the_order_of_the_votes(convene) -> None:
    ga = convene(12)
    rng = random.Random(3)
    receipts = _cast_all(ga, [random_choices(rng) for _ in range(12)])
    _close(ga)
    with UnitOfWork() as uow:
        rows = uow.session.execute(select(Ballot.receipt, Ballot.replace_tag)).all()
    assert {r for r, _ in rows} == set(receipts)
    assert all(tag is None for _, tag in rows)
    # A plain scan no longer returns the ballots in the order they were cast (rewritten in
    # receipt order; on SQLite the table is clustered on the random id).
    assert [r for r, _ in rows] != receipts


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_the_count_of_stored_ballots_equals_a_plain_count(convene, data) -> None:
    voters = 7  # some of them vote, the others stay away
    ga = convene(voters)
    motion = st.sampled_from(["for", "against", "abstain"])
    ballots = data.draw(st.lists(
        st.fixed_dictionaries({
            "R1": motion, "R2": motion, "R3": motion,
            "E1": st.lists(st.sampled_from(["C1", "C2", "C3"]), max_size=2, unique=True),
        }), max_size=voters))
    _cast_all(ga, ballots)
    result = _close(ga).result
    by_id = {r["id"]: r for r in result["resolutions"]}
    for code in ("R1", "R2", "R3"):
        plain = Counter(b[code] for b in ballots)
        assert (by_id[code]["for"], by_id[code]["against"], by_id[code]["abstain"]) == (
            str(plain["for"]), str(plain["against"]), str(plain["abstain"]))
    assert by_id["R1"]["adopted"] == (Counter(b["R1"] for b in ballots)["for"]
                                      > Counter(b["R1"] for b in ballots)["against"])
    plain_votes = Counter(c for b in ballots for c in b["E1"])
    assert by_id["E1"]["results"] == {c: str(plain_votes[c]) for c in ("C1", "C2", "C3")}


def test_the_closed_assembly_lists_attendance_and_capital(convene) -> None:
    ga = convene(4, shares={}, )
    with UnitOfWork() as uow:
        service.give_proxy(uow, ga.assembly_id, ga.member_ids[1], holder_name="Maître Dupont",
                           staff="s")
    with UnitOfWork() as uow:
        service.record_presence(uow, ga.assembly_id, ga.member_ids[3], staff="s")
    _cast_all(ga, [random_choices(random.Random(1))] * 2)
    _close(ga)
    with UnitOfWork() as uow:
        view = results.closed_assembly(uow, ga.assembly_id)
    assert results.attendance_counts(view) == {"present": 1, "remote": 1, "represented": 1}
    assert view.capital_cents == 3 * 3000
    assert len(view.trackers) == 2 and view.eligible_voters == 4


def test_closing_before_the_window_ends_is_refused_without_a_staff_request(convene) -> None:
    ga = convene(1)
    with UnitOfWork() as uow, pytest.raises(voting.VotingStillOpen, match="open until"):
        closing.close_voting(uow, ga.assembly_id, now=ga.now + timedelta(hours=1), actor=STAFF)


def test_the_results_summary_gives_turnout_every_candidate_and_right_plurals(convene) -> None:
    from documents.contexts.voting import results_summary

    ga = convene(4)
    _cast_all(ga, [{"R1": "abstain", "R2": "for", "R3": "for", "E1": ["C1"]},
                   {"R1": "for", "R2": "abstain", "R3": "abstain", "E1": ["C1", "C2"]}])
    _close(ga)
    with UnitOfWork() as uow:
        view = results.closed_assembly(uow, ga.assembly_id)
    nl = results_summary(view, "nl")
    assert "Opkomst: 2 stembrieven op 4 vennoten (50" in nl
    assert "1 onthouding)" in nl and "onthoudingen)" not in nl.split("R1.")[1].split("\n")[0]
    assert "Amélie Dubois 2 stemmen" in nl and "Pieter Janssens 1 stem" in nl
    en = results_summary(view, "en")
    assert "1 abstention)" in en and "2 abstentions" not in en
