"""`coop grants`: a call from JSON, a JSON import of applications, typed scores, clear refusals."""

from __future__ import annotations

import json
from datetime import timedelta

from grants_testkit import IBANS, T0, make_members
from typer.testing import CliRunner

from coopflow_cli.main import app
from governance.db.uow import UnitOfWork
from governance.services import grants

runner = CliRunner()


def test_a_call_and_its_applications_come_in_through_the_cli(coop_env, tmp_path) -> None:
    ids = make_members(2)
    call = tmp_path / "call.json"
    call.write_text(json.dumps({
        "name": "Accompagnement 2027", "kind": "accompaniment",
        "opens_at": (T0 - timedelta(days=30)).isoformat(), "closes_at": T0.isoformat(),
        "review_due_at": (T0 + timedelta(days=9)).isoformat(), "budget_cents": 500_000,
        "criteria": [{"code": "quality", "label": "Qualité", "weight": 2}]}))
    result = runner.invoke(app, ["grants", "create-call", str(call), "--staff", "anna"])
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
                                 "--staff", "anna"])
    assert result.exit_code == 0, result.output
    with UnitOfWork() as uow:
        grants.screen_call(uow, 1, T0 + timedelta(hours=1))
    with UnitOfWork() as uow:
        grants.assign_reviewers(uow, 1, T0 + timedelta(hours=1))
    bad = runner.invoke(app, ["grants", "score", "--call", "1", "--reference", "G001-0001",
                              "--login", "bob", "--score", "quality=eleven"])
    assert bad.exit_code == 1 and "criterion=whole number" in bad.output
    over = runner.invoke(app, ["grants", "score", "--call", "1", "--reference", "G001-0001",
                               "--login", "bob", "--score", "quality=11"])
    assert over.exit_code == 1 and "scores.quality" in over.output
    ok = runner.invoke(app, ["grants", "score", "--call", "1", "--reference", "G001-0001",
                             "--login", "bob", "--score", "quality=9"])
    assert ok.exit_code == 0, ok.output
    status = runner.invoke(app, ["grants", "status", "--call", "1"])
    assert "reviews 1/1" in status.output
