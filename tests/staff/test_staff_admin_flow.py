"""The staff-admin deployment under Prefect: the change waits for an administrator's code."""

from __future__ import annotations

from prefect.client.orchestration import get_client
from prefect.exceptions import Pause
from prefect.flow_engine import run_flow
from prefect.flow_runs import resume_flow_run
from sqlalchemy import select
from staff_kit import ADMIN, ALL_DECIDING_ROLES, enrol_staff

from flows.staff_admin import StaffAdminParameters, staff_admin
from governance.db.models import TimelineEvent
from governance.db.uow import UnitOfWork
from governance.kernel.use_cases import staff as registry


def _start(params: StaffAdminParameters):  # type: ignore[no-untyped-def]
    deployment_id = staff_admin.to_deployment(name="staff-admin-test").apply()
    with get_client(sync_client=True) as client:
        return client.create_flow_run_from_deployment(
            deployment_id, parameters={"params": params.model_dump(mode="json")})


def _run(flow_run_id):  # type: ignore[no-untyped-def]
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
    try:
        run_flow(staff_admin, flow_run=flow_run, return_type="state",
                 parameters=flow_run.parameters)
    except Pause:
        pass
    with get_client(sync_client=True) as client:
        return client.read_flow_run(flow_run_id).state


def test_a_staff_member_is_added_once_an_administrator_confirms(coop_env, prefect_harness) -> None:
    phones = enrol_staff({"anna": ALL_DECIDING_ROLES})
    run = _start(StaffAdminParameters(action="add", login="lena.maes", name="Lena Maes",
                                      email="lena.maes@smart.coop", office="genk",
                                      roles=["board_member"]))
    assert _run(run.id).is_paused()
    # a deciding staff member without the administrator role cannot confirm it
    resume_flow_run(run.id, run_input={"staff": "anna", "one_time_code": phones.code("anna")})
    assert _run(run.id).is_paused()
    with UnitOfWork() as uow:
        assert [s.login for s in registry.list_staff(uow.session)] == [ADMIN, "anna"]
    resume_flow_run(run.id, run_input={"staff": ADMIN, "one_time_code": phones.code(ADMIN)})
    assert _run(run.id).is_completed()
    with UnitOfWork() as uow:
        lena = registry.get_staff(uow.session, "lena.maes")
        added = uow.session.scalars(select(TimelineEvent).where(
            TimelineEvent.action == "staff_added", TimelineEvent.subject_id == "lena.maes")).one()
        assert (added.actor_kind, added.actor) == ("staff", ADMIN)
    assert lena.roles == ("board_member",) and not lena.enrolled
