"""A staff decision a process waits for (a human task), as the processes and the inbox see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from governance.kernel.rules.enums import DecisionStatus

__all__ = ["DecisionStatus", "DecisionView"]


@dataclass(frozen=True)
class DecisionView:
    """What is asked, of whom, by when, and the answer once given (with who gave it)."""

    key: str
    process: str
    subject_type: str
    subject_id: str
    question: str
    status: DecisionStatus
    requested_at: datetime
    due_at: datetime
    flow_run_id: str | None
    decision: dict[str, Any] | None
    decided_by: str | None
    member_id: int | None = None
    reminders_sent: int = 0
