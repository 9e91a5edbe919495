"""The `coop` CLI as staff meet it: a quick --help, readable figures, choices that explain
themselves, an inbox that fits an 80-column terminal."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import timedelta

from rich.console import Console
from typer.testing import CliRunner

from coopflow_cli import ops
from coopflow_cli.main import app
from coopflow_cli.show import brussels, euros, facts
from governance.db.uow import UnitOfWork

runner = CliRunner()
HEAVY = ("prefect", "sqlalchemy", "docxtpl")
# every group module is imported to build the app: these cover the app and a nested command
GROUPS = ["", "grants", "shares review", "documents preview", "doctor"]
PROBE = """
import json, sys
sys.argv = ["coop", *sys.argv[1:], "--help"]
from coopflow_cli.main import app
try:
    app()
except SystemExit as done:
    code = done.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"prefect", "sqlalchemy", "docxtpl"})
print("PROBE " + json.dumps({"code": code, "heavy": heavy}))
"""


def test_help_of_every_command_group_loads_no_prefect_sqlalchemy_or_docxtpl() -> None:
    for group in GROUPS:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, *group.split()],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        line = next(ln for ln in done.stdout.splitlines() if ln.startswith("PROBE "))
        probe = json.loads(line.removeprefix("PROBE "))
        assert probe["code"] in (0, None), (group, done.stderr)
        assert probe["heavy"] == [], f"coop {group} --help imported {probe['heavy'][:5]}"


def test_coop_help_answers_from_a_new_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "coopflow_cli.main", "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0 and "inbox" in done.stdout


def _said(output: str) -> str:
    """The error as one line, without the box rich draws around it."""
    return " ".join(output.replace("│", " ").split())


def test_a_bad_payment_review_decision_lists_the_valid_ones() -> None:
    result = runner.invoke(app, ["shares", "review", "7", "maybe", "--staff", "anna"])
    assert result.exit_code == 2
    assert "'maybe' is not one of 'apply', 'refund'" in _said(result.output)


def test_a_bad_contract_decision_lists_the_valid_ones() -> None:
    result = runner.invoke(app, ["contracts", "decide", "3", "accept", "--staff", "anna"])
    assert result.exit_code == 2
    assert "'approve', 'reject', 'correct'" in _said(result.output)


def test_money_is_shown_in_euros_with_exact_cents() -> None:
    assert euros(123_456_789) == "1,234,567.89 EUR"
    assert (euros(5), euros(-6_000), euros(0)) == ("0.05 EUR", "-60.00 EUR", "0.00 EUR")


def test_a_summary_is_a_table_of_named_figures_not_a_repr() -> None:
    out = Console(width=80, file=io.StringIO(), record=True)
    out.print(
        facts(
            "Assembly 3",
            {"voters": 75_000, "chunks_done": 12, "budget_cents": 150_000, "fraction": 0.5},
        )
    )
    text = out.export_text()
    assert "chunks done" in text and "75,000" in text and "1,500.00 EUR" in text
    assert "50%" in text and "budget_cents" not in text and "(" not in text


def test_mailing_progress_is_printed_as_a_table(coop_env) -> None:
    result = runner.invoke(app, ["assembly", "progress", "1"])
    assert result.exit_code == 0, result.output
    assert "MailingProgress" not in result.output and "chunks done" in result.output


def test_times_are_shown_in_brussels_time() -> None:
    from datetime import UTC, datetime

    assert brussels(datetime(2026, 7, 1, 8, 0, tzinfo=UTC)) == "2026-07-01 10:00"
    assert brussels(datetime(2026, 12, 1, 8, 0, tzinfo=UTC)) == "2026-12-01 09:00"


def test_inbox_fits_80_columns_and_never_splits_a_link(coop_env, monkeypatch) -> None:
    monkeypatch.setenv("COOP_PREFECT_UI_URL", "http://prefect.back-office.smart.coop:4200/")
    from governance.config import reset_settings

    reset_settings()
    run_id = "3f2b9a7c-1d4e-4f6a-9b8c-0123456789ab"
    with UnitOfWork() as uow:
        for n in range(2):
            uow.decisions.open(
                key=f"contract-approval:{n}",
                process="contract-approval",
                subject_type="contract",
                subject_id=n,
                question="## Approve the contract of a member who works for a client abroad, "
                "with a long description that does not fit on one line?",
                due_in=timedelta(days=2 - 3 * n),
                flow_run_id=run_id,
            )
        uow.commit()
    rows = json.loads(runner.invoke(app, ["inbox", "--json"]).output)
    out = Console(width=80, file=io.StringIO(), record=True)
    ops.print_inbox(rows, out)
    lines = out.export_text().splitlines()
    link = f"http://prefect.back-office.smart.coop:4200/runs/flow-run/{run_id}"
    # a link longer than the terminal stays whole on its own line (the terminal wraps it
    # visually, a copy or a click still gets all of it); everything else fits 80 columns
    assert [line.strip() for line in lines if "http" in line] == [link, link]
    assert all(len(line) <= 80 for line in lines if "http" not in line)
    assert "OVERDUE" in "\n".join(lines) and "T" not in rows[0]["waiting_since"][11:]
