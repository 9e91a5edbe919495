"""The encryption keys of this database: checked at start, never silently replaced, rotated.

The `key_check` table holds a canary encrypted under the key and the two hashing secrets
(identity hashes of national numbers, ballot codes), themselves encrypted under the key. A process
proves its key by opening the canary before it touches any data; a key that does not open it is
refused, and a new key is never generated for a database that already holds encrypted data.
Because the hashing secrets are stored (not derived from the key), a key rotation keeps every
identity hash and every ballot code of an open assembly valid.
"""

from __future__ import annotations

import hashlib
import secrets
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Connection, Engine, func, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError

from governance.config import InvalidKey, KeyRefused, Settings
from governance.db.engine import get_engine, on_dispose
from governance.db.models import Member
from governance.db.models.assembly import AssemblyVoter
from governance.db.models.keys import KeyCheck
from governance.db.models.onboarding import Application

CANARY = "canary"
IDENTITY_SECRET = "identity-hash-secret"  # noqa: S105 (a row name)
BALLOT_SECRET = "ballot-secret"  # noqa: S105 (a row name)
_CANARY_TEXT = b"coopflow key check"
# every column holding a Fernet token: `coop keys rotate` re-encrypts them all
ENCRYPTED_COLUMNS: tuple[Any, ...] = (Member.national_number_enc, Application.national_number_enc)


class KeyMismatch(KeyRefused):
    """The configured key does not open this database's encrypted data: refuse to start."""


def fingerprint(key: bytes) -> str:
    """A short public name of a key (a hash, never the key), for messages and the key check."""
    return hashlib.sha256(b"coopflow-key-fingerprint:" + key).hexdigest()[:16]


@dataclass(frozen=True)
class Keyring:
    """The current key (encrypts) and former keys (still read during a rotation)."""

    primary: bytes
    old: tuple[bytes, ...] = ()

    def fernet(self) -> MultiFernet:
        return MultiFernet([Fernet(k) for k in (self.primary, *self.old)])

    def names(self) -> str:
        return ", ".join(fingerprint(k) for k in (self.primary, *self.old))


@dataclass(frozen=True)
class KeyMaterial:
    """What a process may use once its key is proven: the keyring and the hashing secrets."""

    keyring: Keyring
    identity_secret: bytes
    ballot_secret: bytes


_CACHE: dict[tuple[str, ...], KeyMaterial] = {}


def key_material(settings: Settings) -> KeyMaterial:
    """The proven keys of the configured database (checked once per process and key).
    Raises KeyMismatch or InvalidKey with a message naming the setting to fix."""
    url = settings.resolved_database_url()
    configured = (
        url,
        settings.encryption_key.get_secret_value() if settings.encryption_key else "",
        settings.encryption_old_keys.get_secret_value() if settings.encryption_old_keys else "",
        str(settings.local_key_file()),
    )
    cached = _CACHE.get(configured)
    if cached is None:
        cached = _load(settings, get_engine(url))
        if cached is not None:
            _CACHE[configured] = cached
        else:  # a schema older than the key check (`coop db upgrade` brings it)
            key = settings.resolved_encryption_key()
            return KeyMaterial(Keyring(key, settings.resolved_old_keys()), key, key)
    return cached


def _load(settings: Settings, engine: Engine) -> KeyMaterial | None:
    if not inspect(engine).has_table(KeyCheck.__tablename__):
        return None
    with engine.connect() as conn:
        canary = conn.scalar(select(KeyCheck.key_fingerprint).where(KeyCheck.name == CANARY))
    key_file = settings.local_key_file()
    if (
        canary is not None
        and settings.encryption_key is None
        and not (settings.local_key_allowed() and key_file.exists())
    ):
        missing = (
            f"neither COOP_ENCRYPTION_KEY nor the key file {key_file} is there"
            if settings.local_key_allowed()
            else "COOP_ENCRYPTION_KEY is not set (required on PostgreSQL and in production)"
        )
        raise KeyMismatch(
            "no encryption key: this database holds data encrypted under the key with "
            f"fingerprint {canary}, and {missing}. Set COOP_ENCRYPTION_KEY to that key; a new "
            "key is never generated for a database that holds encrypted data."
        )
    return _prove(engine, Keyring(settings.resolved_encryption_key(), settings.resolved_old_keys()))


def has_key_check(settings: Settings) -> bool:
    """Whether the database's schema has the key check (`coop db upgrade` adds it)."""
    return inspect(get_engine(settings.resolved_database_url())).has_table(KeyCheck.__tablename__)


def reset_key_cache() -> None:
    _CACHE.clear()


on_dispose(reset_key_cache)  # a disposed engine may come back on a new database at that URL


def _prove(engine: Engine, keyring: Keyring) -> KeyMaterial:
    for _attempt in range(3):
        with engine.connect() as conn:
            rows = {r.name: r for r in conn.execute(select(KeyCheck)).all()}
        if CANARY in rows:
            return _open(keyring, rows)
        try:
            return _first_start(engine, keyring)
        except IntegrityError:
            continue  # another process wrote the key check first: read and prove it
    raise KeyMismatch("the key check could not be written or read; try again")


