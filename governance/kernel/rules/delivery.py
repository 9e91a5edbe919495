"""E-mail delivery rules: which failures are retried, and when; who holds a claim."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from governance.kernel.rules.enums import Language

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


@dataclass(frozen=True)
class ClaimedMessage:
    """An outbox message claimed for sending, as a mailer needs it."""

    id: int
    key: str
    claim_token: str
    to: str
    template: str
    language: Language
    context: dict[str, Any]
    attachments: list[str]  # archive-relative paths, in the order given
    redelivered: bool
    member_id: int | None = None


@dataclass(frozen=True)
class SendResult:
    """What the SMTP server made of one message. `failure` None: accepted. `answered`: the
    server replied (a refusal), so nothing left; False: the reply was lost (a dropped
    connection, a time-out), so the server may have taken the message."""

    subject: str
    failure: DeliveryFailure | None = None
    answered: bool = True

    @property
    def accepted(self) -> bool:
        return self.failure is None


@dataclass(frozen=True)
class UnsettledClaim:
    """What a delivery run that stopped on an error knew of its claim: its token, the messages
    the SMTP server accepted but the run could not record, and the one being sent, if any."""

    token: str
    accepted: list[tuple[ClaimedMessage, str]]  # (message, subject)
    in_flight: ClaimedMessage | None = None


def claim_token(host: str, pid: int, nonce: str) -> str:
    """A claim token naming its holder (host and process), so that a later run can tell a
    claim whose process is gone from one still being worked on."""
    return f"{host}.{pid:x}.{nonce}"


def claim_holder(token: str) -> tuple[str, int] | None:
    """(host, process id) of a claim token; None for a token that does not name one."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        return parts[0], int(parts[1], 16)
    except ValueError:
        return None
