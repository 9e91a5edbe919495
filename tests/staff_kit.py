"""Test helper: register and enrol staff, then type their current code like their phone would.

    team = enrol_staff({"anna": ALL_DECIDING_ROLES})
    code = team.code("anna")   # a fresh code (never one already used by anna)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pyotp

from governance.config import Settings
from governance.db.uow import UnitOfWork
from governance.domain.enums import Office
from governance.domain.staff import StaffRole
from governance.services import staff as registry

ADMIN = "admin"
ALL_DECIDING_ROLES = tuple(r for r in StaffRole if r is not StaffRole.ADMINISTRATOR)
TEAM = ("anna", "bob", "anna.peeters", "bob.janssens", "anne.staff", "board.secretary", "pia")


@dataclass
class Authenticators:
    """The phones of the enrolled staff: their secrets and recovery codes."""

    secrets: dict[str, str] = field(default_factory=dict)
    recovery: dict[str, list[str]] = field(default_factory=dict)
    settings: Settings | None = None  # another cooperative's database (the e2e stack's)
    _last_step: dict[str, int] = field(default_factory=dict)

    def code(self, login: str) -> str:
        """A code for a time-step this login has not used yet (waits for the next step when the
        current and the next one are spent: a real person could not do better)."""
        totp = pyotp.TOTP(self.secrets[login])
        step = max(self._last_step.get(login, -1) + 1, totp.timecode(time.time()))
        while step > totp.timecode(time.time()) + 1:
            time.sleep(0.5)
        self._last_step[login] = step
        return totp.generate_otp(step)

    def code_function(self, login: str):  # type: ignore[no-untyped-def]
        """What a browser test needs: a function giving the current code of `login`."""
        return lambda: self.code(login)

    def enrol(self, login: str, by: str | None = ADMIN) -> None:
        with UnitOfWork(self.settings) as uow:
            enrolment = registry.enrol(uow, login, by=by)
        self.secrets[login] = enrolment.secret
        self.recovery[login] = list(enrolment.recovery_codes)
        self._last_step.pop(login, None)


def enrol_staff(
    team: dict[str, tuple[StaffRole, ...]] | None = None, settings: Settings | None = None
) -> Authenticators:
    """Register (bootstrap administrator first, if none) and enrol these staff members."""
    phones = Authenticators(settings=settings)
    with UnitOfWork(settings) as uow:
        bootstrap = registry.needs_bootstrap(uow.session)
    if bootstrap:
        with UnitOfWork(settings) as uow:
            registry.add_staff(uow, spec(ADMIN, (StaffRole.ADMINISTRATOR,)), by=None)
        phones.enrol(ADMIN, by=None)
    for login, roles in (team or dict.fromkeys(TEAM, ALL_DECIDING_ROLES)).items():
        with UnitOfWork(settings) as uow:
            registry.add_staff(uow, spec(login, roles), by=ADMIN)
        phones.enrol(login)
    return phones


def spec(login: str, roles: tuple[StaffRole, ...]) -> registry.StaffSpec:
    return registry.StaffSpec(
        login=login,
        name=login.replace(".", " ").title(),
        email=f"{login}@smart.coop",
        office=Office.BRUXELLES,
        roles=list(roles),
    )
