"""The staff registry: bootstrap once, one login per person, changes by administrators only,
each on the timeline; the inbox shows a login what its roles may decide."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from staff_kit import ADMIN, enrol_staff, spec

from governance.db.models import TimelineEvent
from governance.db.uow import UnitOfWork
from governance.kernel.rules.errors import NotFound
from governance.kernel.rules.staff import RegistryRefused, StaffRole
from governance.kernel.use_cases import staff as registry


def _add(login: str, roles: tuple[StaffRole, ...], by: str | None = ADMIN) -> registry.StaffView:
    with UnitOfWork() as uow:
        return registry.add_staff(uow, spec(login, roles), by=by)


def test_the_first_administrator_is_added_without_one_and_only_once(coop_env) -> None:
    with pytest.raises(RegistryRefused, match="must be an administrator"):
        _add("anna", (StaffRole.BOARD_MEMBER,), by=None)
    _add("root", (StaffRole.ADMINISTRATOR,), by=None)
    with pytest.raises(RegistryRefused, match="an administrator exists"):
        _add("eve", (StaffRole.ADMINISTRATOR,), by=None)
    with UnitOfWork() as uow:
        [event] = uow.session.scalars(
            select(TimelineEvent).where(TimelineEvent.action == "staff_added")).all()
        assert (event.actor_kind, event.actor, event.subject_id) == ("system", "bootstrap", "root")


def test_one_person_has_one_login(coop_env) -> None:
    enrol_staff({"anna": (StaffRole.CONTRACT_APPROVER,)})
    twin = spec("anna2", (StaffRole.CONTRACT_APPROVER,)).model_copy(
        update={"email": "anna@smart.coop"})
    with UnitOfWork() as uow, pytest.raises(RegistryRefused, match="one person, one login"):
        registry.add_staff(uow, twin, by=ADMIN)


def test_only_an_active_administrator_changes_the_registry(coop_env) -> None:
    enrol_staff({"anna": (StaffRole.CONTRACT_APPROVER,)})
    with UnitOfWork() as uow, pytest.raises(RegistryRefused, match="not an active administrator"):
        registry.set_roles(uow, "anna", [StaffRole.BOARD_MEMBER], by="anna")


def test_nobody_changes_their_own_roles_and_the_last_administrator_stays(coop_env) -> None:
    enrol_staff({})
    with UnitOfWork() as uow, pytest.raises(RegistryRefused, match="your own roles"):
        registry.set_roles(uow, ADMIN, [StaffRole.BOARD_MEMBER], by=ADMIN)
    with UnitOfWork() as uow, pytest.raises(RegistryRefused, match="last active administrator"):
        registry.deactivate(uow, ADMIN, "leaving", by=ADMIN)


def test_every_change_names_the_administrator_on_the_timeline(coop_env) -> None:
    enrol_staff({"anna": (StaffRole.CONTRACT_APPROVER,)})
    with UnitOfWork() as uow:
        registry.set_roles(uow, "anna", [StaffRole.BOARD_MEMBER], by=ADMIN)
    with UnitOfWork() as uow:
        registry.deactivate(uow, "anna", "left", by=ADMIN)
    with UnitOfWork() as uow:
        rows = uow.session.scalars(select(TimelineEvent).where(
            TimelineEvent.subject_type == "staff", TimelineEvent.subject_id == "anna")).all()
        actions = [(e.action, e.actor) for e in rows]
    assert actions == [("staff_added", ADMIN), ("staff_enrolled", ADMIN),
                       ("staff_roles_changed", ADMIN), ("staff_deactivated", ADMIN)]


def test_the_inbox_of_a_login_shows_only_what_its_roles_may_decide(coop_env) -> None:
    enrol_staff({"anna": (StaffRole.CONTRACT_APPROVER,), "bert": (StaffRole.BOARD_MEMBER,)})
    with UnitOfWork() as uow:
        for key, process in (("contract:1:r1:approval-1", "contract-approval"),
                             ("share-transfer-approval:t1", "share-transfer"),
                             ("grants:1:board", "grant-awarding"),
                             ("grants:1:reviews-closed", "grant-awarding")):
            uow.decisions.open(key=key, process=process, subject_type="x",
                                   subject_id=1, question="?", due_in=timedelta(days=1))
        uow.commit()
    with UnitOfWork() as uow:
        anna = [r.key for r in registry.decisions_for(uow.session, "anna")]
        bert = [r.key for r in registry.decisions_for(uow.session, "bert")]
        with pytest.raises(NotFound):
            registry.decisions_for(uow.session, "nobody")
    assert anna == ["contract:1:r1:approval-1"]
    assert bert == ["share-transfer-approval:t1", "grants:1:board"]
