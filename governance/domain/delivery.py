"""E-mail delivery rules: which failures are retried, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

MAX_ATTEMPTS = 8
BASE_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=2)
LEASE = timedelta(minutes=10)


class FailureKind(StrEnum):
    TRANSIENT = "transient"  # 4xx replies, dropped connections, time-outs: try again later
    PERMANENT = "permanent"  # 5xx replies: the address or the message is refused


@dataclass(frozen=True)
class DeliveryFailure:
    kind: FailureKind
    reply: str


@dataclass(frozen=True)
class RetryDecision:
    give_up: bool
    next_attempt_at: datetime | None


def classify_smtp_code(code: int | None) -> FailureKind:
    """5xx is permanent; everything else (4xx, no reply at all) is worth another try."""
    if code is not None and 500 <= code < 600:
        return FailureKind.PERMANENT
    return FailureKind.TRANSIENT


def after_transient_failure(attempts: int, now: datetime) -> RetryDecision:
    """Exponential backoff; after MAX_ATTEMPTS the message is failed and shown to staff."""
    if attempts >= MAX_ATTEMPTS:
        return RetryDecision(give_up=True, next_attempt_at=None)
    delay = min(BASE_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)
    return RetryDecision(give_up=False, next_attempt_at=now + delay)
