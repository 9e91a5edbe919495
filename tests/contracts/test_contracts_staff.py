"""Real contract-approval runs under Prefect (suspend, resume through the
API): an answer whose login or code is refused records nothing and the run asks again."""

from __future__ import annotations

from contracts_helpers import add_member, declaration
from prefect.client.orchestration import get_client
from prefect.exceptions import Pause
from prefect.flow_engine import run_flow
from prefect.flow_runs import resume_flow_run
from sqlalchemy import func, select

from flows.contract_approval import ApprovalParameters, contract_approval
from governance.db.models import TimelineEvent
from governance.db.models.contracts import Declaration
from governance.db.uow import UnitOfWork
from governance.services import contracts


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


def _approvers(declaration_id: int) -> tuple[str, ...]:
    with UnitOfWork() as uow:
        return contracts.view(uow.session, declaration_id).approvers


def test_wrong_replayed_and_repeated_answers_record_nothing_in_a_four_eyes_contract(
    coop_env, mail_sink, prefect_harness, staff_phones
) -> None:
    run = _start(contract_approval, ApprovalParameters(
        declaration=declaration(add_member(), amount_excl_vat_cents=1_300_000, days=20)))
    assert _run(contract_approval, run.id).is_paused()
    with UnitOfWork() as uow:
        [declaration_id] = uow.session.scalars(select(Declaration.id)).all()

    def answer(login: str, code: str) -> None:
        resume_flow_run(run.id, run_input={"action": "approve", "staff": login, "reason": "",
                                           "one_time_code": code})
        assert _run(contract_approval, run.id).is_paused()

    answer("anna", "000000")  # a wrong code: nothing recorded, asked again with the reason
    assert _approvers(declaration_id) == ()
    assert "code is wrong" in _paused_description(run.id)
    answer("mallory", "123456")  # not a registered login
    assert _approvers(declaration_id) == ()
    assert "not a registered staff login" in _paused_description(run.id)
    used = staff_phones.code("anna")
    answer("anna", used)
    assert _approvers(declaration_id) == ("anna",)
    answer("anna", used)  # a replayed code
    assert _approvers(declaration_id) == ("anna",)
    assert "already used" in _paused_description(run.id)
    answer("anna", staff_phones.code("anna"))  # verified, but the same person twice
    assert _approvers(declaration_id) == ("anna",)

    resume_flow_run(run.id, run_input={"action": "approve", "staff": "bob", "reason": "",
                                       "one_time_code": staff_phones.code("bob")})
    assert _run(contract_approval, run.id).is_completed()
    assert _approvers(declaration_id) == ("anna", "bob")
    with UnitOfWork() as uow:
        verified = uow.session.scalar(
            select(func.count()).select_from(TimelineEvent)
            .where(TimelineEvent.action == "staff_verified", TimelineEvent.actor.in_(["anna", "bob"]))
        )
    assert verified == 3  # anna, anna (refused by four-eyes after), bob
