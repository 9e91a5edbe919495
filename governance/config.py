"""Settings from the environment (prefix COOP_), with safe local defaults."""

from __future__ import annotations

import binascii
import os
import secrets
from base64 import urlsafe_b64decode, urlsafe_b64encode
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from governance.kernel.rules.enums import Language


class SmtpSecurity(StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    SSL = "ssl"


class ArchiveStore(StrEnum):
    LOCAL = "local"
    DATABASE = "database"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Everything that differs between a laptop, CI and production."""

    model_config = SettingsConfigDict(env_prefix="COOP_", env_file=None, extra="ignore")

    environment: Environment = Field(
        Environment.DEVELOPMENT,
        description="production: mass flows and member mail refuse to start while a setting "
        "that reaches members still holds its placeholder (see `coop doctor`)",
    )
    var_dir: Path = Field(Path("var"), description="Local state: database, archive, keys")
    database_url: str = Field("", description="SQLAlchemy URL; default SQLite under var/")
    archive_dir: Path | None = Field(None, description="Where generated documents are archived")
    archive_store: ArchiveStore = Field(
        ArchiveStore.LOCAL,
        description="local: the archive is the folder (one machine); database: every archived "
        "file is also a row of the database every worker reaches, the folder a per-machine cache",
    )
    default_language: Language = Language.FR
    staff_language: Language = Field(
        Language.FR,
        description="The language staff type remarks and reasons in; a letter in another "
        "language prints such text as typed and says which language it is in",
    )
    pdf_output: bool = Field(True, description="PDF via LibreOffice when installed (else DOCX)")
    pdf_converters: int = Field(
        0,
        ge=0,
        le=4,
        description="Long-lived LibreOffice processes converting mass documents to PDF, each "
        "with its own profile under the var dir; 0: one per core, <= 4",
    )
    pdf_archival: bool = Field(
        True, description="Mass PDFs as PDF/A-2b (LibreOffice's SelectPdfVersion=2)"
    )
    pdf_merge_chunk: int = Field(
        150,
        ge=1,
        le=1000,
        description="Mass documents of one template and language merged into one LibreOffice "
        "conversion, then split into one PDF each; 1: one conversion per document",
    )
    pdf_converters_max_mb: int = Field(
        500,
        ge=0,
        description="What the LibreOffice converters may take together, in MiB: a converter "
        "whose measured size (its process group, soffice included, PSS) is over its share (this "
        "divided by COOP_PDF_CONVERTERS) after a conversion is restarted before the next one (its "
        "memory grows with every document it converts, pictures most); 0: no ceiling",
    )
    pdf_recycle_after: int = Field(
        0,
        ge=0,
        description="A LibreOffice converter is also restarted after this many documents; 0: "
        "only by its size (COOP_PDF_CONVERTER_MAX_MB; where the size cannot be measured, "
        "every 500 documents)",
    )
    pdf_render_inline: bool = Field(
        True,
        description="Mass documents that are also converted to PDF are rendered in the flow's "
        "own process, not in render workers: the conversion is the slow part (~50 ms a "
        "document against ~5 ms to render) and the workers' memory goes to the converters",
    )
    render_workers: int = Field(
        0, ge=0, le=64, description="Processes that render documents in bulk; 0: one per core, <= 4"
    )
    io_retry_delays_seconds: list[Annotated[float, Field(ge=0, le=3600)]] = Field(
        [2.0, 10.0, 30.0],
        min_length=1,
        max_length=10,
        description="Waits before each retry of a task that met an I/O error (database, SMTP, "
        "files); one entry per retry. Their sum is the outage a flow rides out, e.g. a "
        "PostgreSQL restart or fail-over. JSON list: COOP_IO_RETRY_DELAYS_SECONDS='[2,10,30]'",
    )

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_security: SmtpSecurity = SmtpSecurity.NONE
    smtp_user: str = Field("", description="Empty: no SMTP login (the local sink)")
    smtp_password: SecretStr = SecretStr("local-sink")
    smtp_timeout_seconds: float = 20.0
    mail_sender: str = "SMart Coop <noreply@smart.coop>"
    staff_mailbox: str = "backoffice@smart.coop"
    office_reply_to: dict[str, str] = Field(
        {},
        description="Reply-To of member mail per office code, JSON: "
        '\'{"bruxelles": "bruxelles@smart.coop", "gent": "gent@smart.coop"}\'; an office '
        "not listed gets <office>@<domain of COOP_MAIL_SENDER>",
    )

    encryption_key: SecretStr | None = Field(
        None,
        description="Fernet key for sensitive fields (32 bytes, URL-safe base64: `coop keys "
        "generate`); unset: a local key file under var/, created once",
    )
    encryption_old_keys: SecretStr | None = Field(
        None,
        description="Comma-separated former keys, still read while `coop keys rotate` "
        "re-encrypts the data under COOP_ENCRYPTION_KEY; remove them once it is done",
    )

    coop_name: str = "SmartCoop SC"
    coop_iban: str = "BE71096123456769"
    coop_bic: str = "GKCCBEBB"
    coop_enterprise_number: str = "0896755397"
    coop_address: str = "Rue Coenraets 72, 1060 Saint-Gilles"
    coop_vat_number: str = Field("", description="Empty: BE + the enterprise number")
    coop_invoice_email: str = Field(
        "", description="Contact e-mail printed on e-invoices (empty: none stated)"
    )
    peppol_outbox_dir: Path | None = Field(
        None,
        description="Folder an access point picks e-invoices up from (each UBL written once, "
        "named by its number; reports come back in its reports/ folder); default var/peppol-outbox",
    )
    peppol_access_point_url: str = Field(
        "", description="Reserved for a provider's access-point API (not used yet: the outbox is)"
    )
    peppol_access_point_token: SecretStr | None = Field(
        None, description="Reserved for a provider's access-point API (not used yet)"
    )
    coop_legal_form: str = Field(
        "sc", description="Legal form code printed on every letter: sc, srl, sa, asbl"
    )
    coop_register_court: str = Field(
        "bruxelles", description="Seat of the enterprise court of the RPM/RPR mention (a code)"
    )
    coop_place: str = Field(
        "bruxelles", description="City of the letters' place line: an office code or a name"
    )
    coop_website: str = Field("", description="Printed on letters when set (CSA art. 2:20)")
    coop_email: str = Field("", description="Printed on letters when set (CSA art. 2:20)")
    signatory_name: str = Field("", description="Who signs the coop's letters (a person)")
    signatory_title: str = Field(
        "managing_director",
        description="Their title: managing_director, chair, director or general_manager "
        "(translated), or a text printed as is",
    )
    bank_accounts: str = Field(
        "",
        description="The coop's other accounts whose camt.053 statements may be imported, "
        "comma separated (COOP_COOP_IBAN is always one)",
    )
    statement_max_bytes: int = Field(
        50_000_000, ge=1_000, description="Largest camt.053 file imported (bytes)"
    )
    ballot_base_url: str = "http://127.0.0.1:8765"
    portal_base_url: str = Field(
        "http://127.0.0.1:8770",
        description="Address of the member portal as members reach it (the links e-mailed to "
        "them start with it); https: the session cookie is sent over HTTPS only",
    )
    trusted_proxies: str = Field(
        "",
        description="Reverse proxies whose X-Forwarded-For the ballot page believes: IP "
        "addresses or networks, comma-separated (e.g. 127.0.0.1 or 10.0.0.0/8). Empty: none, "
        "the connecting address is the client",
    )
    portal_oidc_issuer: str = Field(
        "",
        description="Reserved for the next step, signing in with itsme or the Belgian eID "
        "through OpenID Connect (e.g. the FAS or itsme issuer URL); empty: e-mail links only. "
        "Not read by this release",
    )
    portal_oidc_client_id: str = Field("", description="Reserved (OpenID Connect client id)")
    portal_oidc_client_secret: SecretStr | None = Field(
        None, description="Reserved (OpenID Connect client secret)"
    )
    prefect_ui_url: str = "http://127.0.0.1:4200"
    fan_out_start_within_seconds: float = Field(
        600,
        ge=0,
        description="A part of a mass job that no worker starts within this time (every slot "
        "busy) is cancelled and run by the parent itself; 0: wait for a worker however long",
    )
    lost_run_after_seconds: int = Field(
        300,
        ge=60,
        le=86_400,
        description="A flow run with no heartbeat for this long is marked Crashed (its machine "
        "or process is gone) by the automation `coop up` / `coop deploy` install; keep it "
        "several times PREFECT_FLOWS_HEARTBEAT_FREQUENCY (60 s on workers `coop` starts)",
    )

    def resolved_database_url(self) -> str:
        """The configured URL, or an SQLite file under var/."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'coopflow.sqlite3').as_posix()}"

    def own_bank_accounts(self) -> frozenset[str]:
        """The IBANs whose statements are the cooperative's (compact, upper case)."""
        listed = [self.coop_iban, *self.bank_accounts.split(",")]
        return frozenset(c for c in ("".join(i.split()).upper() for i in listed) if c)

    def resolved_peppol_outbox_dir(self) -> Path:
        return self.peppol_outbox_dir or (self.var_dir / "peppol-outbox")

    def resolved_coop_vat_number(self) -> str:
        return self.coop_vat_number or "BE" + self.coop_enterprise_number

    def reply_to(self, office: str | None) -> str:
        """Where a member's reply goes: their office's mailbox (COOP_OFFICE_REPLY_TO, else
        <office>@<domain of COOP_MAIL_SENDER>); without an office, the staff mailbox."""
        if office:
            if office in self.office_reply_to:
                return self.office_reply_to[office]
            domain = self.mail_sender.rpartition("@")[2].strip(" >")
            if domain:
                return f"{office}@{domain}"
        return self.staff_mailbox

    def resolved_archive_dir(self) -> Path:
        return self.archive_dir or (self.var_dir / "archive")

    def local_key_file(self) -> Path:
        return self.var_dir / "local-encryption.key"

    def resolved_encryption_key(self) -> bytes:
        """The configured key, else the local key file in var/ (created once, never replaced).
        Raises InvalidKey naming the setting or the file when a key is malformed."""
        if self.encryption_key is not None:
            return parse_key(self.encryption_key.get_secret_value(), "COOP_ENCRYPTION_KEY")
        key_file = self.local_key_file()
        if not self.local_key_allowed():
            raise MissingKey(self._missing_key_message(key_file))
        if not key_file.exists():
            _create_key_file(key_file)
        return parse_key(
            key_file.read_bytes().decode("ascii", "replace"), f"the key file {key_file}"
        )

    def local_key_allowed(self) -> bool:
        """Whether a key file under var/ may stand in for COOP_ENCRYPTION_KEY: only in
        development on SQLite, where one machine holds the database. On PostgreSQL (several
        machines share it) or in production each machine would make its own key, so the
        setting is required there, the same value on every machine."""
        return (
            self.environment is Environment.DEVELOPMENT
            and self.resolved_database_url().startswith("sqlite")
        )

    def _missing_key_message(self, key_file: Path) -> str:
        where = (
            "COOP_ENVIRONMENT=production"
            if self.environment is Environment.PRODUCTION
            else "the database is not SQLite (several machines may share it)"
        )
        hint = (
            f" The key file {key_file} exists: if this database was encrypted under it, set "
            "COOP_ENCRYPTION_KEY to its content."
            if key_file.exists()
            else ""
        )
        return (
            f"COOP_ENCRYPTION_KEY is not set and is required here ({where}): refusing to start "
            "rather than make a key of this machine's own, which the other machines would not "
            "share. Generate one with `coop keys generate` and set the same value on every "
            f"machine.{hint}"
        )

    def resolved_old_keys(self) -> tuple[bytes, ...]:
        """The former keys still read during a rotation (COOP_ENCRYPTION_OLD_KEYS)."""
        if self.encryption_old_keys is None:
            return ()
        values = [v for v in self.encryption_old_keys.get_secret_value().split(",") if v.strip()]
        return tuple(
            parse_key(v, f"COOP_ENCRYPTION_OLD_KEYS (key {n})") for n, v in enumerate(values, 1)
        )


class KeyRefused(RuntimeError):
    """The program must not start with these keys; the message says what to set."""


class InvalidKey(KeyRefused, ValueError):
    """A key is missing or malformed; the message names the setting or the file."""


class MissingKey(InvalidKey):
    """COOP_ENCRYPTION_KEY is required (production or a shared database) and not set."""


def parse_key(value: str, where: str) -> bytes:
    """A Fernet key checked for its format (32 bytes in URL-safe base64, 44 characters)."""
    key = value.strip().encode("ascii", "replace")
    try:
        raw = urlsafe_b64decode(key)
    except (binascii.Error, ValueError):
        raw = b""
    if len(key) != 44 or len(raw) != 32:
        raise InvalidKey(
            f"{where} is not a valid encryption key: it must be 32 random bytes in URL-safe "
            f"base64 (44 characters, e.g. the output of `coop keys generate`); it has "
            f"{len(key)} characters"
        )
    return key


def _create_key_file(path: Path) -> None:
    """Write a new key to `path` only if nobody did: the key is written and synced to a private
    temporary file (0600) and linked into place, so a concurrent process either wins the link or
    reads the complete key of the one that did."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(urlsafe_b64encode(secrets.token_bytes(32)))
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temporary, path)  # fails if the file exists: the first writer wins
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings; `reset_settings()` after changing the environment."""
    return Settings()


def reset_settings() -> None:
    get_settings.cache_clear()
