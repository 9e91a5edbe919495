"""Tasks of the held-payment review: each opens its own unit of work and calls one service."""

from __future__ import annotations

from prefect import task

from governance.db.uow import UnitOfWork
from governance.register.use_cases import payment_reviews
from governance.register.use_cases.payment_reviews import PaymentReview
from tasks.common import IO_RETRIES


@task(name="open-payment-review", **IO_RETRIES)
def open_payment_review(payment_id: int, flow_run_id: str | None) -> PaymentReview:
    """The review as staff will see it, linked to this run."""
    with UnitOfWork() as uow:
        return payment_reviews.open_for_run(uow, payment_id, flow_run_id)


@task(name="decide-payment-review", **IO_RETRIES)
def decide_payment_review(
    payment_id: int, decision: str, staff: str, subscription_id: int | None
) -> PaymentReview:
    """Carry out the staff answer once, or note why it was refused (the run asks again)."""
    with UnitOfWork() as uow:
        return payment_reviews.decide(
            uow, payment_id, decision=decision, staff=staff, subscription_id=subscription_id
        )


@task(name="start-payment-reviews", **IO_RETRIES)
def start_payment_reviews() -> dict[int, str]:
    """A `share-payment-review` run (its form in the Prefect UI) for each held payment that no
    run asks about yet; without the deployment (a local run) the review stays in `coop inbox`."""
    from prefect.deployments import run_deployment

    with UnitOfWork() as uow:
        held = payment_reviews.held_without_run(uow)
    started: dict[int, str] = {}
    for payment_id in held:
        try:
            run = run_deployment(
                name="share-payment-review/share-payment-review",
                parameters={"params": {"payment_id": payment_id}},
                timeout=0,
                idempotency_key=f"share-payment-review-{payment_id}",
            )
            started[payment_id] = str(getattr(run, "id", run))
        except Exception as exc:  # no deployment (tests, the demo without a server): say so
            started[payment_id] = f"not started: {type(exc).__name__}: {exc}"[:200]
    return started
