"""Casting: the receipt, a used code, revote, window, choices, proxies, paper, presence."""

from __future__ import annotations

from datetime import timedelta

import pytest
from business_clock import at_split_instants
from sqlalchemy import func, inspect, select

from governance.assembly.rules import voting
from governance.assembly.rules.assembly import InvalidBallotCode
from governance.assembly.use_cases import voting as service
from governance.clock import frozen_at, utcnow
from governance.db.models import TimelineEvent
from governance.db.models.assembly import AssemblyVoter
from governance.db.models.voting import Attendance, Ballot
from governance.db.uow import UnitOfWork
from governance.statutes import Statutes, get_statutes

CHOICES = {"R1": "for", "R2": "against", "R3": "abstain", "E1": ["C1", "C3"]}


def _cast(code: str, now, choices=CHOICES):  # type: ignore[no-untyped-def]
    with UnitOfWork() as uow:
        return service.cast_ballot(uow, code, dict(choices), now=now)


def _count_ballots() -> int:
    with UnitOfWork() as uow:
        return uow.session.scalar(select(func.count()).select_from(Ballot)) or 0


def test_a_ballot_is_stored_without_any_link_to_the_voter(convene) -> None:
    ga = convene(3)
    receipt = _cast(ga.code(0), ga.now)
    assert len(receipt.receipt) == 64
    with UnitOfWork() as uow:
        ballot = uow.session.scalars(select(Ballot)).one()
        assert ballot.choices == {"R1": "for", "R2": "against", "R3": "abstain", "E1": ["C1", "C3"]}
        assert voting.receipt_for(ga.assembly_id, ballot.nonce, ballot.choices) == receipt.receipt
        columns = {c.name for c in inspect(Ballot).columns}
        assert columns == {"id", "assembly_id", "receipt", "nonce", "choices", "weight", "replace_tag"}
        assert ballot.replace_tag is None
        voter = uow.session.scalars(select(AssemblyVoter).where(AssemblyVoter.voted)).one()
        assert voter.member_id == ga.member_ids[0]
        attendance = uow.session.scalars(select(Attendance)).one()
        assert (attendance.member_id, attendance.mode.value) == (ga.member_ids[0], "remote")
        event = uow.session.scalars(
            select(TimelineEvent).where(TimelineEvent.action == "assembly_vote_cast")).one()
        assert "R1" not in str(event.details) and "for" not in str(event.details.values())


def test_a_used_code_is_refused_and_nothing_changes(convene) -> None:
    ga = convene(2)
    _cast(ga.code(0), ga.now)
    with pytest.raises(voting.CodeAlreadyUsed):
        _cast(ga.code(0), ga.now, {**CHOICES, "R1": "against"})
    assert _count_ballots() == 1


def test_a_revote_replaces_the_earlier_ballot_when_the_statutes_say_so(convene, monkeypatch) -> None:
    statutes = get_statutes()
    revote = Statutes.model_validate(
        {**statutes.model_dump(), "voting": {**statutes.voting.model_dump(), "revote_replaces": True}})
    monkeypatch.setattr(service, "get_statutes", lambda: revote)
    ga = convene(2)
    first = _cast(ga.code(0), ga.now)
    _cast(ga.code(1), ga.now)
    second = _cast(ga.code(0), ga.now, {**CHOICES, "R1": "against"})
    assert second.replaced and second.receipt != first.receipt
    with UnitOfWork() as uow:
        receipts = set(uow.session.scalars(select(Ballot.receipt)))
        assert first.receipt not in receipts and second.receipt in receipts
        assert len(receipts) == 2


def test_a_wrong_code_and_a_mistyped_code_are_refused_clearly(convene) -> None:
    ga = convene(1)
    code = ga.code(0)
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(InvalidBallotCode):
        _cast(typo, ga.now)
    with pytest.raises(InvalidBallotCode, match="characters"):
        _cast("ABC", ga.now)
    assert _count_ballots() == 0


