"""`coop grants`: a call from JSON, a JSON import of applications, typed scores, clear refusals."""

from __future__ import annotations

import json
from datetime import timedelta

from grants_testkit import IBANS, T0, add_reviewers, apply, make_call, make_members
from sqlalchemy import select
from staff_kit import assert_refusals_record_nothing, assert_replay_refused, deciders
from typer.testing import CliRunner

from coopflow_cli.main import app
from governance.db.models import TimelineEvent
from governance.db.models.grants import GrantAssignment, GrantCall, GrantReviewer
from governance.db.uow import UnitOfWork
from governance.grants.use_cases import grant_reviews, grants
from governance.kernel.rules.staff import StaffRole

runner = CliRunner()


def test_a_call_and_its_applications_come_in_through_the_cli(coop_env, tmp_path, staff_phones) -> None:  # type: ignore[no-untyped-def]
    ids = make_members(2)
    call = tmp_path / "call.json"
    call.write_text(json.dumps({
        "name": "Accompagnement 2027", "kind": "accompaniment",
        "opens_at": (T0 - timedelta(days=30)).isoformat(), "closes_at": T0.isoformat(),
        "review_due_at": (T0 + timedelta(days=9)).isoformat(), "budget_cents": 500_000,
        "criteria": [{"code": "quality", "label": "Qualité", "weight": 2}]}))
    result = runner.invoke(app, ["grants", "create-call", str(call), "--staff", "anna",
                                 "--code", staff_phones.code("anna")])
    assert result.exit_code == 0, result.output
    items = [{"member_id": ids[0], "project_title": "Formation <son> & lumière", "summary": "x",
              "amount_asked_cents": 80_000, "iban": IBANS[0],
              "budget_lines": [{"label": "Cours", "amount_cents": 90_000}],
              "submitted_at": (T0 - timedelta(days=2)).isoformat()},
             {"member_id": ids[1], "amount_asked_cents": 80_000, "iban": "BE00 0000",
              "submitted_at": (T0 - timedelta(days=2)).isoformat()}]
    batch = tmp_path / "apps.json"
    batch.write_text(json.dumps(items))
    result = runner.invoke(app, ["grants", "import", "--call", "1", str(batch)])
    assert result.exit_code == 0, result.output
    assert "G001-0001" in result.output and "1 of 2 applications submitted" in result.output
    assert "iban" in result.output  # the refused item names its field

    result = runner.invoke(app, ["grants", "add-reviewer", "--call", "1", "--login", "bob",
                                 "--name", "Bob", "--email", "bob@smart.example",
                                 "--staff", "anna", "--code", staff_phones.code("anna")])
    assert result.exit_code == 0, result.output
    with UnitOfWork() as uow:
        grants.screen_call(uow, 1, T0 + timedelta(hours=1))
    with UnitOfWork() as uow:
        grant_reviews.assign_reviewers(uow, 1, T0 + timedelta(hours=1))
    bad = runner.invoke(app, ["grants", "score", "--call", "1", "--reference", "G001-0001",
                              "--login", "bob", "--score", "quality=eleven"])
    assert bad.exit_code == 1 and "criterion=whole number" in bad.output
    over = runner.invoke(app, ["grants", "score", "--call", "1", "--reference", "G001-0001",
                               "--login", "bob", "--score", "quality=11",
                               "--code", staff_phones.code("bob")])
    assert over.exit_code == 1 and "scores.quality" in over.output
    ok = runner.invoke(app, ["grants", "score", "--call", "1", "--reference", "G001-0001",
                             "--login", "bob", "--score", "quality=9",
                             "--code", staff_phones.code("bob")])
    assert ok.exit_code == 0, ok.output
    status = runner.invoke(app, ["grants", "status", "--call", "1"])
    assert "reviews 1/1" in status.output


def _assignments() -> list[tuple[int, str, str]]:
    with UnitOfWork() as uow:
        rows = uow.session.execute(select(
            GrantAssignment.application_id, GrantAssignment.reviewer_id, GrantAssignment.status
        ).order_by(GrantAssignment.id)).tuples().all()
    return [(a, str(r), str(s)) for a, r, s in rows]


