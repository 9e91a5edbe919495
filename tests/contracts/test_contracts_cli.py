"""`coop contracts`: import, decide (four-eyes refused with a clear message), Dimona export file."""

from __future__ import annotations

import csv
import json

from contracts_helpers import add_member, declaration
from sqlalchemy import select
from staff_kit import assert_refusals_record_nothing, assert_replay_refused, deciders
from typer.testing import CliRunner

from coopflow_cli.main import app
from governance.contracts.use_cases import contract_checks, contracts
from governance.db.models import TimelineEvent
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.staff import StaffRole

runner = CliRunner()


def test_import_decide_and_export_dimona(coop_env, tmp_path, staff_phones) -> None:  # type: ignore[no-untyped-def]
    member_id = add_member()
    batch = [declaration(member_id, external_ref="L1", amount_excl_vat_cents=1_100_000, days=20).model_dump(mode="json")]
    source = tmp_path / "batch.json"
    source.write_text(json.dumps(batch))
    result = runner.invoke(app, ["contracts", "import", str(source), "--staff", "anna"])
    assert result.exit_code == 0, result.output
    with UnitOfWork() as uow:
        [declaration_id] = contracts.pending_ids(uow.session)
    with UnitOfWork() as uow:
        contract_checks.check_declarations(uow, [declaration_id])
    ok = runner.invoke(app, ["contracts", "decide", str(declaration_id), "approve", "--staff", "anna",
                                 "--code", staff_phones.code("anna")])
    assert ok.exit_code == 0 and "awaiting_decision" in ok.output
    twice = runner.invoke(app, ["contracts", "decide", str(declaration_id), "approve", "--staff", "anna",
                                 "--code", staff_phones.code("anna")])
    assert twice.exit_code == 1 and "already approved" in twice.output
    done = runner.invoke(app, ["contracts", "decide", str(declaration_id), "approve", "--staff", "bob",
                                 "--code", staff_phones.code("bob")])
    assert done.exit_code == 0 and "approved" in done.output
    out = tmp_path / "dimona.csv"
    export = runner.invoke(app, ["contracts", "dimona-export", "--out", str(out), "--staff", "pia"])
    assert export.exit_code == 0, export.output
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))  # a BOM, for spreadsheets
    assert len(rows) == 1 and rows[0]["declaration_id"] == str(declaration_id) and rows[0]["niss"] == ""
    assert (out.stat().st_mode & 0o777) == 0o600


def test_a_bad_import_line_names_the_field_and_records_nothing(coop_env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "bad.json"
    line = declaration(add_member()).model_dump(mode="json")
    line["work_days"] = []
    source.write_text(json.dumps([line]))
    result = runner.invoke(app, ["contracts", "import", str(source), "--staff", "anna"])
    assert result.exit_code == 1 and "work_days" in result.output
    with UnitOfWork() as uow:
        assert contracts.pending_ids(uow.session) == []


def _checked(member_id: int) -> int:
    with UnitOfWork() as uow:
        declaration_id = contracts.submit_declaration(uow, declaration(member_id), Actor.system("t"))
    with UnitOfWork() as uow:
        return contract_checks.check_declarations(uow, [declaration_id])[0].id


def test_only_a_proven_contract_approver_cancels_a_contract(coop_env) -> None:  # type: ignore[no-untyped-def]
    member_id = add_member()
    first, second = _checked(member_id), _checked(member_id)
    team = deciders(StaffRole.CONTRACT_APPROVER)

    def cancel(declaration_id: int):  # type: ignore[no-untyped-def]
        return lambda login, code: runner.invoke(app, [
            "contracts", "cancel", str(declaration_id), "--staff", login,
            "--reason", "the client postponed the tour", "--code", code])

    def statuses() -> tuple[str, ...]:
        with UnitOfWork() as uow:
            return tuple(contracts.view(uow.session, d).status.value for d in (first, second))

    assert statuses() == ("approved", "approved")
    assert_refusals_record_nothing(cancel(first), team, statuses)
    code = team.phones.code(team.allowed)
    done = cancel(first)(team.allowed, code)
    assert done.exit_code == 0 and "cancelled" in done.output, done.output
    assert statuses() == ("cancelled", "approved")
    assert_replay_refused(cancel(second), team, code, statuses)
    with UnitOfWork() as uow:
        event = uow.session.scalars(select(TimelineEvent).where(
            TimelineEvent.action == "contract_cancelled")).one()
        assert (event.actor_kind, event.actor) == ("staff", team.allowed)
    # the code is asked without echo when --code is left out
    asked = runner.invoke(app, ["contracts", "cancel", str(second), "--staff", team.allowed,
                                "--reason", "the venue burnt down"],
                          input=team.phones.code(team.allowed) + "\n")
    assert asked.exit_code == 0, asked.output
    assert statuses() == ("cancelled", "cancelled")
