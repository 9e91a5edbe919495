"""Paper ballots, proxies and an early close are decisions: the staff member who takes one is
proven by the code of their authenticator app (a register keeper for ballots and proxies, a
board member for an early close). A refused code records nothing and exits 2 with the reason."""

from __future__ import annotations

from sqlalchemy import func, select
from staff_kit import assert_refusals_record_nothing, assert_replay_refused, deciders
from typer.testing import CliRunner

from coopflow_cli.main import app
from governance.db.models import DecisionRequest, TimelineEvent
from governance.db.models.voting import Ballot, Proxy, VotingSeal
from governance.db.uow import UnitOfWork
from governance.kernel.rules.staff import StaffRole
from governance.members.use_cases import members

runner = CliRunner()
CHOICES = ["R1=for", "R2=against", "R3=abstain", "E1="]


def _count(model: type) -> int:
    with UnitOfWork() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def _number(member_id: int) -> str:
    with UnitOfWork() as uow:
        number = members.assign_member_number(uow.session, member_id)
        uow.commit()
    return number


def test_a_paper_ballot_is_entered_only_by_a_proven_register_keeper(convene) -> None:
    ga = convene(3)
    team = deciders(StaffRole.REGISTER_KEEPER)

    def enter(n: int):  # type: ignore[no-untyped-def]
        return lambda login, code: runner.invoke(app, [
            "assembly", "enter-paper", "--code", ga.code(n), *CHOICES, "--staff", login,
            "--staff-code", code])

    assert_refusals_record_nothing(enter(0), team, lambda: _count(Ballot))
    code = team.phones.code(team.allowed)
    entered = enter(0)(team.allowed, code)
    assert entered.exit_code == 0 and "ballot recorded" in entered.output, entered.output
    assert _count(Ballot) == 1
    assert_replay_refused(enter(1), team, code, lambda: _count(Ballot))
    # asked without echo when --staff-code is left out
    prompted = runner.invoke(app, ["assembly", "enter-paper", "--code", ga.code(1), *CHOICES,
                                   "--staff", team.allowed],
                             input=team.phones.code(team.allowed) + "\n")
    assert prompted.exit_code == 0, prompted.output
    assert _count(Ballot) == 2


def test_a_proxy_is_recorded_only_by_a_proven_register_keeper(convene) -> None:
    ga = convene(4)
    numbers = [_number(m) for m in ga.member_ids]
    team = deciders(StaffRole.REGISTER_KEEPER)

    def proxy(giver: int, holder: int):  # type: ignore[no-untyped-def]
        return lambda login, code: runner.invoke(app, [
            "assembly", "give-proxy", "--assembly", str(ga.assembly_id), "--giver",
            numbers[giver], "--holder", numbers[holder], "--staff", login, "--code", code])

    assert_refusals_record_nothing(proxy(0, 1), team, lambda: _count(Proxy))
    code = team.phones.code(team.allowed)
    given = proxy(0, 1)(team.allowed, code)
    assert given.exit_code == 0 and "recorded" in given.output, given.output
    assert_replay_refused(proxy(2, 3), team, code, lambda: _count(Proxy))
    with UnitOfWork() as uow:
        event = uow.session.scalars(select(TimelineEvent).where(
            TimelineEvent.action == "staff_verified")).all()[-1]
        assert (event.actor, event.details["kind"]) == (team.allowed, "proxy")


def test_only_a_proven_board_member_closes_the_vote_early(
    convene, coop_env, mail_sink, prefect_harness
) -> None:
    first, second = convene(3), convene(3)
    team = deciders(StaffRole.BOARD_MEMBER)

    def close(ga):  # type: ignore[no-untyped-def]
        return lambda login, code: runner.invoke(app, [
            "assembly", "close", "--assembly", str(ga.assembly_id), "--early", "--staff", login,
            "--reason", "every shareholder present has voted", "--code", code])

    def closed() -> tuple[int, int]:
        return _count(VotingSeal), _count(DecisionRequest)

    assert_refusals_record_nothing(close(first), team, closed)
    code = team.phones.code(team.allowed)
    done = close(first)(team.allowed, code)
    assert done.exit_code == 0 and "closed: 0 ballots" in done.output, done.output
    with UnitOfWork() as uow:
        seal = uow.session.get_one(VotingSeal, first.assembly_id)
        decision = uow.session.scalars(select(DecisionRequest)).one()
        assert seal.closed_by == team.allowed  # the verified board member, on the seal
        assert (decision.decided_by, decision.decision) == (
            team.allowed, {"reason": "every shareholder present has voted"})
    assert_replay_refused(close(second), team, code, closed)
    # closing a closed vote again (as the scheduled run does) asks no code and changes nothing
    late = runner.invoke(app, ["assembly", "close", "--assembly", str(first.assembly_id),
                               "--staff", "anyone"])
    assert late.exit_code == 0, late.output


def test_the_closing_deployment_waits_for_a_board_member_to_confirm_an_early_close(
    convene, coop_env, mail_sink, prefect_harness
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.flow_runs import resume_flow_run
    from suspended_runs import paused_description, run

    from flows.assembly_closing import assembly_closing

    ga = convene(3)
    team = deciders(StaffRole.BOARD_MEMBER)
    deployment_id = assembly_closing.to_deployment(name="assembly-closing-test").apply()
    with get_client(sync_client=True) as client:
        flow_run = client.create_flow_run_from_deployment(deployment_id, parameters={
            "assembly_id": ga.assembly_id, "close_early": True, "staff": "anne.staff"})
    assert run(assembly_closing, flow_run.id).is_paused()
    assert "Close the vote of" in paused_description(flow_run.id)
    # staff without the board role cannot confirm it: asked again, the reason in the form
    resume_flow_run(flow_run.id, run_input={
        "staff": team.roleless, "one_time_code": team.phones.code(team.roleless), "reason": ""})
    assert run(assembly_closing, flow_run.id).is_paused()
    assert "needs the role board_member" in paused_description(flow_run.id)
    assert _count(VotingSeal) == 0
    resume_flow_run(flow_run.id, run_input={
        "staff": team.allowed, "one_time_code": team.phones.code(team.allowed),
        "reason": "the meeting voted by show of hands"})
    assert run(assembly_closing, flow_run.id).is_completed()
    with UnitOfWork() as uow:
        assert uow.session.get_one(VotingSeal, ga.assembly_id).closed_by == team.allowed
        decision = uow.session.scalars(select(DecisionRequest)).one()
        assert (decision.process, decision.decided_by) == ("assembly-closing", team.allowed)