def test_a_jury_member_scores_and_steps_back_only_with_their_own_code(coop_env) -> None:  # type: ignore[no-untyped-def]
    team = deciders(StaffRole.GRANT_JURY)
    ids = make_members(2)
    call = make_call()
    add_reviewers(call, [team.allowed, "other.jury"])
    first, second = apply(call, ids[0], 50_000), apply(call, ids[1], 60_000, minutes=1)
    with UnitOfWork() as uow:
        grants.screen_call(uow, call, T0 + timedelta(hours=1))
    with UnitOfWork() as uow:
        grant_reviews.assign_reviewers(uow, call, T0 + timedelta(hours=1))

    def score(reference: str):  # type: ignore[no-untyped-def]
        return lambda login, code: runner.invoke(app, [
            "grants", "score", "--call", str(call), "--reference", reference, "--login", login,
            "--score", "quality=8", "--score", "impact=6", "--code", code])

    assert_refusals_record_nothing(score(first), team, _assignments)
    code = team.phones.code(team.allowed)
    done = score(first)(team.allowed, code)
    assert done.exit_code == 0 and f"review of {first} by {team.allowed}" in done.output, done.output
    assert_replay_refused(score(second), team, code, _assignments)

    def recuse(login: str, code: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["grants", "recuse", "--call", str(call), "--login", login,
                                   "--reference", second, "--reason", "my cousin", "--code", code])

    assert_refusals_record_nothing(recuse, team, _assignments)
    stepped_back = recuse(team.allowed, team.phones.code(team.allowed))
    assert stepped_back.exit_code == 0, stepped_back.output
    assert sorted(s for _, _, s in _assignments()) == ["assigned", "assigned", "recused", "reviewed"]
    with UnitOfWork() as uow:
        actors = uow.session.scalars(select(TimelineEvent.actor).where(TimelineEvent.action.in_(
            ["grant_review_submitted", "grant_reviewer_recused"]))).all()
    assert actors == [team.allowed, team.allowed]


def test_only_a_proven_board_member_opens_a_call_and_chooses_its_jury(coop_env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    team = deciders(StaffRole.BOARD_MEMBER)
    spec = {"name": "Salto 2027", "kind": "salto", "opens_at": (T0 - timedelta(days=30)).isoformat(),
            "closes_at": T0.isoformat(), "review_due_at": (T0 + timedelta(days=9)).isoformat(),
            "budget_cents": 900_000, "criteria": [{"code": "quality", "label": "Q", "weight": 1}]}
    files = []
    for n in range(2):
        files.append(tmp_path / f"call{n}.json")
        files[-1].write_text(json.dumps({**spec, "name": f"Salto 2027 ({n})"}))

    def open_call(n: int):  # type: ignore[no-untyped-def]
        return lambda login, code: runner.invoke(app, [
            "grants", "create-call", str(files[n]), "--staff", login, "--code", code])

    def calls() -> list[str]:
        with UnitOfWork() as uow:
            return [c.name for c in uow.session.scalars(select(GrantCall).order_by(GrantCall.id))]

    assert_refusals_record_nothing(open_call(0), team, calls)
    code = team.phones.code(team.allowed)
    assert open_call(0)(team.allowed, code).exit_code == 0
    assert_replay_refused(open_call(1), team, code, calls)
    assert calls() == ["Salto 2027 (0)"]

    def jury(login: str, code: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["grants", "add-reviewer", "--call", "1", "--login", "lea",
                                   "--name", "Lea", "--email", "lea@smart.example",
                                   "--staff", login, "--code", code])

    def reviewers() -> list[str]:
        with UnitOfWork() as uow:
            return list(uow.session.scalars(select(GrantReviewer.login)))

    assert_refusals_record_nothing(jury, team, reviewers)
    assert jury(team.allowed, team.phones.code(team.allowed)).exit_code == 0
    assert reviewers() == ["lea"]
