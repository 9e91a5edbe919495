"""A code typed in a resume form is checked as at the moment the Prefect server received the
answer, not when a busy worker gets round to resuming the run (`tasks.staff`): real runs of
the staff-admin deployment, real time-steps (RFC 6238, 30 s), the real verification."""

from __future__ import annotations

import time

import pyotp
from prefect.flow_runs import resume_flow_run
from staff_kit import ADMIN, enrol_staff
from suspended_runs import paused_description, run, start

from flows.staff_admin import StaffAdminParameters, staff_admin
from governance.db.uow import UnitOfWork
from governance.kernel.rules.errors import NotFound
from governance.kernel.rules.staff import StaffRole
from governance.kernel.use_cases import staff as registry

STEP = 30  # seconds: the time-step of every authenticator app (RFC 6238 default)


def _step_now() -> int:
    return int(time.time()) // STEP


def _add_lena() -> StaffAdminParameters:
    return StaffAdminParameters(action="add", login="lena.maes", name="Lena Maes",
                                email="lena.maes@smart.coop", office="genk",
                                roles=["board_member"])


def _lena_added() -> bool:
    with UnitOfWork() as uow:
        try:
            registry.get_staff(uow.session, "lena.maes")
        except NotFound:
            return False
    return True


def test_a_code_valid_when_the_answer_arrived_is_accepted_after_it_expired(
    coop_env, prefect_harness
) -> None:
    phones = enrol_staff({"pia": (StaffRole.ONBOARDING_REVIEWER,)})
    totp = pyotp.TOTP(phones.secrets[ADMIN])
    flow_run = start(staff_admin, _add_lena())
    assert run(staff_admin, flow_run.id).is_paused()
    # the code of the previous step: still accepted now (one step of drift), gone at the next
    step = _step_now() - 1
    code = totp.generate_otp(step)
    assert totp.verify(code, valid_window=1)
    resume_flow_run(flow_run.id, run_input={"staff": ADMIN, "one_time_code": code})
    # the worker is busy: it resumes the run only once the code has expired
    while _step_now() < step + 2:
        time.sleep(0.5)
    assert not totp.verify(code, valid_window=1)  # checked as at now, it would be refused
    assert run(staff_admin, flow_run.id).is_completed()
    assert _lena_added()


def test_a_code_that_had_expired_when_the_answer_arrived_is_refused(
    coop_env, prefect_harness
) -> None:
    phones = enrol_staff({"pia": (StaffRole.ONBOARDING_REVIEWER,)})
    totp = pyotp.TOTP(phones.secrets[ADMIN])
    flow_run = start(staff_admin, _add_lena())
    assert run(staff_admin, flow_run.id).is_paused()
    stale = totp.generate_otp(_step_now() - 3)  # shown by the app a minute and more ago
    assert not totp.verify(stale, valid_window=1)
    resume_flow_run(flow_run.id, run_input={"staff": ADMIN, "one_time_code": stale})
    assert run(staff_admin, flow_run.id).is_paused()  # asked again, the reason in the form
    assert "the code is wrong or expired" in paused_description(flow_run.id)
    assert not _lena_added()
    # the same person answering again with the code their app shows now is accepted
    resume_flow_run(flow_run.id, run_input={"staff": ADMIN, "one_time_code": phones.code(ADMIN)})
    assert run(staff_admin, flow_run.id).is_completed()
    assert _lena_added()

