"""Real share-transfer runs under Prefect (suspend, resume through the
API): an answer whose login or code is refused records nothing and the run asks again."""

from __future__ import annotations

from datetime import date

import suspended_runs as suspended
from prefect.flow_runs import resume_flow_run
from sqlalchemy import func, select
from staff_kit import ALL_DECIDING_ROLES, enrol_staff
from test_register_changes import holder

from flows.share_transfer import TransferParameters, share_transfer
from governance.db.models import DecisionRequest, RegisterEntry
from governance.db.uow import UnitOfWork
from governance.kernel.rules.staff import StaffRole


def test_a_non_board_member_cannot_approve_a_share_transfer(
    coop_env, mail_sink, make_member, prefect_harness
) -> None:
    phones = enrol_staff({"clerk": (StaffRole.REGISTER_KEEPER,), "board": ALL_DECIDING_ROLES})
    giver, receiver = holder(make_member, 3), make_member()
    params = TransferParameters(from_member_id=giver, to_member_id=receiver, shares=1,
                                effective_on=date(2026, 11, 30), request_key="t-1")
    run = suspended.start(share_transfer, params)
    assert suspended.run(share_transfer, run.id).is_paused()
    resume_flow_run(run.id, run_input={"decision": "approved", "staff": "clerk", "note": "",
                                       "one_time_code": phones.code("clerk")})
    assert suspended.run(share_transfer, run.id).is_paused()
    assert "board_member" in suspended.paused_description(run.id)
    with UnitOfWork() as uow:
        request = uow.session.scalars(select(DecisionRequest)).one()
        assert request.status == "open" and request.decided_by is None
        entries = uow.session.scalar(select(func.count()).select_from(RegisterEntry))
    resume_flow_run(run.id, run_input={"decision": "approved", "staff": "board", "note": "PV 12",
                                       "one_time_code": phones.code("board")})
    assert suspended.run(share_transfer, run.id).is_completed()
    with UnitOfWork() as uow:
        request = uow.session.scalars(select(DecisionRequest)).one()
        assert request.decided_by == "board"
        assert uow.session.scalar(select(func.count()).select_from(RegisterEntry)) > entries
