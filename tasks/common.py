"""What every task shares: retry only on I/O errors, never on a rule violation."""

from __future__ import annotations

import smtplib
import sqlite3
from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError

from governance.domain.errors import RuleViolation

IO_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    ConnectionError,
    TimeoutError,
    smtplib.SMTPException,
    OperationalError,
    sqlite3.OperationalError,
)


def retry_on_io_error(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect retry_condition_fn: retry I/O failures; rule violations fail at once."""
    try:
        state.result()
    except RuleViolation:
        return False
    except DBAPIError as exc:
        return bool(exc.connection_invalidated) or isinstance(exc, OperationalError)
    except IO_ERRORS:
        return True
    except Exception:
        return False
    return False


IO_RETRIES: dict[str, Any] = {
    "retries": 3,
    "retry_delay_seconds": [2, 10, 30],
    "retry_condition_fn": retry_on_io_error,
}
