"""Creating a general assembly from the staff form (the assembly-creation deployment):
every problem named by its field, the statutes' delay, one assembly however often it runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from governance.assembly.rules.assembly import AssemblyKind, ResolutionKind
from governance.assembly.rules.assembly_form import AssemblyForm, AssemblyFormRefused, read_form
from governance.assembly.use_cases.assembly import get_assembly
from governance.assembly.use_cases.assembly_form import create_from_form
from governance.clock import business_today
from governance.db.models.assembly import Assembly, Resolution
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor

NOW = datetime(2027, 5, 3, 8, 0, tzinfo=UTC)  # 10:00 in Brussels


def _item(code: str, kind: str, **extra: Any) -> dict[str, Any]:
    words = {f"{part}_{lang}": f"{part} {code} {lang}" for part in ("title", "text")
             for lang in ("fr", "nl", "de", "en")}
    return {"code": code, "kind": kind, **words, **extra}


def form(**changes: Any) -> AssemblyForm:
    data: dict[str, Any] = {
        "title": "AG 2027",
        "kind": "ordinary",
        "meeting_day": "2027-06-12",
        "meeting_time": "14:00",
        "place": "Rue Coenraets 72, 1060 Saint-Gilles",
        "online_link": "https://meet.example.org/ag-2027",
        "record_date": "2027-05-20",
        "voting_opens": "2027-05-25 09:00",
        "voting_closes": "2027-06-12 12:00",
        "agenda": [
            _item("R1", "ordinary resolution (simple majority)"),
            _item("R2", "statute amendment (3/4 of the votes)"),
            _item("E1", "election (seats and candidates)", seats=2,
                  candidates="Amélie Dubois, Pieter Claes, Jürgen Heinen"),
        ],
        "staff": "anna",
    }
    return AssemblyForm.model_validate({**data, **changes})


def _refusal(**changes: Any) -> list[str]:
    with pytest.raises(AssemblyFormRefused) as refused:
        read_form(form(**changes), NOW, 15)
    return refused.value.problems


def test_the_form_becomes_the_assembly_in_brussels_time() -> None:
    plan = read_form(form(), NOW, 15)
    facts = plan.facts
    assert facts.meeting_at == datetime(2027, 6, 12, 12, 0, tzinfo=UTC)  # 14:00 summer time
    assert facts.voting_opens_at == datetime(2027, 5, 25, 7, 0, tzinfo=UTC)
    assert facts.record_date == date(2027, 5, 20) and facts.kind is AssemblyKind.ORDINARY
    kinds = [(r.code, r.kind, r.seats) for r in facts.resolutions]
    assert kinds == [("R1", ResolutionKind.ORDINARY, None),
                     ("R2", ResolutionKind.STATUTE_AMENDMENT, None),
                     ("E1", ResolutionKind.ELECTION, 2)]
    assert [c.name for c in facts.resolutions[2].candidates] == [
        "Amélie Dubois", "Pieter Claes", "Jürgen Heinen"]
    assert plan.online_link == "https://meet.example.org/ag-2027"
    assert "online" not in plan.place  # the address stays an address; the link is its own


def test_a_meeting_closer_than_the_convocation_delay_is_refused_with_the_first_possible_day() -> None:
    [problem] = _refusal(meeting_day="2027-05-17", voting_opens="", voting_closes="",
                         record_date="2027-05-01")
    assert problem.startswith("Meeting day: the convocation must leave at least 15 days")
    assert "2027-05-18 or later" in problem


def test_every_problem_of_the_form_is_listed_with_its_field() -> None:
    problems = _refusal(
        meeting_time="2 pm", record_date="20/05/2027", voting_opens="tomorrow",
        agenda=[_item("R1", "ordinary resolution (simple majority)", title_de=""),
                _item("E1", "election (seats and candidates)")],
    )
    assert "Meeting time: write the time as HH:MM, e.g. 14:00 (got “2 pm”)" in problems
    assert any(p.startswith("Record date: write the day as YYYY-MM-DD") for p in problems)
    assert any(p.startswith("Online voting opens: write it as YYYY-MM-DD HH:MM") for p in problems)
    assert ("Agenda item 1 (R1): the title and the proposed text are missing in German"
            in problems)
    assert "Agenda item 2 (E1): an election needs at least one seat to fill" in problems
    assert "Agenda item 2 (E1): an election needs its candidates, separated by commas" in problems


def test_a_change_of_purpose_needs_the_board_report() -> None:
    problems = _refusal(agenda=[_item("R1", "change of purpose (4/5 of the votes)")])
    assert problems == [
        "Board report (document key): a change of purpose is void without the board's "
        "detailed report (CSA 6:86): archive the report and give its key"]


def test_a_voting_window_that_ends_after_the_meeting_day_is_refused() -> None:
    problems = _refusal(voting_closes="2027-06-14 09:00")
    assert problems == ["Online voting closes: the voting must close by the end of the meeting day"]


def test_a_kind_outside_the_list_is_refused_by_the_form_itself() -> None:
    with pytest.raises(ValueError, match="ordinary"):
        form(kind="annual")


def test_creating_twice_with_the_same_form_gives_one_assembly(coop_env) -> None:
    with UnitOfWork() as uow:
        first = create_from_form(uow, form(), Actor.staff("anna"), NOW)
    with UnitOfWork() as uow:
        again = create_from_form(uow, form(), Actor.staff("anna"), NOW + timedelta(hours=1))
    assert (first.created, again.created) == (True, False)
    assert again.assembly_id == first.assembly_id
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Assembly)) == 1
        assert uow.session.scalar(select(func.count()).select_from(Resolution)) == 3
        view = get_assembly(uow.session, first.assembly_id)
    assert view.title == "AG 2027" and view.status == "draft"
    assert [r.code for r in view.resolutions] == ["R1", "R2", "E1"]


def test_a_refused_form_stores_nothing(coop_env) -> None:
    with pytest.raises(AssemblyFormRefused), UnitOfWork() as uow:
        create_from_form(uow, form(meeting_day="2027-05-10"), Actor.staff("anna"), NOW)
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Assembly)) == 0


def test_the_flow_names_its_run_and_fails_with_the_forms_problems(coop_env, prefect_harness) -> None:
    from prefect import get_client

    from flows.assembly_creation import assembly_creation

    good = form(meeting_day=(business_today() + timedelta(days=30)).isoformat(),
                record_date=business_today().isoformat(), voting_opens="",
                voting_closes="")
    state = assembly_creation(assembly=good, return_state=True)
    assert state.is_completed() and "created" in state.message
    again = assembly_creation(assembly=good, return_state=True)
    assert "already created by an earlier run" in again.message
    bad = assembly_creation(assembly=form(meeting_day="2020-01-01"), return_state=True)
    assert bad.is_failed()
    assert "Meeting day: the convocation must leave at least 15 days" in bad.message
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(state.state_details.flow_run_id)
    assert run.name == "assembly · AG 2027"
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Assembly)) == 1