def test_the_code_may_be_typed_in_lower_case_with_dashes(convene) -> None:
    ga = convene(1)
    code = ga.code(0)
    typed = "-".join(code[i:i + 4] for i in range(0, len(code), 4)).lower()
    assert _cast(typed, ga.now).receipt


@at_split_instants
def test_voting_outside_the_window_is_refused(business_clock, convene) -> None:  # type: ignore[no-untyped-def]
    ga = convene(2)  # opens an hour before the frozen instant, closes a day after it
    assert ga.now == business_clock
    with frozen_at(business_clock - timedelta(hours=2)), pytest.raises(voting.VotingNotOpen):
        _cast(ga.code(0), utcnow())
    with frozen_at(business_clock + timedelta(days=2)), pytest.raises(voting.VotingClosed):
        _cast(ga.code(0), utcnow())
    assert _count_ballots() == 0
    with frozen_at(business_clock + timedelta(days=1) - timedelta(seconds=1)):
        assert len(_cast(ga.code(1), utcnow()).receipt) == 64
    assert _count_ballots() == 1


@pytest.mark.parametrize(
    ("choices", "error"),
    [
        ({"R1": "for", "R2": "for", "R3": "yes", "E1": []}, voting.InvalidChoice),
        ({"R1": "for", "R2": "for", "E1": []}, voting.InvalidChoice),
        ({"R1": "for", "R2": "for", "R3": "for", "E1": ["C1", "C2", "C3"]}, voting.TooManyCandidates),
        ({"R1": "for", "R2": "for", "R3": "for", "E1": ["C9"]}, voting.InvalidChoice),
        ({"R1": "for", "R2": "for", "R3": "for", "E1": [], "R9": "for"}, voting.InvalidChoice),
    ],
)
def test_bad_choices_are_refused_and_the_code_stays_usable(convene, choices, error) -> None:
    ga = convene(1)
    with pytest.raises(error):
        _cast(ga.code(0), ga.now, choices)
    assert _count_ballots() == 0
    assert _cast(ga.code(0), ga.now).receipt


def test_a_paper_ballot_is_entered_by_staff_with_the_same_checks(convene) -> None:
    ga = convene(2)
    with UnitOfWork() as uow:
        service.enter_paper_ballot(uow, ga.code(1), dict(CHOICES), staff="anne.staff", now=ga.now)
    with UnitOfWork() as uow, pytest.raises(voting.CodeAlreadyUsed):
        service.enter_paper_ballot(uow, ga.code(1), dict(CHOICES), staff="anne.staff", now=ga.now)
    with UnitOfWork() as uow:
        event = uow.session.scalars(
            select(TimelineEvent).where(TimelineEvent.action == "assembly_vote_cast")).one()
        assert event.actor == "anne.staff" and event.details["channel"] == "paper"


def test_a_proxy_holder_votes_with_the_givers_code_and_the_giver_is_represented(convene) -> None:
    ga = convene(4)
    giver, holder = ga.member_ids[0], ga.member_ids[1]
    with UnitOfWork() as uow:
        service.give_proxy(uow, ga.assembly_id, giver, holder_member_id=holder, staff="anne.staff")
    _cast(ga.code(0), ga.now)
    with UnitOfWork() as uow:
        row = uow.session.get(Attendance, (ga.assembly_id, giver))
        assert row is not None and row.mode.value == "represented" and row.represented_by


def test_proxies_are_capped_per_holder_and_a_non_shareholder_may_hold_them(convene) -> None:
    ga = convene(5)
    cap = get_statutes().voting.proxies_per_holder
    for giver in ga.member_ids[:cap]:
        with UnitOfWork() as uow:
            service.give_proxy(uow, ga.assembly_id, giver, holder_name="Maître  Dupont", staff="s")
    with UnitOfWork() as uow, pytest.raises(voting.ProxyCapReached, match=str(cap)):
        service.give_proxy(uow, ga.assembly_id, ga.member_ids[cap], holder_name="maître dupont",
                           staff="s")
    with UnitOfWork() as uow, pytest.raises(voting.ProxyNotAllowed):
        service.give_proxy(uow, ga.assembly_id, ga.member_ids[0], holder_name="Someone Else",
                           staff="s")


