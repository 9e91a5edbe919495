"""COOP_ENCRYPTION_KEY is required wherever several machines could make keys of their own:
on PostgreSQL and in production. A key file under var/ stands in for it only in development on
SQLite (`make demo`, `make test`), and a database holding data is never given a new key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from governance.config import Environment, MissingKey, Settings, reset_settings
from governance.db import keys
from governance.db.uow import UnitOfWork

PG = "postgresql+psycopg://coop@db.example.org/coop"


def test_development_on_sqlite_makes_and_keeps_a_local_key(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path)
    assert settings.local_key_allowed()
    assert settings.resolved_encryption_key() == Settings(var_dir=tmp_path).resolved_encryption_key()


@pytest.mark.parametrize(
    ("environment", "url", "names"),
    [
        (Environment.PRODUCTION, "", "COOP_ENVIRONMENT=production"),
        (Environment.DEVELOPMENT, PG, "the database is not SQLite"),
        (Environment.PRODUCTION, PG, "COOP_ENVIRONMENT=production"),
    ],
)
def test_production_or_postgresql_refuse_to_start_without_the_key(
    tmp_path: Path, environment: Environment, url: str, names: str
) -> None:
    settings = Settings(var_dir=tmp_path, environment=environment, database_url=url)
    assert not settings.local_key_allowed()
    with pytest.raises(MissingKey, match="COOP_ENCRYPTION_KEY is not set and is required") as no:
        settings.resolved_encryption_key()
    assert names in str(no.value) and "coop keys generate" in str(no.value)
    assert not settings.local_key_file().exists()  # no key of this machine's own
    key = Fernet.generate_key().decode()
    configured = Settings(var_dir=tmp_path, environment=environment, database_url=url,
                          encryption_key=key)
    assert configured.resolved_encryption_key() == key.encode()


def test_a_key_file_left_from_development_is_named_but_not_used_in_production(
    tmp_path: Path,
) -> None:
    Settings(var_dir=tmp_path).resolved_encryption_key()  # development made one
    production = Settings(var_dir=tmp_path, environment=Environment.PRODUCTION)
    with pytest.raises(MissingKey, match=r"The key file .*local-encryption\.key exists"):
        production.resolved_encryption_key()


def test_a_second_machine_without_the_key_is_refused_by_the_database(
    coop_env, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    with UnitOfWork():  # the first machine proves its key: the key check is written
        pass
    monkeypatch.setenv("COOP_ENVIRONMENT", "production")
    monkeypatch.delenv("COOP_ENCRYPTION_KEY", raising=False)
    reset_settings()
    keys.reset_key_cache()  # as a process on another machine
    with pytest.raises(keys.KeyMismatch, match="COOP_ENCRYPTION_KEY is not set"):
        UnitOfWork().__enter__()
    monkeypatch.setenv("COOP_ENCRYPTION_KEY", Fernet.generate_key().decode())  # its own key
    reset_settings()
    keys.reset_key_cache()
    with pytest.raises(keys.KeyMismatch, match="does not open this database"):
        UnitOfWork().__enter__()


def test_coop_up_refuses_to_start_without_the_key_in_production(coop_env) -> None:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if k != "COOP_ENCRYPTION_KEY"}
    env["COOP_ENVIRONMENT"] = "production"
    coop = str(Path(sys.executable).with_name("coop"))
    result = subprocess.run([coop, "up", "--port", "0"], capture_output=True, text=True,
                            env=env, timeout=120, cwd=coop_env.root)
    said = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    assert "COOP_ENCRYPTION_KEY is not set" in said and "Traceback" not in said
