"""The statutes load and validate; settings give safe local defaults; secrets stay secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from governance.config import Settings
from governance.contracts.rules.offices import WrongEmploymentLanguage, employment_language
from governance.db.crypto import FieldCipher
from governance.kernel.rules.enums import Language, Office
from governance.statutes import InvalidStatutes, load_statutes


def test_the_repository_statutes_hold_smarts_values() -> None:
    statutes = load_statutes()
    assert statutes.share_class("A").nominal_value_cents == 3000
    assert statutes.voting.basis == "per_member"
    assert statutes.assembly.convocation_days == 15
    assert statutes.resignation_window_months == 6


def test_invalid_statutes_refuse_to_load_with_a_clear_message(tmp_path: Path) -> None:
    bad = tmp_path / "statutes.toml"
    bad.write_text('resignation_window_months = 9\n[[share_classes]]\ncode = "A"\nlabel = "x"\n'
                   "nominal_value_cents = 0\nminimum_shares = 1\n"
                   'allowed_kinds = ["person"]\n[assembly]\nconvocation_days = 10\n')
    with pytest.raises(InvalidStatutes) as error:
        load_statutes(bad)
    message = str(error.value)
    assert "resignation_window_months" in message
    assert "nominal_value_cents" in message
    assert "convocation_days" in message


def test_a_cap_fraction_that_is_not_a_fraction_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "statutes.toml"
    bad.write_text('[[share_classes]]\ncode = "A"\nlabel = "x"\nnominal_value_cents = 3000\n'
                   'minimum_shares = 1\nallowed_kinds = ["person"]\n[voting]\n'
                   'cap_fraction = "one tenth"\n')
    with pytest.raises(InvalidStatutes, match="cap_fraction"):
        load_statutes(bad)


_MINIMAL = ('[[share_classes]]\ncode = "A"\nlabel = "x"\nnominal_value_cents = 3000\n'
            'minimum_shares = 1\nallowed_kinds = ["person"]\n')


def test_the_repository_statutes_set_every_threshold_in_one_file() -> None:
    import tomllib

    from governance.contracts.rules.contracts import ContractSettings
    from governance.statutes import DEFAULT_STATUTES

    written = tomllib.loads(DEFAULT_STATUTES.read_text(encoding="utf-8"))
    assert set(written["contracts"]) == set(ContractSettings.model_fields)
    assert set(written["voting"]["majorities"]) == {"statute_amendment", "object_change"}
    statutes = load_statutes()
    assert statutes.contracts == ContractSettings()  # SMart's values, as before
    assert statutes.contracts.four_eyes_threshold_cents == 1_000_000
    assert (statutes.voting.majorities.statute_amendment,
            statutes.voting.majorities.object_change) == ("3/4", "4/5")


@pytest.mark.parametrize(("key", "value"), [("statute_amendment", "2/3"),
                                            ("object_change", "3/4")])
def test_a_majority_below_the_law_is_refused(tmp_path: Path, key: str, value: str) -> None:
    bad = tmp_path / "statutes.toml"
    bad.write_text(f'{_MINIMAL}[voting.majorities]\n{key} = "{value}"\n')
    with pytest.raises(InvalidStatutes, match=f"{key}.*below the"):
        load_statutes(bad)


def test_contract_thresholds_in_force_are_read_from_the_statutes_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from governance.contracts.rules.declaration_checks import required_approvals
    from governance.statutes import get_statutes

    own = tmp_path / "statutes.toml"
    own.write_text(f"{_MINIMAL}[contracts]\nauto_approval_threshold_cents = 100_000\n"
                   "four_eyes_threshold_cents = 300_000\n")
    monkeypatch.setenv("COOP_STATUTES_FILE", str(own))
    get_statutes.cache_clear()
    try:
        settings = get_statutes().contracts
        assert settings.four_eyes_threshold_cents == 300_000
        assert settings.fee_bp == 650  # not given: the default
        assert required_approvals(400_000, settings) == 2
    finally:
        monkeypatch.delenv("COOP_STATUTES_FILE")
        get_statutes.cache_clear()
    assert get_statutes().contracts.four_eyes_threshold_cents == 1_000_000


def test_contract_thresholds_out_of_order_refuse_to_load(tmp_path: Path) -> None:
    bad = tmp_path / "statutes.toml"
    bad.write_text(f"{_MINIMAL}[contracts]\nauto_approval_threshold_cents = 500_000\n"
                   "four_eyes_threshold_cents = 100_000\n")
    with pytest.raises(InvalidStatutes, match="four-eyes threshold"):
        load_statutes(bad)


def test_settings_default_to_sqlite_under_var_and_generate_a_local_key(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path)
    assert settings.resolved_database_url() == f"sqlite:///{tmp_path}/coopflow.sqlite3"
    key = settings.resolved_encryption_key()
    assert Settings(var_dir=tmp_path).resolved_encryption_key() == key  # kept, not regenerated
    assert (tmp_path / "local-encryption.key").stat().st_mode & 0o077 == 0
    assert "local-sink" not in repr(settings)  # the SMTP password is a SecretStr


def test_national_numbers_are_encrypted_and_hashed_with_a_key() -> None:
    from cryptography.fernet import Fernet

    cipher = FieldCipher(Fernet.generate_key())
    token = cipher.encrypt("85073003328")
    assert "85073003328" not in token and cipher.decrypt(token) == "85073003328"
    other = FieldCipher(Fernet.generate_key())
    assert cipher.keyed_hash("85073003328") != other.keyed_hash("85073003328")


@pytest.mark.parametrize(("office", "worker", "expected"), [
    (Office.GENT, Language.FR, Language.NL),
    (Office.LIEGE, Language.NL, Language.FR),
    (Office.EUPEN, Language.FR, Language.DE),
    (Office.BRUXELLES, Language.NL, Language.NL),
    (Office.BRUXELLES, Language.FR, Language.FR),
])
def test_the_office_decides_the_language_of_employment(office: Office, worker: Language,
                                                        expected: Language) -> None:
    assert employment_language(office, worker) is expected


def test_brussels_refuses_a_language_other_than_french_or_dutch() -> None:
    with pytest.raises(WrongEmploymentLanguage, match="French or Dutch"):
        employment_language(Office.BRUXELLES, Language.DE)


def test_task_retry_delays_come_from_the_environment_and_are_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pydantic import ValidationError

    from tasks.common import io_retries, retry_on_io_error

    assert Settings().io_retry_delays_seconds == [2.0, 10.0, 30.0]
    monkeypatch.setenv("COOP_IO_RETRY_DELAYS_SECONDS", "[5, 30, 60, 120]")
    delays = Settings().io_retry_delays_seconds
    options = io_retries(delays)
    assert options["retries"] == 4 and options["retry_delay_seconds"] == [5.0, 30.0, 60.0, 120.0]
    assert options["retry_condition_fn"] is retry_on_io_error
    monkeypatch.setenv("COOP_IO_RETRY_DELAYS_SECONDS", "[-1]")
    with pytest.raises(ValidationError, match="io_retry_delays_seconds"):
        Settings()
