"""What every task shares: retry only on I/O errors, never on a rule violation."""

from __future__ import annotations

import smtplib
import sqlite3
from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError

from governance.config import Settings
from governance.kernel.rules.errors import RuleViolation

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


def io_retries(delays: list[float]) -> dict[str, Any]:
    """Task options: one retry per delay, on I/O errors only."""
    return {
        "retries": len(delays),
        "retry_delay_seconds": list(delays),
        "retry_condition_fn": retry_on_io_error,
    }


# Read once, when the tasks are defined (COOP_IO_RETRY_DELAYS_SECONDS; default 2, 10, 30 s):
# Settings() rather than the cached get_settings(), so nothing is cached before callers set up.
IO_RETRIES: dict[str, Any] = io_retries(Settings().io_retry_delays_seconds)


def run_log() -> Any:
    """The run's logger (shown on the run in the UI), or the module's outside a run."""
    import logging

    from prefect import get_run_logger
    from prefect.exceptions import MissingContextError

    try:
        return get_run_logger()
    except MissingContextError:  # called outside a run (CLI, tests)
        return logging.getLogger("coopflow.tasks")


def report_not_pdf(what: str, failed: dict[str, str]) -> int:
    """Log each document left as DOCX (no checked PDF) on the run; returns how many."""
    log = run_log()
    for path, why in sorted(failed.items()):
        log.warning("%s %s stays DOCX (no checked PDF): %s", what, path, why)
    return len(failed)
