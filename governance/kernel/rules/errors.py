"""Rule violations: each broken business rule raises its own subclass with a staff-readable message."""

from __future__ import annotations


class RuleViolation(Exception):
    """A business rule refused an action; `message` is written for a staff member."""

    code: str = "rule_violation"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class NotFound(RuleViolation):
    """The record named by the staff member does not exist."""

    code = "not_found"


class InvalidTransition(RuleViolation):
    """The record is not in a state that allows this action."""

    code = "invalid_transition"
