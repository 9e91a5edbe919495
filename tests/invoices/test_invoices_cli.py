"""`coop invoices`: a participants list, a held e-invoice staff see and fix, a contract's status."""

from __future__ import annotations

from contracts_helpers import add_member, client, declaration
from typer.testing import CliRunner

from coopflow_cli.main import app
from governance.contracts.use_cases import contract_checks, contracts
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor

runner = CliRunner()


def _approved(**kw) -> int:  # type: ignore[no-untyped-def]
    with UnitOfWork() as uow:
        declaration_id = contracts.submit_declaration(
            uow, declaration(add_member(), **kw), Actor.system("test")
        )
    with UnitOfWork() as uow:
        contract_checks.check_declarations(uow, [declaration_id])
    return declaration_id


def test_staff_import_participants_see_a_held_invoice_fix_it_and_send_it(
    coop_env, tmp_path, staff_phones
) -> None:  # type: ignore[no-untyped-def]
    french = _approved(
        client=client(
            name="Festival SA",
            email="f@festival.fr",
            enterprise_number=None,
            vat_number="FR40303265045",
            country="FR",
        )
    )
    belgian = _approved()
    listing = tmp_path / "participants.csv"
    listing.write_text(
        "identifier,scheme,endpoint_id\nFR40303265045,9957,FR40303265045\n"
        "0403.019.261,0208,0403019262\nBE0999999999,0208,0999999999\n"
    )
    imported = runner.invoke(app, ["invoices", "peppol-import", str(listing), "--staff", "anna",
                                    "--code", staff_phones.code("anna")])
    assert imported.exit_code == 0, imported.output
    assert "2 client record(s) on Peppol; 1 unknown" in imported.output
    # the French client was approved before the list: its invoice stays a PDF (form decided
    # at approval); the Belgian one has a mistyped endpoint: held, with the rule's id
    issued = runner.invoke(app, ["invoices", "issue"])
    assert issued.exit_code == 0 and "held: 1" in issued.output, issued.output
    held = runner.invoke(app, ["invoices", "held"])
    assert "PEPPOL-COMMON-R043" in held.output and f"contract {belgian}" in held.output
    inbox = runner.invoke(app, ["inbox"])
    assert "einvoice" in inbox.output.lower() or "E-invoice" in inbox.output
    fixed = runner.invoke(app, ["invoices", "peppol-set", "BE0403019261", "--staff", "bob",
                                 "--code", staff_phones.code("bob")])
    assert fixed.exit_code == 0 and "1 client record(s) updated" in fixed.output
    number = held.output.split()[0]
    again = runner.invoke(app, ["invoices", "revalidate", number, "--staff", "pia",
                                  "--code", staff_phones.code("pia")])
    assert again.exit_code == 0 and "1 ready" in again.output, again.output
    sent = runner.invoke(app, ["invoices", "issue"])
    assert "submitted: 1" in sent.output
    assert (coop_env.settings.resolved_peppol_outbox_dir() / f"{number}.xml").exists()
    shown = runner.invoke(app, ["invoices", "show", str(belgian)])
    assert "ubl_with_pdf_copy" in shown.output and "submitted" in shown.output
    assert "pdf" in runner.invoke(app, ["invoices", "show", str(french)]).output
    contract = runner.invoke(app, ["contracts", "show", str(belgian)])
    assert f"Peppol {number}: submitted" in contract.output


def test_a_correction_above_the_invoice_is_refused_with_a_clear_message(coop_env, staff_phones) -> None:  # type: ignore[no-untyped-def]
    declaration_id = _approved()
    refused = runner.invoke(
        app,
        [
            "invoices",
            "correct",
            str(declaration_id),
            "--amount-cents",
            "90000",
            "--reason",
            "more work",
            "--staff",
            "anna",
            "--code",
            staff_phones.code("anna"),
        ],
    )
    assert refused.exit_code == 1 and "declare the extra work" in refused.output
    done = runner.invoke(
        app,
        [
            "invoices",
            "correct",
            str(declaration_id),
            "--amount-cents",
            "40000",
            "--reason",
            "one day less",
            "--staff",
            "bob",
            "--code",
            staff_phones.code("bob"),
        ],
    )
    assert done.exit_code == 0 and "credit note NC" in done.output


def test_a_participant_without_endpoint_or_unknown_is_refused_by_field(coop_env, staff_phones) -> None:  # type: ignore[no-untyped-def]
    _approved()
    bad = runner.invoke(app, ["invoices", "peppol-set", "0403019261", "--staff", "anna",
                              "--scheme", "208", "--code", staff_phones.code("anna")])
    assert bad.exit_code == 1 and "endpoint: a Peppol participant needs its endpoint" in bad.output
    unknown = runner.invoke(app, ["invoices", "peppol-set", "BE0999999999", "--staff", "bob",
                                  "--code", staff_phones.code("bob")])
    typed = runner.invoke(app, ["invoices", "peppol-set", "BE0403019261", "--staff", "pia",
                                "--code", "000000"])
    assert typed.exit_code == 2, typed.output  # a login alone is not proof: refused identity
    assert "the code is wrong or expired" in typed.output
    assert unknown.exit_code == 1 and "no client has the number" in unknown.output
