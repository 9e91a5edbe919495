"""Demo: the staff registry. The first administrator is created by bootstrap, then adds the
demo's deciders with their roles and enrols their phones; every demo decision afterwards is
proven with the code its decider's (simulated) phone shows, through `verify_decider`.

The phones' clock advances 30 s per code: a real person cannot use one time-step twice, and
the demo takes dozens of decisions in a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pyotp

from governance.clock import utcnow
from governance.db.uow import UnitOfWork
from governance.kernel.rules.enums import Office
from governance.kernel.rules.staff import DecisionKind, StaffRole
from governance.kernel.use_cases import staff as registry
from governance.kernel.use_cases.staff_verification import verify_decider

ADMIN = "demo.admin"
DEMO_STAFF: dict[str, tuple[StaffRole, ...]] = {
    "demo.staff": (
        StaffRole.ONBOARDING_REVIEWER,
        StaffRole.REGISTER_KEEPER,
        StaffRole.GRANT_JURY,
    ),
    "demo.reviewer": (StaffRole.ONBOARDING_REVIEWER,),
    "demo.anna": (StaffRole.CONTRACT_APPROVER,),
    "demo.bob": (StaffRole.CONTRACT_APPROVER,),
    "board.secretary": (StaffRole.BOARD_MEMBER,),
    # the grant call's jury: staff and two members, each scoring with their own code
    **{
        login: (StaffRole.GRANT_JURY,)
        for login in (
            "anna.staff",
            "bart.staff",
            "chloe.staff",
            "dieter.staff",
            "eva.member",
            "finn.member",
        )
    },
}


@dataclass
class DemoPhones:
    secrets: dict[str, str] = field(default_factory=dict)
    clock: datetime = field(default_factory=utcnow)

    def prove(self, login: str, kind: DecisionKind, context: str = "demo") -> str:
        """The verified login: the decider types the code their phone shows now."""
        self.clock += timedelta(seconds=30)
        code = pyotp.TOTP(self.secrets[login]).at(self.clock)
        with UnitOfWork() as uow:
            return verify_decider(uow, login, code, kind, context=context, now=self.clock).login


PHONES = DemoPhones()


def register_staff(ctx: Any) -> None:
    """Bootstrap the administrator, who adds and enrols the demo's deciders."""
    PHONES.secrets.clear()
    with UnitOfWork() as uow:
        registry.add_staff(uow, _spec(ADMIN, (StaffRole.ADMINISTRATOR,)), by=None)
    _enrol(ADMIN, None)
    for login, roles in DEMO_STAFF.items():
        admin = PHONES.prove(ADMIN, DecisionKind.STAFF_ADMINISTRATION, f"staff:add:{login}")
        with UnitOfWork() as uow:
            registry.add_staff(uow, _spec(login, roles), by=admin)
        _enrol(login, PHONES.prove(ADMIN, DecisionKind.STAFF_ADMINISTRATION, f"enrol:{login}"))
    ctx.report("staff", "staff registered and enrolled (1 administrator)", len(DEMO_STAFF) + 1)


def _enrol(login: str, by: str | None) -> None:
    with UnitOfWork() as uow:
        PHONES.secrets[login] = registry.enrol(uow, login, by=by).secret


def _spec(login: str, roles: tuple[StaffRole, ...]) -> registry.StaffSpec:
    return registry.StaffSpec(
        login=login,
        name=login.replace(".", " ").title(),
        email=f"{login}@smart.coop",
        office=Office.BRUXELLES,
        roles=list(roles),
    )
