"""`coop members apply / review / answer / erase` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

from onboarding_samples import person
from typer.testing import CliRunner

from coopflow_cli.main import app
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.members.use_cases import onboarding, onboarding_admission, onboarding_review

runner = CliRunner()


def write(tmp_path: Path, data: dict, name: str = "a.json") -> str:  # type: ignore[type-arg]
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_apply_prints_every_field_error_and_stores_nothing(coop_env, tmp_path) -> None:
    bad = person(national_number="85.07.30-033.29", iban="BE41091811735141",
                 privacy_policy_accepted_at=None)
    result = runner.invoke(app, ["members", "apply", write(tmp_path, bad)])
    assert result.exit_code == 1
    assert "national_number: the national number has a wrong check digit" in (
        result.output.replace("\n", " ")
    )
    assert "iban" in result.output and "privacy_policy_accepted_at" in result.output
    with UnitOfWork() as uow:
        assert onboarding.open_applications(uow) == []


def test_apply_review_answer_and_erase(coop_env, tmp_path, staff_phones) -> None:
    result = runner.invoke(app, ["members", "apply", write(tmp_path, person(national_number=None))])
    assert result.exit_code == 0, result.output
    assert "application 1 (Zoë D'Hondt): in_review" in result.output
    assert "needs review: no_national_number" in result.output
    again = runner.invoke(app, ["members", "apply", write(tmp_path, person(national_number=None))])
    assert "application 1 " in again.output  # the same file is the same application
    asked = runner.invoke(app, ["members", "review", "1", "--staff", "anna", "--ask", "Your NN?",
                                   "--code", staff_phones.code("anna")])
    assert "application 1: info_requested" in asked.output
    wrong = runner.invoke(app, ["members", "review", "1", "--staff", "pia", "--approve", "ok",
                                   "--code", staff_phones.code("pia")])
    assert wrong.exit_code == 1 and "not waiting for a review" in wrong.output
    answered = runner.invoke(app, ["members", "answer", "1", "No NN: arrived last week",
                                   "--staff", "bob", "--code", staff_phones.code("bob")])
    assert "application 1: in_review" in answered.output
    approved = runner.invoke(app, ["members", "review", "1", "--staff", "anna",
                                   "--approve", "Identity checked at the counter",
                                   "--code", staff_phones.code("anna")])
    assert "application 1: approved" in approved.output
    with UnitOfWork() as uow:
        member_id = onboarding_admission.admit_applicant(uow, 1, actor=Actor.staff("anna")).member.id
    erased = runner.invoke(app, ["members", "erase", "M0000001", "--staff", "anne.staff",
                                 "--code", staff_phones.code("anne.staff")])
    assert erased.exit_code == 0, erased.output
    assert f"member {member_id} erased: 1 application(s)" in erased.output
    twice = runner.invoke(app, ["members", "erase", str(member_id), "--staff", "anne.staff",
                                "--code", staff_phones.code("anne.staff")])
    assert twice.exit_code == 1 and "erased already" in twice.output


def test_a_decision_with_a_wrong_code_records_nothing(coop_env, tmp_path, staff_phones) -> None:
    runner.invoke(app, ["members", "apply", write(tmp_path, person(national_number=None))])
    wrong = runner.invoke(app, ["members", "review", "1", "--staff", "anna", "--approve", "ok",
                                "--code", "000000"])
    assert wrong.exit_code == 2 and "the code is wrong" in wrong.output
    deactivated = runner.invoke(app, ["staff", "deactivate", "bob", "--reason", "left",
                                      "--admin", "admin", "--code", staff_phones.code("admin")])
    assert deactivated.exit_code == 0, deactivated.output
    refused = runner.invoke(app, ["members", "review", "1", "--staff", "bob", "--approve", "ok",
                                  "--code", staff_phones.code("bob")])
    assert refused.exit_code == 2 and "deactivated" in refused.output
    with UnitOfWork() as uow:
        pending = onboarding_review.waiting_decision(uow, 1)
        assert pending is not None and pending.decision is None  # still waiting for a review
