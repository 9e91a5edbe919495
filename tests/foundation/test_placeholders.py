"""Production never mails a member a placeholder: the example IBAN, a local ballot address,
the default identity, a letter without a named signatory. `coop doctor` names each variable."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from coopflow_cli.main import app
from governance.config import Settings, get_settings, reset_settings
from governance.db.models import OutboxMessage
from governance.db.uow import UnitOfWork
from governance.kernel.rules.enums import Language
from governance.kernel.use_cases import outbox
from governance.placeholders import PlaceholderSettings, placeholders, require_ready
from tasks.mail import deliver_pending, deliver_prefix

REAL = {
    "COOP_COOP_IBAN": "BE68539007547034",
    "COOP_COOP_BIC": "GKCCBEBB",
    "COOP_BALLOT_BASE_URL": "https://vote.smartbe.be",
    "COOP_PORTAL_BASE_URL": "https://my.smartbe.be",
    "COOP_COOP_NAME": "Smart SC",
    "COOP_COOP_ADDRESS": "Rue Coenraets 72, 1060 Saint-Gilles",
    "COOP_COOP_ENTERPRISE_NUMBER": "0896755397",
    "COOP_MAIL_SENDER": "Smart <noreply@smartbe.be>",
    "COOP_STAFF_MAILBOX": "info@smartbe.be",
    "COOP_SIGNATORY_NAME": "Anne Dupont",
}


def _variables(settings: Settings) -> set[str]:
    return {p.variable for p in placeholders(settings)}


def test_the_local_defaults_are_all_named_with_their_variable(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for key in REAL:
        monkeypatch.delenv(key, raising=False)
    assert _variables(Settings()) == set(REAL)


def test_set_values_clear_the_list_and_a_local_ballot_address_stays_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for key, value in REAL.items():
        monkeypatch.setenv(key, value)
    assert _variables(Settings()) == set()
    for url in ("http://localhost:8765", "http://127.0.0.2:80", "http://[::1]:8765"):
        monkeypatch.setenv("COOP_BALLOT_BASE_URL", url)
        assert _variables(Settings()) == {"COOP_BALLOT_BASE_URL"}, url
    monkeypatch.setenv("COOP_COOP_IBAN", "BE71 0961 2345 6769")  # the example, spaced
    assert "COOP_COOP_IBAN" in _variables(Settings())


def test_development_goes_on_and_production_refuses_naming_the_settings(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("COOP_SIGNATORY_NAME", raising=False)
    require_ready(Settings(), "send member mail")  # development: the placeholders are fine
    monkeypatch.setenv("COOP_ENVIRONMENT", "production")
    with pytest.raises(PlaceholderSettings) as refused:
        require_ready(Settings(), "send member mail")
    assert "COOP_COOP_IBAN" in str(refused.value)
    assert "COOP_SIGNATORY_NAME" in str(refused.value)
    assert "send member mail" in str(refused.value)


def _queue() -> None:
    with UnitOfWork() as uow:
        outbox.enqueue(uow.session, key="p:1", to="a@example.org", template="welcome",
                       language=Language.FR, context={"name": "A", "member_number": "M1"})
        uow.commit()


def _statuses() -> list[str]:
    with UnitOfWork() as uow:
        return [str(m.status) for m in uow.session.query(OutboxMessage).all()]


def test_production_mail_refuses_to_start_and_sends_nothing(coop_env, mail_sink, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _queue()
    # production takes the key from COOP_ENCRYPTION_KEY only (never a key file of its own)
    monkeypatch.setenv("COOP_ENCRYPTION_KEY", get_settings().resolved_encryption_key().decode())
    monkeypatch.setenv("COOP_ENVIRONMENT", "production")
    reset_settings()
    with pytest.raises(PlaceholderSettings, match="COOP_BALLOT_BASE_URL"):
        deliver_pending()
    with pytest.raises(PlaceholderSettings, match="COOP_COOP_IBAN"):
        deliver_prefix("p:")
    assert _statuses() == ["pending"] and mail_sink.messages() == []
    for key, value in REAL.items():
        monkeypatch.setenv(key, value)
    reset_settings()
    assert deliver_pending().sent == 1
    (mail,) = mail_sink.parsed()
    assert "Smart SC" in mail.get_body(("plain",)).get_content()


def test_a_mass_flow_refuses_before_its_first_step(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from flows.contract_batch import BatchParameters, contract_batch

    monkeypatch.setenv("COOP_ENVIRONMENT", "production")
    reset_settings()
    try:
        with pytest.raises(PlaceholderSettings, match="produce and mail a batch of contracts"):
            contract_batch.fn(BatchParameters())
    finally:
        reset_settings()


def test_coop_doctor_names_each_variable_and_fails_in_production(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    monkeypatch.setenv("COLUMNS", "200")
    reset_settings()
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "COOP_COOP_IBAN" in result.output and "COOP_SIGNATORY_NAME" in result.output
    monkeypatch.setenv("COOP_ENVIRONMENT", "production")
    reset_settings()
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1 and "Production refuses" in result.output
    for key, value in REAL.items():
        monkeypatch.setenv(key, value)
    reset_settings()
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 0 and "No placeholder" in result.output
    reset_settings()