def test_a_proxy_must_go_to_a_shareholder_when_the_statutes_say_so(convene, monkeypatch) -> None:
    statutes = get_statutes()
    strict = Statutes.model_validate({**statutes.model_dump(), "voting": {
        **statutes.voting.model_dump(), "proxy_must_be_shareholder": True}})
    monkeypatch.setattr(service, "get_statutes", lambda: strict)
    ga = convene(2)
    with UnitOfWork() as uow, pytest.raises(voting.ProxyNotAllowed, match="shareholder"):
        service.give_proxy(uow, ga.assembly_id, ga.member_ids[0], holder_name="Outsider", staff="s")
    with UnitOfWork() as uow:
        service.give_proxy(uow, ga.assembly_id, ga.member_ids[0],
                           holder_member_id=ga.member_ids[1], staff="s")


def test_the_ballot_view_shows_the_agenda_in_the_voters_language(convene) -> None:
    ga = convene(8)
    with UnitOfWork() as uow:
        for n in range(8):
            view = service.ballot_view(uow, ga.code(n), ga.now)
            assert view.state.value == "open" and not view.already_voted
            assert [a.code for a in view.agenda] == ["R1", "R2", "R3", "E1"]
            titles = {"fr": "Approbation", "nl": "Goedkeuring", "de": "Genehmigung", "en": "Approval"}
            assert view.agenda[0].title.startswith(titles[view.language])


def test_a_ballot_cast_before_revotes_were_allowed_is_never_doubled(convene, monkeypatch) -> None:
    ga = convene(1)
    _cast(ga.code(0), ga.now)  # revote off: no tag stored
    statutes = get_statutes()
    revote = Statutes.model_validate(
        {**statutes.model_dump(), "voting": {**statutes.voting.model_dump(), "revote_replaces": True}})
    monkeypatch.setattr(service, "get_statutes", lambda: revote)
    with pytest.raises(voting.CodeAlreadyUsed, match="cannot be replaced"):
        _cast(ga.code(0), ga.now)
    assert _count_ballots() == 1


def test_web_and_paper_votes_are_refused_when_the_assembly_allows_no_remote_voting(convene) -> None:
    from governance.db.models.assembly import Assembly

    ga = convene(2)
    with UnitOfWork() as uow:
        uow.session.get_one(Assembly, ga.assembly_id).remote_voting_allowed = False
        uow.commit()
    with pytest.raises(voting.RemoteVotingNotAllowed):
        _cast(ga.code(0), ga.now)
    with UnitOfWork() as uow:
        service.cast_ballot(uow, ga.code(1), dict(CHOICES), now=ga.now,
                            channel=service.BallotChannel.MEETING)
    assert _count_ballots() == 1


def test_a_code_printed_with_the_earlier_check_character_still_votes(convene) -> None:
    from governance.assembly.rules import assembly as rules
    from governance.assembly.use_cases.ballot_keys import ballot_hash_key

    ga = convene(2)
    data = ga.code(0)[:-1]
    printed = data + rules.legacy_check_char(data)
    with UnitOfWork() as uow:  # as an assembly convened before the change stored it
        voter = uow.session.scalar(select(AssemblyVoter).where(
            AssemblyVoter.member_id == ga.member_ids[0]))
        assert voter is not None
        voter.ballot_code_hash = rules.ballot_code_hash(
            ballot_hash_key(uow.settings), printed, legacy=True)
        uow.commit()
    assert _cast(printed.lower(), ga.now).receipt
    other = ga.code(1)
    wrong_check = other[:-1] + rules.legacy_check_char(other[:-1])
    if wrong_check != other:  # a new code with the old check: a typo, whoever holds it
        with pytest.raises(InvalidBallotCode, match="typing error"):
            _cast(wrong_check, ga.now)
