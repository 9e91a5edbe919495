"""Test helper: register and enrol staff, then type their current code like their phone would.

    team = enrol_staff({"anna": ALL_DECIDING_ROLES})
    code = team.code("anna")   # a fresh code (never one already used by anna)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pyotp
from click.testing import Result

from governance.config import Settings
from governance.db.uow import UnitOfWork
from governance.kernel.rules.enums import Office
from governance.kernel.rules.staff import StaffRole
from governance.kernel.use_cases import staff as registry

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


@dataclass
class Deciders:
    """Three people for one role: one who has it, one who lacks only it, one deactivated."""

    phones: Authenticators
    allowed: str = "ok.decider"
    roleless: str = "no.role"
    gone: str = "gone.decider"


def deciders(role: StaffRole) -> Deciders:
    """Register and enrol the three, then deactivate the third (an administrator's decision)."""
    others = tuple(r for r in ALL_DECIDING_ROLES if r is not role)
    team = Deciders(enrol_staff({"ok.decider": (role,), "no.role": others, "gone.decider": (role,)}))
    with UnitOfWork() as uow:
        registry.deactivate(uow, team.gone, "left SMart", by=ADMIN)
    return team


def words(output: str) -> str:
    """A command's output as one line (the terminal wraps long reasons)."""
    return " ".join(output.split())


def assert_refusals_record_nothing(
    decide: Callable[[str, str], Result], team: Deciders, recorded: Callable[[], object]
) -> None:
    """`decide(login, code)` runs the command. A wrong code, a login without the role, a
    deactivated login and an unknown login each exit 2 with the reason, and `recorded()` (what
    the decision would write) stays as it was."""
    before = recorded()
    cases = [
        (team.allowed, "000000", "the code is wrong"),
        (team.roleless, team.phones.code(team.roleless), "needs the role"),
        (team.gone, team.phones.code(team.gone), "is deactivated"),
        ("nobody.here", "123456", "is not a registered staff login"),
    ]
    for login, code, reason in cases:
        result = decide(login, code)
        assert result.exit_code == 2, (login, result.output)
        assert reason in words(result.output), (login, result.output)
        assert recorded() == before, login


def assert_replay_refused(
    decide_again: Callable[[str, str], Result], team: Deciders, used: str,
    recorded: Callable[[], object],
) -> None:
    """The code `used` for a decision just taken is refused for another one: nothing more."""
    before = recorded()
    result = decide_again(team.allowed, used)
    assert result.exit_code == 2 and "already used" in words(result.output), result.output
    assert recorded() == before
