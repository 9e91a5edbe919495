"""A deployed contract-approval run really suspends for staff and resumes with the typed form;
four-eyes: the same login twice is refused and the run asks again; no document or e-mail twice."""

from __future__ import annotations

from contracts_helpers import add_member, declaration
from prefect.client.orchestration import get_client
from prefect.exceptions import Pause
from prefect.flow_engine import run_flow
from prefect.flow_runs import resume_flow_run
from sqlalchemy import func, select

from flows.contract_approval import ApprovalParameters, contract_approval
from governance.contracts.use_cases import contracts
from governance.db.models import Document
from governance.db.models.contracts import Declaration
from governance.db.uow import UnitOfWork


def _start(params: ApprovalParameters):  # type: ignore[no-untyped-def]
    deployment_id = contract_approval.to_deployment(name="contracts-suspend-test").apply()
    with get_client(sync_client=True) as client:
        return client.create_flow_run_from_deployment(
            deployment_id, parameters={"params": params.model_dump(mode="json")}
        )


def _run(flow_run_id):  # type: ignore[no-untyped-def]
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
    try:  # a worker would exit here; in-process the Pause propagates
        run_flow(contract_approval, flow_run=flow_run, return_type="state", parameters=flow_run.parameters)
    except Pause:
        pass
    with get_client(sync_client=True) as client:
        return client.read_flow_run(flow_run_id).state


def test_four_eyes_through_suspend_and_resume(coop_env, mail_sink, prefect_harness,
                                             staff_phones) -> None:
    # a new declaration given in the form: every resumed run starts from the top and must find
    # the same declaration again
    facts = declaration(add_member(), amount_excl_vat_cents=1_300_000, days=20)
    flow_run = _start(ApprovalParameters(declaration=facts))
    assert _run(flow_run.id).is_paused()
    with UnitOfWork() as uow:
        [declaration_id] = uow.session.scalars(select(Declaration.id)).all()
    with UnitOfWork() as uow:
        view = contracts.view(uow.session, declaration_id)
        request = uow.decisions.find(view.decision_key)
    assert view.status.value == "awaiting_decision" and request is not None
    assert request.flow_run_id == str(flow_run.id)

    resume_flow_run(flow_run.id, run_input={"action": "approve", "staff": "anna", "reason": "",
                                               "one_time_code": staff_phones.code("anna")})
    assert _run(flow_run.id).is_paused()  # now the second pair of eyes
    resume_flow_run(flow_run.id, run_input={"action": "approve", "staff": "anna", "reason": "",
                                               "one_time_code": staff_phones.code("anna")})
    assert _run(flow_run.id).is_paused()  # refused: same login; asked again
    with UnitOfWork() as uow:
        view = contracts.view(uow.session, declaration_id)
    assert view.approvers == ("anna",) and view.refused_inputs == 1

    resume_flow_run(flow_run.id, run_input={"action": "approve", "staff": "bob", "reason": "",
                                               "one_time_code": staff_phones.code("bob")})
    final = _run(flow_run.id)
    assert final.is_completed(), final
    with UnitOfWork() as uow:
        view = contracts.view(uow.session, declaration_id)
        documents = uow.session.scalar(select(func.count(Document.id)))
    assert view.status.value == "approved" and view.approvers == ("anna", "bob")
    assert documents == 3
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(func.count(Declaration.id))) == 1
    contract_mails = [m for m in mail_sink.parsed() if "F20" in m["Subject"] or "approuvé" in m["Subject"]
                      or "goedgekeurd" in m["Subject"] or "approved" in m["Subject"]]
    assert len(contract_mails) == 2
