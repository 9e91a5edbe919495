"""Real share-transfer runs under Prefect (suspend, resume through the
API): an answer whose login or code is refused records nothing and the run asks again."""

from __future__ import annotations

from datetime import date

from prefect.client.orchestration import get_client
from prefect.exceptions import Pause
from prefect.flow_engine import run_flow
from prefect.flow_runs import resume_flow_run
from sqlalchemy import func, select
from staff_kit import ALL_DECIDING_ROLES, enrol_staff
from test_register_changes import holder

from flows.share_transfer import TransferParameters, share_transfer
from governance.db.models import DecisionRequest, RegisterEntry
from governance.db.uow import UnitOfWork
from governance.domain.staff import StaffRole


def _start(flow, params):  # type: ignore[no-untyped-def]
    deployment_id = flow.to_deployment(name=f"{flow.name}-staff-test").apply()
    with get_client(sync_client=True) as client:
        return client.create_flow_run_from_deployment(
            deployment_id, parameters={"params": params.model_dump(mode="json")}
        )


def _run(flow, flow_run_id):  # type: ignore[no-untyped-def]
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
    try:  # a worker would exit here; in-process the Pause propagates
        run_flow(flow, flow_run=flow_run, return_type="state", parameters=flow_run.parameters)
    except Pause:
        pass
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(flow_run_id)
        return run.state


def _paused_description(flow_run_id) -> str:  # type: ignore[no-untyped-def]
    """The markdown the resume form shows (the reason of a refused answer is in it)."""
    from prefect.input.run_input import keyset_from_paused_state

    with get_client(sync_client=True) as client:
        state = client.read_flow_run(flow_run_id).state
    keyset = keyset_from_paused_state(state)
    from prefect.input.actions import read_flow_run_input

    return str(read_flow_run_input(keyset["description"], flow_run_id=flow_run_id))


def test_a_non_board_member_cannot_approve_a_share_transfer(
    coop_env, mail_sink, make_member, prefect_harness
) -> None:
    phones = enrol_staff({"clerk": (StaffRole.REGISTER_KEEPER,), "board": ALL_DECIDING_ROLES})
    giver, receiver = holder(make_member, 3), make_member()
    params = TransferParameters(from_member_id=giver, to_member_id=receiver, shares=1,
                                effective_on=date(2026, 11, 30), request_key="t-1")
    run = _start(share_transfer, params)
    assert _run(share_transfer, run.id).is_paused()
    resume_flow_run(run.id, run_input={"decision": "approved", "staff": "clerk", "note": "",
                                       "one_time_code": phones.code("clerk")})
    assert _run(share_transfer, run.id).is_paused()
    assert "board_member" in _paused_description(run.id)
    with UnitOfWork() as uow:
        request = uow.session.scalars(select(DecisionRequest)).one()
        assert request.status == "open" and request.decided_by is None
        entries = uow.session.scalar(select(func.count()).select_from(RegisterEntry))
    resume_flow_run(run.id, run_input={"decision": "approved", "staff": "board", "note": "PV 12",
                                       "one_time_code": phones.code("board")})
    assert _run(share_transfer, run.id).is_completed()
    with UnitOfWork() as uow:
        request = uow.session.scalars(select(DecisionRequest)).one()
        assert request.decided_by == "board"
        assert uow.session.scalar(select(func.count()).select_from(RegisterEntry)) > entries
