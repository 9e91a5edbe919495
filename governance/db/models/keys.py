"""The key check: values encrypted under the configured key, read at start to prove it is the
right one, and the hashing secrets that must outlive a key rotation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from governance.db.base import Base, UTCDateTime, utcnow


class KeyCheck(Base):
    """One named value encrypted under the encryption key (the canary, the hashing secrets)."""

    __tablename__ = "key_check"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    token: Mapped[str] = mapped_column(Text)
    # which key encrypted `token` (a fingerprint, never the key): named in the refusal message
    key_fingerprint: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True), default=utcnow)
