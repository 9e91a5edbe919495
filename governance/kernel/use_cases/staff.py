"""The staff registry: administrators add staff, give roles, enrol their app, deactivate them.

Every change is on the timeline with the administrator who made it (verified by the caller
through `verify_decider` with DecisionKind.STAFF_ADMINISTRATION). Bootstrap: while no active
administrator exists, the first one may be added without one (`by=None`); from then on every
change needs an administrator. Nothing is ever deleted: a person who leaves is deactivated.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.db.models.staff import StaffMember, StaffRecoveryCode
from governance.db.repositories.decisions import DecisionRepository
from governance.db.repositories.timeline import TimelineRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules import staff as rules
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.decisions import DecisionView
from governance.kernel.rules.enums import Office
from governance.kernel.rules.errors import NotFound
from governance.kernel.rules.staff import RegistryRefused, StaffRole

ISSUER = "SmartCoop coopflow"
RECOVERY_CODES = 10
BOOTSTRAP = "bootstrap"


class StaffSpec(BaseModel):
    """A new staff member as the administrator enters them."""

    model_config = ConfigDict(frozen=True)

    login: str = Field(..., pattern=rules.LOGIN_PATTERN, title="Login")
    name: str = Field(..., min_length=2, max_length=200, title="Full name")
    email: str = Field(
        ..., pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254, title="Work e-mail"
    )
    office: Office = Field(..., title="Office")
    roles: list[StaffRole] = Field(default_factory=list, title="Roles")


@dataclass(frozen=True)
class StaffView:
    login: str
    name: str
    email: str
    office: Office
    roles: tuple[StaffRole, ...]
    active: bool
    enrolled: bool
    locked_until: datetime | None

    @classmethod
    def of(cls, row: StaffMember) -> StaffView:
        return cls(
            row.login,
            row.name,
            row.email,
            row.office,
            tuple(StaffRole(r) for r in row.roles),
            row.active,
            row.totp_secret_enc is not None,
            row.locked_until,
        )


@dataclass(frozen=True)
class Enrolment:
    """Shown once to the staff member, never stored in clear: the app key and recovery codes."""

    login: str
    secret: str
    uri: str
    recovery_codes: tuple[str, ...]


def needs_bootstrap(session: Session) -> bool:
    """True while no active administrator exists (the first one is added without one)."""
    return not any(StaffRole.ADMINISTRATOR.value in r.roles for r in _active(session))


def add_staff(uow: UnitOfWork, spec: StaffSpec, *, by: str | None) -> StaffView:
    """Register a staff member (one login per person: an active login with the same e-mail
    is refused). `by` is the verified administrator; None only for the first administrator."""
    session = uow.session
    actor = _authorise(session, by, bootstrap_roles=spec.roles)
    rules.check_login(spec.login)
    existing = session.scalar(select(StaffMember).where(StaffMember.login == spec.login))
    if existing is not None:
        if existing.email == spec.email.lower() and existing.name == spec.name.strip():
            return StaffView.of(existing)  # the same request again (a re-run): nothing to do
        raise RegistryRefused(f"the login '{spec.login}' exists already", field="login")
    twin = session.scalar(
        select(StaffMember).where(
            StaffMember.email == spec.email.lower(), StaffMember.active.is_(True)
        )
    )
    if twin is not None:
        raise RegistryRefused(
            f"{spec.email} already has the login '{twin.login}': one person, one login",
            field="email",
        )
    row = StaffMember(
        login=spec.login,
        name=spec.name.strip(),
        email=spec.email.lower(),
        office=spec.office,
        roles=sorted({r.value for r in spec.roles}),
        active=True,
        failures=0,
    )
    session.add(row)
    session.flush()
    _event(session, actor, row, "staff_added", roles=row.roles, office=row.office.value)
    uow.commit()
    return StaffView.of(row)


def set_roles(uow: UnitOfWork, login: str, roles: list[StaffRole], *, by: str) -> StaffView:
    """Replace a staff member's roles; nobody changes their own (another administrator does)."""
    session = uow.session
    actor = _authorise(session, by)
    row = _staff(session, login)
    if row.login == by:
        raise RegistryRefused(
            "you cannot change your own roles: ask another administrator", field="login"
        )
    before = list(row.roles)
    row.roles = sorted({r.value for r in roles})
    if before != row.roles and needs_bootstrap(session):
        raise RegistryRefused("the last administrator keeps the role administrator", field="roles")
    _event(session, actor, row, "staff_roles_changed", before=before, after=row.roles)
    uow.commit()
    return StaffView.of(row)


