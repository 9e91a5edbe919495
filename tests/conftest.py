"""Shared fixtures: a fresh migrated database per test (SQLite, or PostgreSQL when
COOP_TEST_DATABASE_URL is set), a real SMTP sink, and a Prefect test harness."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

from browser_kit import axe_script, browser  # noqa: F401 (fixtures of the Chromium tests)

from documents.sink import MailSink
from governance.config import Settings, get_settings, reset_settings
from governance.db.engine import dispose_engines
from governance.db.migrate import upgrade

PG_URL = os.environ.get("COOP_TEST_DATABASE_URL", "")
# PostgreSQL requires COOP_ENCRYPTION_KEY (no key file of one machine's own): one per session
PG_TEST_KEY = Fernet.generate_key().decode() if PG_URL else ""


def _pg_admin(url: str):  # type: ignore[no-untyped-def]
    return create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated once per test session, copied for every test."""
    if PG_URL:
        name = f"coop_tpl_{secrets.token_hex(4)}"
        admin = _pg_admin(PG_URL)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        dispose_engines()
        yield name
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        return
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    dispose_engines()
    yield str(path)


@dataclass
class CoopEnv:
    """Where one test's cooperative lives."""

    settings: Settings
    database_url: str
    root: Path

    @property
    def archive(self) -> Path:
        return self.settings.resolved_archive_dir()


def _set_env(values: dict[str, str]) -> None:
    os.environ.update(values)
    reset_settings()
    dispose_engines()


@pytest.fixture
def coop_env(tmp_path: Path, migrated_template: str,
             monkeypatch: pytest.MonkeyPatch) -> Iterator[CoopEnv]:
    """A fresh, migrated database and empty archive for this test."""
    drop: str | None = None
    if PG_URL:
        drop = f"coop_t_{secrets.token_hex(6)}"
        admin = _pg_admin(PG_URL)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{drop}" TEMPLATE "{migrated_template}"'))
        admin.dispose()
        url = make_url(PG_URL).set(database=drop).render_as_string(hide_password=False)
    else:
        db = tmp_path / "coop.sqlite3"
        shutil.copyfile(migrated_template, db)
        url = f"sqlite:///{db}"
    for key in list(os.environ):
        if key.startswith("COOP_") and key not in ("COOP_TEST_DATABASE_URL", "COOP_CLOCK_NOW"):
            monkeypatch.delenv(key)
    values = {
        "COOP_DATABASE_URL": url,
        "COOP_VAR_DIR": str(tmp_path / "var"),
        "COOP_ARCHIVE_DIR": str(tmp_path / "archive"),
        "COOP_SMTP_PORT": "1",  # nothing listens: a test that mails must start the sink
        "COOP_SMTP_USER": "",
        "COOP_PDF_OUTPUT": "false",  # PDF tests turn it on; DOCX keeps the suite fast
        **({"COOP_ENCRYPTION_KEY": PG_TEST_KEY} if PG_URL else {}),
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    _set_env({})
    yield CoopEnv(get_settings(), url, tmp_path)
    dispose_engines()
    reset_settings()
    if drop:
        admin = _pg_admin(PG_URL)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{drop}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Sink:
    server: MailSink
    directory: Path

    def messages(self) -> list[Path]:
        return sorted(self.directory.glob("*.eml"))

    def parsed(self) -> list:  # type: ignore[type-arg]
        import email
        from email import policy

        return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
                for p in self.messages()]


@pytest.fixture
def mail_sink(coop_env: CoopEnv, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sink]:
    """A real SMTP server on 127.0.0.1 writing .eml files; settings point at it."""
    directory = coop_env.root / "mail"
    with MailSink(directory) as server:
        monkeypatch.setenv("COOP_SMTP_PORT", str(server.port))
        _set_env({})
        coop_env.settings = get_settings()
        yield Sink(server, directory)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server for this test process."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def business_clock(request: pytest.FixtureRequest) -> Iterator[datetime]:
    """The project's clock frozen at the instant the test is parametrized with (see
    tests/business_clock.py); subprocesses started by the test inherit it."""
    from governance.clock import frozen_at

    with frozen_at(request.param) as instant:
        yield instant


@pytest.fixture
def staff_phones(coop_env: CoopEnv):  # type: ignore[no-untyped-def]
    """The usual deciders (anna, bob, ...) registered with every deciding role and enrolled;
    `staff_phones.code("anna")` types anna's current code."""
    from staff_kit import enrol_staff

    return enrol_staff()
