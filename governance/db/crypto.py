"""Encryption of sensitive fields (national numbers) and keyed hashes to find duplicates."""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet


class FieldCipher:
    """Fernet encryption for one sensitive value; a keyed hash for equality searches."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)
        self._hash_key = hashlib.sha256(b"coopflow-identity-hash:" + key).digest()

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()

    def keyed_hash(self, value: str) -> str:
        return hmac.new(self._hash_key, value.encode(), hashlib.sha256).hexdigest()
