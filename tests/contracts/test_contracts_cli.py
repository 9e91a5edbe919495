"""`coop contracts`: import, decide (four-eyes refused with a clear message), Dimona export file."""

from __future__ import annotations

import csv
import json

from contracts_helpers import add_member, declaration
from typer.testing import CliRunner

from coopflow_cli.main import app
from governance.db.uow import UnitOfWork
from governance.services import contracts

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
        contracts.check_declarations(uow, [declaration_id])
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
