"""Migration 0013 on a database with invoices numbered the old way: the sequence continues."""

from __future__ import annotations

import sqlite3

from alembic import command

from governance.contracts.rules.einvoice import DocumentKind
from governance.contracts.use_cases import invoicing
from governance.db.migrate import alembic_config, upgrade
from governance.db.uow import UnitOfWork


def test_the_year_sequence_starts_after_the_highest_number_issued_before(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from governance.config import reset_settings
    from governance.db.engine import dispose_engines

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    config = alembic_config(url)
    for revision in ("0004_contracts", "0012_staff_registry"):
        command.upgrade(config, revision)
    with sqlite3.connect(tmp_path / "old.sqlite3") as db:  # invoices of the old numbering
        for number, declaration_id in (("F2026-0000042", 42), ("F2026-0000007", 7), ("F2025-0000090", 90)):
            db.execute(
                "INSERT INTO contract_invoice (declaration_id, client_id, number, issued_on, due_on,"
                " net_cents, vat_regime, vat_rate_bp, vat_cents, total_cents, fee_cents,"
                " paid_cents, status) VALUES (?, 1, ?, '2026-01-05', '2026-02-04', 100, "
                "'standard_21', 2100, 21, 121, 7, 0, 'issued')",
                (declaration_id, number),
            )
    upgrade(url)
    monkeypatch.setenv("COOP_DATABASE_URL", url)
    monkeypatch.setenv("COOP_VAR_DIR", str(tmp_path / "var"))
    reset_settings()
    try:
        with UnitOfWork() as uow:
            assert invoicing.next_number(uow.session, DocumentKind.INVOICE, 2026) == "F2026-0000043"
            assert invoicing.next_number(uow.session, DocumentKind.INVOICE, 2025) == "F2025-0000091"
            assert invoicing.next_number(uow.session, DocumentKind.INVOICE, 2027) == "F2027-0000001"
            assert invoicing.next_number(uow.session, DocumentKind.CREDIT_NOTE, 2026) == "NC2026-0000001"
    finally:
        dispose_engines()
        reset_settings()
