"""Staff identities: roles, which role each decision needs, and the rules of a verified code.

Pure: the clock, the secret and the code check (RFC 6238) are given by the service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from governance.kernel.rules.errors import RuleViolation

LOGIN_PATTERN = r"^[a-z][a-z0-9._-]{1,39}$"
# a 6-digit code from the app, or a recovery code (two groups of five, e.g. "k3m9q-7xw2p")
CODE_PATTERN = r"^\s*([0-9]{3}\s?[0-9]{3}|[a-z0-9]{5}-[a-z0-9]{5})\s*$"
# A run woken by the system (its decision recorded already, e.g. a payment found in the bank
# statement) is resumed with this code only because the form's schema wants one: the run reads
# the recorded decision, and were it ever verified it would fail (no staff login is reserved).
SYSTEM_RESUME_CODE = "000000"
RESERVED_LOGINS = frozenset({"system", "bootstrap", "member", "coopflow", "grant-reminders"})
MAX_FAILURES = 5  # wrong codes in a row before the login is locked
LOCK_FOR = timedelta(minutes=15)


class StaffRole(StrEnum):
    ONBOARDING_REVIEWER = "onboarding_reviewer"
    CONTRACT_APPROVER = "contract_approver"
    REGISTER_KEEPER = "register_keeper"
    BOARD_MEMBER = "board_member"
    GRANT_JURY = "grant_jury"
    ADMINISTRATOR = "administrator"


class DecisionKind(StrEnum):
    """Every kind of staff decision; each needs one role (`ROLE_FOR`)."""

    ONBOARDING_REVIEW = "onboarding_review"
    CONTRACT_APPROVAL = "contract_approval"
    CONTRACT_CANCELLATION = "contract_cancellation"
    SHARE_TRANSFER = "share_transfer"
    PAYMENT_REVIEW = "payment_review"
    PAYMENT_CONFIRMATION = "payment_confirmation"
    REVERSAL_REVIEW = "reversal_review"  # a bank reversal of a share payment, dealt with
    REFUND_ACCOUNT = "refund_account"  # the IBAN a refund is paid to: money leaves on it
    GRANT_AWARD = "grant_award"
    GRANT_CALL = "grant_call"  # opening a call (its budget) and choosing its jury
    GRANT_REVIEW_ROUND = "grant_review_round"
    GRANT_REPORT = "grant_report"
    GRANT_REVIEW = "grant_review"  # a jury member's scores for one file, or stepping back
    ASSEMBLY_EARLY_CLOSE = "assembly_early_close"
    PAPER_BALLOT = "paper_ballot"
    PROXY = "proxy"
    ERASURE = "erasure"
    STAFF_ADMINISTRATION = "staff_administration"


ROLE_FOR: dict[DecisionKind, StaffRole] = {
    DecisionKind.ONBOARDING_REVIEW: StaffRole.ONBOARDING_REVIEWER,
    DecisionKind.CONTRACT_APPROVAL: StaffRole.CONTRACT_APPROVER,
    DecisionKind.CONTRACT_CANCELLATION: StaffRole.CONTRACT_APPROVER,
    DecisionKind.SHARE_TRANSFER: StaffRole.BOARD_MEMBER,
    DecisionKind.PAYMENT_REVIEW: StaffRole.REGISTER_KEEPER,
    DecisionKind.PAYMENT_CONFIRMATION: StaffRole.REGISTER_KEEPER,
    DecisionKind.REVERSAL_REVIEW: StaffRole.REGISTER_KEEPER,
    DecisionKind.REFUND_ACCOUNT: StaffRole.REGISTER_KEEPER,
    DecisionKind.GRANT_AWARD: StaffRole.BOARD_MEMBER,
    # a call commits the cooperative's money and its jury decides who gets it: the board's
    DecisionKind.GRANT_CALL: StaffRole.BOARD_MEMBER,
    DecisionKind.GRANT_REVIEW_ROUND: StaffRole.GRANT_JURY,
    DecisionKind.GRANT_REPORT: StaffRole.GRANT_JURY,
    DecisionKind.GRANT_REVIEW: StaffRole.GRANT_JURY,
    # ending a general assembly's vote before the date announced to 75,000 owners is the board's
    DecisionKind.ASSEMBLY_EARLY_CLOSE: StaffRole.BOARD_MEMBER,
    # a paper ballot or a proxy is checked against the register of shareholders (who holds
    # shares, who may hold a proxy): the register keepers enter them and keep the attendance list
    DecisionKind.PAPER_BALLOT: StaffRole.REGISTER_KEEPER,
    DecisionKind.PROXY: StaffRole.REGISTER_KEEPER,
    # erasure changes what the register and the archive keep: its keeper answers for it
    DecisionKind.ERASURE: StaffRole.REGISTER_KEEPER,
    DecisionKind.STAFF_ADMINISTRATION: StaffRole.ADMINISTRATOR,
}

# the process that opened a decision request (and, for grants, its key) says its kind
_PROCESS_KINDS: dict[str, DecisionKind] = {
    "member-onboarding": DecisionKind.ONBOARDING_REVIEW,
    "member-welcome-review": DecisionKind.ONBOARDING_REVIEW,
    "contract-approval": DecisionKind.CONTRACT_APPROVAL,
    "einvoicing": DecisionKind.CONTRACT_APPROVAL,  # a held e-invoice: contract staff fix it
    "share-transfer": DecisionKind.SHARE_TRANSFER,
    "share-payment-review": DecisionKind.PAYMENT_REVIEW,
    "share-subscription": DecisionKind.PAYMENT_CONFIRMATION,
    "assembly-closing": DecisionKind.ASSEMBLY_EARLY_CLOSE,
    "bank-reversal-review": DecisionKind.REVERSAL_REVIEW,
    "member-erasure": DecisionKind.ERASURE,
}


def kind_of_request(process: str, key: str) -> DecisionKind | None:
    """The kind of an open decision request (None: a process this table does not know)."""
    if process == "grant-awarding":
        if key.endswith(":board"):
            return DecisionKind.GRANT_AWARD
        if ":reports:" in key:
            return DecisionKind.GRANT_REPORT
        return DecisionKind.GRANT_REVIEW_ROUND
    return _PROCESS_KINDS.get(process)


class StaffRuleViolation(RuleViolation):
    """A staff identity or code was refused; nothing was decided."""

    code = "staff_refused"


class UnknownStaff(StaffRuleViolation):
    code = "unknown_staff"

    def __init__(self, login: str) -> None:
        super().__init__(
            f"'{login}' is not a registered staff login: ask an administrator to add you",
            field="staff",
        )


class StaffInactive(StaffRuleViolation):
    code = "staff_inactive"

    def __init__(self, login: str) -> None:
        super().__init__(
            f"the staff login '{login}' is deactivated: it cannot decide any more", field="staff"
        )


class StaffNotEnrolled(StaffRuleViolation):
    code = "staff_not_enrolled"

    def __init__(self, login: str) -> None:
        super().__init__(
            f"'{login}' has no authenticator app enrolled: an administrator must enrol you "
            "(coop staff enrol)",
            field="staff",
        )


class RoleMissing(StaffRuleViolation):
    code = "role_missing"

    def __init__(self, login: str, kind: DecisionKind) -> None:
        role = ROLE_FOR[kind]
        super().__init__(
            f"'{login}' may not take this decision ({kind.value.replace('_', ' ')}): "
            f"it needs the role {role.value}",
            field="staff",
        )


class CodeRefused(StaffRuleViolation):
    code = "code_refused"

    def __init__(self, failures_left: int) -> None:
        super().__init__(
            "the code is wrong or expired: type the code your authenticator app shows now "
            f"({failures_left} attempt(s) left before the login is locked)",
            field="one_time_code",
        )


class CodeReplayed(StaffRuleViolation):
    code = "code_replayed"

    def __init__(self) -> None:
        super().__init__(
            "this code was already used: wait for the next code in your authenticator app",
            field="one_time_code",
        )


class StaffLocked(StaffRuleViolation):
    code = "staff_locked"

    def __init__(self, login: str, until: datetime) -> None:
        super().__init__(
            f"'{login}' is locked after repeated wrong codes until {until:%H:%M} UTC; "
            "the administrators were told",
            field="staff",
        )


class RegistryRefused(RuleViolation):
    """A change to the staff registry that the rules refuse."""

    code = "staff_registry"


@dataclass(frozen=True)
class CodeState:
    """What the registry knows about one login's recent codes."""

    failures: int
    locked_until: datetime | None
    last_used_step: int | None


