"""Real contract-approval runs under Prefect (suspend, resume through the
API): an answer whose login or code is refused records nothing and the run asks again."""

from __future__ import annotations

import suspended_runs as suspended
from contracts_helpers import add_member, declaration
from prefect.flow_runs import resume_flow_run
from sqlalchemy import func, select

from flows.contract_approval import ApprovalParameters, contract_approval
from governance.contracts.use_cases import contracts
from governance.db.models import TimelineEvent
from governance.db.models.contracts import Declaration
from governance.db.uow import UnitOfWork


def _approvers(declaration_id: int) -> tuple[str, ...]:
    with UnitOfWork() as uow:
        return contracts.view(uow.session, declaration_id).approvers


def test_wrong_replayed_and_repeated_answers_record_nothing_in_a_four_eyes_contract(
    coop_env, mail_sink, prefect_harness, staff_phones
) -> None:
    run = suspended.start(contract_approval, ApprovalParameters(
        declaration=declaration(add_member(), amount_excl_vat_cents=1_300_000, days=20)))
    assert suspended.run(contract_approval, run.id).is_paused()
    with UnitOfWork() as uow:
        [declaration_id] = uow.session.scalars(select(Declaration.id)).all()

    def answer(login: str, code: str) -> None:
        resume_flow_run(run.id, run_input={"action": "approve", "staff": login, "reason": "",
                                           "one_time_code": code})
        assert suspended.run(contract_approval, run.id).is_paused()

    answer("anna", "000000")  # a wrong code: nothing recorded, asked again with the reason
    assert _approvers(declaration_id) == ()
    assert "code is wrong" in suspended.paused_description(run.id)
    answer("mallory", "123456")  # not a registered login
    assert _approvers(declaration_id) == ()
    assert "not a registered staff login" in suspended.paused_description(run.id)
    used = staff_phones.code("anna")
    answer("anna", used)
    assert _approvers(declaration_id) == ("anna",)
    answer("anna", used)  # a replayed code
    assert _approvers(declaration_id) == ("anna",)
    assert "already used" in suspended.paused_description(run.id)
    answer("anna", staff_phones.code("anna"))  # verified, but the same person twice
    assert _approvers(declaration_id) == ("anna",)

    resume_flow_run(run.id, run_input={"action": "approve", "staff": "bob", "reason": "",
                                       "one_time_code": staff_phones.code("bob")})
    assert suspended.run(contract_approval, run.id).is_completed()
    assert _approvers(declaration_id) == ("anna", "bob")
    with UnitOfWork() as uow:
        verified = uow.session.scalar(
            select(func.count()).select_from(TimelineEvent)
            .where(TimelineEvent.action == "staff_verified", TimelineEvent.actor.in_(["anna", "bob"]))
        )
    assert verified == 3  # anna, anna (refused by four-eyes after), bob