def deactivate(uow: UnitOfWork, login: str, reason: str, *, by: str) -> StaffView:
    """The person can no longer decide (kept in the registry: past decisions name them)."""
    session = uow.session
    actor = _authorise(session, by)
    row = _staff(session, login)
    if not row.active:
        return StaffView.of(row)
    row.active = False
    if needs_bootstrap(session):
        raise RegistryRefused("the last active administrator cannot be deactivated", field="login")
    _event(session, actor, row, "staff_deactivated", reason=reason)
    uow.commit()
    return StaffView.of(row)


def enrol(uow: UnitOfWork, login: str, *, by: str | None) -> Enrolment:
    """A new authenticator key and recovery codes (old ones stop working: a lost phone);
    returned once, stored encrypted / hashed. `by` None: the bootstrap administrator's first."""
    session = uow.session
    row = _staff(session, login)
    if by is None:
        if row.totp_secret_enc is not None or not _bootstrap_admin(session, row):
            raise RegistryRefused("only an administrator enrols staff", field="admin")
        actor = Actor.system(BOOTSTRAP)
    else:
        actor = _authorise(session, by)
    if not row.active:
        raise RegistryRefused(f"'{login}' is deactivated", field="login")
    secret = pyotp.random_base32()
    codes = tuple(_recovery_code() for _ in range(RECOVERY_CODES))
    row.totp_secret_enc = uow.cipher.encrypt(secret)
    row.enrolled_at = utcnow()
    row.last_used_step, row.failures, row.locked_until = None, 0, None
    session.execute(delete(StaffRecoveryCode).where(StaffRecoveryCode.staff_id == row.id))
    for code in codes:
        session.add(
            StaffRecoveryCode(staff_id=row.id, code_hash=uow.cipher.keyed_hash(f"recovery:{code}"))
        )
    _event(session, actor, row, "staff_enrolled", recovery_codes=len(codes))
    uow.commit()
    uri = pyotp.TOTP(secret).provisioning_uri(name=row.email, issuer_name=ISSUER)
    return Enrolment(row.login, secret, uri, codes)


def list_staff(session: Session, *, include_inactive: bool = False) -> list[StaffView]:
    query = select(StaffMember).order_by(StaffMember.login)
    if not include_inactive:
        query = query.where(StaffMember.active.is_(True))
    return [StaffView.of(r) for r in session.scalars(query)]


def get_staff(session: Session, login: str) -> StaffView:
    return StaffView.of(_staff(session, login))


def _authorise(
    session: Session, by: str | None, bootstrap_roles: list[StaffRole] | None = None
) -> Actor:
    """The acting administrator (active, with the role); bootstrap only while none exists."""
    if by is None:
        if not needs_bootstrap(session):
            raise RegistryRefused(
                "an administrator exists: give your administrator login and code", field="admin"
            )
        if bootstrap_roles is None or StaffRole.ADMINISTRATOR not in bootstrap_roles:
            raise RegistryRefused("the first staff member must be an administrator", field="roles")
        return Actor.system(BOOTSTRAP)
    admin = session.scalar(select(StaffMember).where(StaffMember.login == by))
    if admin is None or not admin.active or StaffRole.ADMINISTRATOR.value not in admin.roles:
        raise RegistryRefused(f"'{by}' is not an active administrator", field="admin")
    return Actor.staff(by)


def _bootstrap_admin(session: Session, row: StaffMember) -> bool:
    """The administrator added by bootstrap, not yet enrolled, and no other administrator."""
    admins = [r for r in _active(session) if StaffRole.ADMINISTRATOR.value in r.roles]
    return [a.login for a in admins] == [row.login] and not any(a.totp_secret_enc for a in admins)


def _active(session: Session) -> list[StaffMember]:
    return list(session.scalars(select(StaffMember).where(StaffMember.active.is_(True))))


def _staff(session: Session, login: str) -> StaffMember:
    row = session.scalar(select(StaffMember).where(StaffMember.login == login))
    if row is None:
        raise NotFound(f"no staff member has the login '{login}'", field="login")
    return row


def _recovery_code() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud over the phone
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _event(
    session: Session, actor: Actor, row: StaffMember, action: str, **details: object
) -> None:
    TimelineRepository(session).record(
        actor=actor,
        action=action,
        subject_type="staff",
        subject_id=row.login,
        details={"name": row.name, **details},
    )


def decisions_for(session: Session, login: str) -> list[DecisionView]:
    """The open decision requests this staff member may decide (their roles), oldest first;
    a deactivated login may decide nothing."""
    row = _staff(session, login)
    roles = {StaffRole(r) for r in row.roles} if row.active else set()
    return [
        request
        for request in DecisionRepository(session).waiting()
        if (kind := rules.kind_of_request(request.process, request.key)) is not None
        and rules.ROLE_FOR[kind] in roles
    ]