def check_not_locked(login: str, state: CodeState, now: datetime) -> None:
    """Refuse while a lock runs."""
    if state.locked_until is not None and state.locked_until > now:
        raise StaffLocked(login, state.locked_until)


def after_failure(state: CodeState, now: datetime) -> CodeState:
    """One more wrong code: locked for LOCK_FOR once MAX_FAILURES are reached (count restarts)."""
    failures = state.failures + 1
    if failures >= MAX_FAILURES:
        return CodeState(0, now + LOCK_FOR, state.last_used_step)
    return CodeState(failures, None, state.last_used_step)


def is_recovery_code(code: str) -> bool:
    return "-" in code


def normalise_code(code: str) -> str:
    """Spaces people type ('123 456') are dropped; recovery codes are lower case."""
    return re.sub(r"\s+", "", code).lower()


def check_roles(login: str, roles: frozenset[StaffRole], kind: DecisionKind) -> None:
    if ROLE_FOR[kind] not in roles:
        raise RoleMissing(login, kind)


def check_login(login: str) -> None:
    if login in RESERVED_LOGINS:
        raise RegistryRefused(f"'{login}' is reserved for the system", field="login")
    if not re.fullmatch(LOGIN_PATTERN, login):
        raise RegistryRefused(
            "a login is 2-40 lower-case letters, digits, '.', '_' or '-', starting with a letter",
            field="login",
        )
