"""Encryption of sensitive fields (national numbers) and keyed hashes to find duplicates."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from cryptography.fernet import Fernet, MultiFernet


class FieldCipher:
    """Fernet encryption for one sensitive value (the first key encrypts, every key decrypts);
    a keyed hash for equality searches, under a secret that outlives key rotations."""

    def __init__(
        self, key: bytes, *, old_keys: Sequence[bytes] = (), hash_secret: bytes | None = None
    ) -> None:
        self._fernet = MultiFernet([Fernet(k) for k in (key, *old_keys)])
        secret = key if hash_secret is None else hash_secret
        self._hash_key = hashlib.sha256(b"coopflow-identity-hash:" + secret).digest()

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()

    def keyed_hash(self, value: str) -> str:
        return hmac.new(self._hash_key, value.encode(), hashlib.sha256).hexdigest()
