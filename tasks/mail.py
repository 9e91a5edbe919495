"""Deliver pending outbox messages: the delivery engine wired to the documents' mailers."""

from __future__ import annotations

from functools import partial

from prefect import get_run_logger, task

from documents import archive, bulk_mail
from documents.mail import YagmailMailer
from governance.config import Settings, get_settings
from governance.kernel.use_cases import delivery
from governance.kernel.use_cases.delivery import DeliveryReport
from tasks.common import IO_RETRIES


def deliver_pending(
    settings: Settings | None = None,
    *,
    keys_prefix: str | None = None,
    batch_size: int = 200,
    max_batches: int | None = None,
) -> DeliveryReport:
    """Send every due message (optionally only those whose key starts with keys_prefix) over
    one SMTP connection, yagmail composing each message."""
    settings = settings or get_settings()
    return delivery.deliver_pending(
        lambda: YagmailMailer(partial(archive.local_path, settings), settings),
        settings,
        batch_size=batch_size,
        max_batches=max_batches,
        keys_prefix=keys_prefix,
    )


def deliver_prefix(
    keys_prefix: str,
    settings: Settings | None = None,
    *,
    connections: int = 3,
    batch: int = 25,
) -> DeliveryReport:
    """Mass delivery: every due message whose key starts with keys_prefix, over `connections`
    kept SMTP connections, each message written directly (shared attachments encoded once)."""
    settings = settings or get_settings()
    return delivery.deliver_prefix(
        bulk_mail.mailers(partial(archive.local_path, settings), settings),
        keys_prefix,
        settings,
        connections=connections,
        batch=batch,
    )


@task(name="deliver-outbox", **IO_RETRIES)
def deliver_outbox(keys_prefix: str | None = None, batch_size: int = 200) -> dict[str, int]:
    """Send every due message (optionally only those whose key starts with keys_prefix)."""
    report = deliver_pending(keys_prefix=keys_prefix, batch_size=batch_size)
    get_run_logger().info("outbox: %s", report)
    return report.as_dict()