def _open(keyring: Keyring, rows: dict[str, Any]) -> KeyMaterial:
    fernet = keyring.fernet()
    try:
        if fernet.decrypt(rows[CANARY].token.encode()) != _CANARY_TEXT:
            raise InvalidToken
        identity = fernet.decrypt(rows[IDENTITY_SECRET].token.encode())
        ballot = fernet.decrypt(rows[BALLOT_SECRET].token.encode())
    except InvalidToken:
        raise KeyMismatch(
            "COOP_ENCRYPTION_KEY does not open this database: its data is encrypted under the "
            f"key with fingerprint {rows[CANARY].key_fingerprint}, the configured key(s) are "
            f"{keyring.names()}. Set COOP_ENCRYPTION_KEY to the key of this database (during a "
            "rotation: the new key, and the old one in COOP_ENCRYPTION_OLD_KEYS). Refusing to "
            "start: a new key would make the stored national numbers unreadable and every "
            "ballot code unknown."
        ) from None
    return KeyMaterial(keyring, identity, ballot)


def _first_start(engine: Engine, keyring: Keyring) -> KeyMaterial:
    """No key check yet: a new database, or one encrypted before the check existed (then the
    key must open its data, and the hashing secrets stay the key, as they were derived)."""
    with engine.begin() as conn:
        legacy = _check_existing_data(conn, keyring)
        # secrets of data hashed before the check were the key itself: keep them
        identity = keyring.primary if legacy else urlsafe_b64encode(secrets.token_bytes(32))
        ballot = keyring.primary if legacy else urlsafe_b64encode(secrets.token_bytes(32))
        fernet = Fernet(keyring.primary)
        mark = fingerprint(keyring.primary)
        for name, value in (
            (CANARY, _CANARY_TEXT),
            (IDENTITY_SECRET, identity),
            (BALLOT_SECRET, ballot),
        ):
            conn.execute(
                insert(KeyCheck).values(
                    name=name, token=fernet.encrypt(value).decode(), key_fingerprint=mark
                )
            )
    return KeyMaterial(keyring, identity, ballot)


def _check_existing_data(conn: Connection, keyring: Keyring) -> bool:
    """Whether the database holds hashes or tokens made before the key check; refuses a key
    that does not open the stored tokens."""
    for column in ENCRYPTED_COLUMNS:
        token = conn.scalar(select(column).where(column.is_not(None)).limit(1))
        if token is not None:
            try:
                keyring.fernet().decrypt(token.encode())
            except InvalidToken:
                raise KeyMismatch(
                    "COOP_ENCRYPTION_KEY does not open the national numbers stored in this "
                    f"database (configured key(s): {keyring.names()}). Set it to the key they "
                    "were encrypted with; refusing to start."
                ) from None
            return True
    hashed = conn.scalar(
        select(func.count()).select_from(Member).where(Member.identity_hash.is_not(None))
    )
    voters = conn.scalar(select(func.count()).select_from(AssemblyVoter))
    return bool(hashed or voters)


@dataclass(frozen=True)
class RotationReport:
    reencrypted: int
    already_current: int
    key: str  # fingerprint of the key everything is now encrypted under


def rotate(settings: Settings, *, batch_size: int = 500) -> RotationReport:
    """Re-encrypt every stored token under COOP_ENCRYPTION_KEY, one transaction per batch.
    Resumable: values already under the new key are skipped; the key check goes last."""
    keyring = key_material(settings).keyring
    engine = get_engine(settings.resolved_database_url())
    done = skipped = 0
    for column in ENCRYPTED_COLUMNS:
        last_id = 0
        while True:
            with engine.begin() as conn:
                batch = _batch(conn, column, last_id, batch_size)
                if not batch:
                    break
                changed = _reencrypt(conn, column, batch, keyring)
            done += changed
            skipped += len(batch) - changed
            last_id = batch[-1][0]
    with engine.begin() as conn:
        for row in conn.execute(select(KeyCheck)).all():
            conn.execute(
                update(KeyCheck)
                .where(KeyCheck.name == row.name)
                .values(
                    token=keyring.fernet().rotate(row.token.encode()).decode(),
                    key_fingerprint=fingerprint(keyring.primary),
                )
            )
    return RotationReport(done, skipped, fingerprint(keyring.primary))


def _batch(conn: Connection, column: Any, after: int, size: int) -> list[tuple[int, str]]:
    table = column.class_
    query = (
        select(table.id, column)
        .where(column.is_not(None), table.id > after)
        .order_by(table.id)
        .limit(size)
    )
    return [(row_id, token) for row_id, token in conn.execute(query)]


def _reencrypt(
    conn: Connection, column: Any, batch: list[tuple[int, str]], keyring: Keyring
) -> int:
    current, all_keys = Fernet(keyring.primary), keyring.fernet()
    changed = 0
    for row_id, token in batch:
        try:
            current.decrypt(token.encode())
            continue  # already under the new key (a resumed rotation)
        except InvalidToken:
            pass
        table = column.class_
        conn.execute(
            update(table)
            .where(table.id == row_id, column == token)  # unchanged since read
            .values({column.key: all_keys.rotate(token.encode()).decode()})
        )
        changed += 1
    return changed


def new_key() -> str:
    """A fresh key for COOP_ENCRYPTION_KEY."""
    return Fernet.generate_key().decode()


__all__ = ["InvalidKey", "KeyMismatch", "key_material", "new_key", "rotate"]
