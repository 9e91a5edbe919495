"""Tasks of the member-erasure process: record the request, erase, or tell the member why not."""

from __future__ import annotations

from prefect import task
from prefect.runtime import flow_run
from pydantic import BaseModel

from governance.clock import utcnow
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.errors import InvalidTransition
from governance.members.rules.members import ErasureRefused
from governance.members.use_cases import erasure, erasure_requests
from tasks.common import IO_RETRIES
from tasks.onboarding import erase_member_now


class ErasureRequest(BaseModel):
    """What the flow needs: the member, the decision key and the question for staff."""

    member_id: int
    key: str
    question: str


@task(name="record-erasure-request", **IO_RETRIES)
def record_erasure_request(member_ref: str, request: str) -> ErasureRequest:
    """The request the portal recorded (`request` is its key), or a new one for a run staff
    started (keyed by the run: its re-run on resume finds the same one)."""
    with UnitOfWork() as uow:
        member_id = erasure.resolve_member(uow, member_ref)
        key = request or erasure_requests.erasure_key(member_id, f"run:{flow_run.get_id()}")
        actor = Actor.member(member_ref) if request else Actor.system("member-erasure")
        view = erasure_requests.ask_for_erasure(uow, member_id, key, actor=actor, now=utcnow())
        found = uow.decisions.find(view.key)
    assert found is not None
    return ErasureRequest(member_id=member_id, key=view.key, question=found.question)


@task(name="erase-requested-member", **IO_RETRIES)
def erase_requested_member(member_id: int, key: str, staff: str) -> str:
    """Erase now; if the retention rules refuse it, tell the member why instead. Returns
    "erased", or the outbox key of the refusal ("" if the member has no e-mail address)."""
    try:
        erase_member_now(str(member_id), staff)
    except InvalidTransition:  # erased already (the task ran before a crash)
        return "erased"
    except ErasureRefused:
        with UnitOfWork() as uow:
            told = erasure_requests.refuse_erasure(uow, key, reason="", retention=True, staff=staff)
        return told or ""
    return "erased"


@task(name="refuse-erasure", **IO_RETRIES)
def refuse_erasure(key: str, reason: str, staff: str) -> str:
    """Tell the member the request is refused, and why; returns the outbox key ("" if none)."""
    with UnitOfWork() as uow:
        told = erasure_requests.refuse_erasure(
            uow, key, reason=reason, retention=False, staff=staff
        )
    return told or ""
