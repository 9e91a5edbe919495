"""Deliver pending outbox messages."""

from __future__ import annotations

from prefect import get_run_logger, task

from documents.mail import deliver_pending
from tasks.common import IO_RETRIES


@task(name="deliver-outbox", **IO_RETRIES)
def deliver_outbox(keys_prefix: str | None = None, batch_size: int = 200) -> dict[str, int]:
    """Send every due message (optionally only those whose key starts with keys_prefix)."""
    report = deliver_pending(keys_prefix=keys_prefix, batch_size=batch_size)
    get_run_logger().info("outbox: %s", report)
    return {
        "sent": report.sent,
        "retrying": report.retrying,
        "bounced": report.bounced,
        "failed": report.failed,
    }
