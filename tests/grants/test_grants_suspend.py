"""A deployed grant-awarding run really suspends for the board and resumes with its typed input;
the resumed run (which starts from the top) sends no e-mail and pays nothing twice."""

from __future__ import annotations

from datetime import timedelta

from grants_testkit import T0, add_reviewers, apply, make_call, make_members, score_all
from prefect.client.orchestration import get_client
from prefect.exceptions import Pause
from prefect.flow_engine import run_flow
from prefect.flow_runs import resume_flow_run

from flows.grant_awarding import GrantAwardingParameters, grant_awarding
from governance.db.uow import UnitOfWork
from governance.grants.use_cases import grant_awards, grant_payments, grant_ranking
from governance.kernel.rules.decisions import DecisionStatus


def _start_deployed_run(call_id: int, days: float = 2):  # type: ignore[no-untyped-def]
    deployment_id = grant_awarding.to_deployment(name="grants-suspend-test").apply()
    params = GrantAwardingParameters(call_id=call_id, now=T0 + timedelta(days=days))
    with get_client(sync_client=True) as client:
        return client.create_flow_run_from_deployment(
            deployment_id, parameters={"params": params.model_dump(mode="json")})


def _run_again(flow_run_id):  # type: ignore[no-untyped-def]
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
    try:  # in a worker the process would exit here; in-process the Pause propagates
        run_flow(grant_awarding, flow_run=flow_run, return_type="state",
                 parameters=flow_run.parameters)
    except Pause:
        pass
    with get_client(sync_client=True) as client:
        return client.read_flow_run(flow_run_id).state


def test_the_board_input_resumes_a_suspended_run_without_sending_twice(
        coop_env, mail_sink, prefect_harness, staff_phones) -> None:
    applicants = make_members(2)
    call_id = make_call(budget_cents=100_000)
    refs = [apply(call_id, m, 50_000, minutes=i, account=i) for i, m in enumerate(applicants)]
    add_reviewers(call_id, ["ann", "bob"])
    with UnitOfWork() as uow:
        from governance.grants.use_cases import grant_reviews, grants

        grants.screen_call(uow, call_id, T0 + timedelta(hours=1))
    with UnitOfWork() as uow:
        grant_reviews.assign_reviewers(uow, call_id, T0 + timedelta(hours=1))
    score_all(call_id, {r: {"quality": 8, "impact": 5} for r in refs}, T0)

    flow_run = _start_deployed_run(call_id)
    state = _run_again(flow_run.id)
    assert state.is_paused(), state
    with UnitOfWork() as uow:
        request = uow.decisions.find(grant_awards.board_key(call_id))
    assert request is not None and request.status == DecisionStatus.OPEN
    assert request.flow_run_id == str(flow_run.id)
    mails_while_waiting = len(mail_sink.parsed())

    resume_flow_run(flow_run.id, run_input={
        "staff": "board.secretary", "note": "PV 7",
        "one_time_code": staff_phones.code("board.secretary"),
        "changes": [{"reference": refs[1], "amount_cents": 40_000, "reason": "cheaper venue"}]})
    final = _run_again(flow_run.id)
    assert final.is_paused(), final  # now waiting for the grantees' reports
    with UnitOfWork() as uow:
        board = uow.decisions.find(grant_awards.board_key(call_id))
        batches = grant_payments.payment_batches(uow, call_id)
    assert board is not None and board.decided_by == "board.secretary"
    assert [(b[1], b[2]) for b in batches] == [(2, 30_000 + 24_000)]
    letters = len(mail_sink.parsed()) - mails_while_waiting
    assert letters == 2  # one award letter each, nothing repeated from before the wait


def test_reminders_resume_a_run_waiting_for_reviews_once_they_are_all_in(
        coop_env, mail_sink, prefect_harness) -> None:
    from flows.grant_reminders import GrantReminderParameters, grant_reminders

    (m,) = make_members(1)
    call_id = make_call()
    ref = apply(call_id, m, 50_000)
    add_reviewers(call_id, ["ann", "bob"])
    flow_run = _start_deployed_run(call_id, days=0.1)
    assert _run_again(flow_run.id).is_paused()  # waiting for the reviews
    early = grant_reminders(GrantReminderParameters(now=T0 + timedelta(days=2)))
    assert early["review_rounds_resumed"] == 0
    score_all(call_id, {ref: {"quality": 7, "impact": 7}}, T0 + timedelta(days=3))
    woken = grant_reminders(GrantReminderParameters(now=T0 + timedelta(days=3)))
    assert woken["review_rounds_resumed"] == 1
    assert _run_again(flow_run.id).is_paused()  # ranked, now waiting for the board
    with UnitOfWork() as uow:
        board = uow.decisions.find(grant_awards.board_key(call_id))
        rounds = uow.decisions.find(grant_ranking.reviews_key(call_id))
    assert board is not None and board.status == DecisionStatus.OPEN
    # every review was in: the resumed run ranked at once and closed the round itself
    assert rounds is not None and rounds.status == DecisionStatus.CANCELLED
