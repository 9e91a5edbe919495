"""Share register tasks: each opens its own unit of work, calls one service and commits."""

from __future__ import annotations

from prefect import task

from governance.db.uow import UnitOfWork
from governance.services import shares
from governance.services.timeline import Actor
from tasks.common import IO_RETRIES


def actor_of(login: str) -> Actor:
    """A staff login, or the system when the run was not started by a person."""
    return Actor.system("shares") if login in ("", "system") else Actor.staff(login)


def start_subscription_now(
    member_id: int, share_class: str, shares_count: int, request_key: str, actor: str = "system"
) -> int:
    """Open (or find, by request_key) a subscription in its own committed unit of work."""
    with UnitOfWork() as uow:
        view = shares.subscribe(
            uow.session,
            member_id=member_id,
            share_class=share_class,
            shares=shares_count,
            actor=actor_of(actor),
            request_key=request_key,
        )
        uow.commit()
    return view.id


@task(name="start-subscription", **IO_RETRIES)
def start_subscription(
    member_id: int, share_class: str, shares: int, request_key: str, actor: str = "system"
) -> int:
    """Start a share subscription (payment instructions queued); safe to run twice."""
    return start_subscription_now(member_id, share_class, shares, request_key, actor)
