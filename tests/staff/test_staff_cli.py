"""`coop staff ...` and `coop inbox --staff` through the real command line."""

from __future__ import annotations

import json
from datetime import timedelta

import pyotp
from staff_kit import ADMIN, enrol_staff
from typer.testing import CliRunner

from coopflow_cli.main import app
from governance.db.uow import UnitOfWork
from governance.kernel.rules.staff import StaffRole
from governance.kernel.use_cases import staff as registry

runner = CliRunner()


def test_bootstrap_then_an_administrator_adds_and_enrols_staff(coop_env, tmp_path) -> None:
    qr = tmp_path / "root.png"
    first = runner.invoke(app, ["staff", "add", "root", "--name", "Root Admin", "--email",
                                "root@smart.coop", "--office", "bruxelles", "--role",
                                "administrator", "--qr-file", str(qr)])
    assert first.exit_code == 0, first.output
    assert "bootstrap" in first.output and "otpauth" not in first.output  # the QR, not the URI
    assert qr.read_bytes().startswith(b"\x89PNG") and (qr.stat().st_mode & 0o777) == 0o600
    secret = first.output.split("type the key: ")[1].split()[0]
    recovery = [line.strip() for line in first.output.splitlines()
                if len(line.strip()) == 11 and line.strip()[5] == "-"]
    assert len(recovery) == 10
    second = runner.invoke(app, ["staff", "add", "eve", "--name", "Eve", "--email",
                                 "eve@smart.coop", "--office", "gent", "--role", "administrator"])
    assert second.exit_code == 2 and "--admin" in second.output  # no second bootstrap

    code = pyotp.TOTP(secret).now()
    added = runner.invoke(app, ["staff", "add", "anna", "--name", "Anna Peeters", "--email",
                                "anna@smart.coop", "--office", "gent", "--role",
                                "contract_approver", "--admin", "root", "--code", code])
    assert added.exit_code == 0, added.output
    replayed = runner.invoke(app, ["staff", "enrol", "anna", "--admin", "root", "--code", code])
    assert replayed.exit_code == 2 and "already used" in replayed.output
    enrolled = runner.invoke(app, ["staff", "enrol", "anna", "--admin", "root",
                                   "--code", recovery[0]])
    assert enrolled.exit_code == 0 and "Recovery codes" in enrolled.output
    listed = runner.invoke(app, ["staff", "list"])
    assert "anna" in listed.output and "enrolled" in listed.output


def test_the_code_is_asked_without_echo_when_not_given(coop_env) -> None:
    phones = enrol_staff({})
    code = phones.code(ADMIN)
    result = runner.invoke(app, ["staff", "add", "bob", "--name", "Bob", "--email",
                                 "bob@smart.coop", "--office", "mons", "--admin", ADMIN],
                           input=f"{code}\n")
    assert result.exit_code == 0, result.output
    assert code not in result.output


def test_the_inbox_of_a_login_lists_only_what_it_may_decide(coop_env) -> None:
    enrol_staff({"anna": (StaffRole.CONTRACT_APPROVER,)})
    with UnitOfWork() as uow:
        for key, process in (("contract:1:r1:approval-1", "contract-approval"),
                             ("share-transfer-approval:t1", "share-transfer")):
            uow.decisions.open(key=key, process=process, subject_type="x",
                                   subject_id=1, question="?", due_in=timedelta(days=1))
        uow.commit()
    mine = runner.invoke(app, ["inbox", "--json", "--staff", "anna"])
    assert [r["key"] for r in json.loads(mine.output)] == ["contract:1:r1:approval-1"]
    every = runner.invoke(app, ["inbox", "--json"])
    assert len(json.loads(every.output)) == 2
    with UnitOfWork() as uow:
        registry.deactivate(uow, "anna", "left", by=ADMIN)
    gone = runner.invoke(app, ["inbox", "--json", "--staff", "anna"])
    assert json.loads(gone.output) == []
