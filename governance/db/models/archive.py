"""The archived files themselves, when the archive lives in the database (COOP_ARCHIVE_STORE=
database): every worker on every machine reads them; the archive folder is then a cache."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from governance.clock import utcnow
from governance.db.base import Base, UTCDateTime


class ArchivedFile(Base):
    """One archived file, by its path in the archive; written once, never changed."""

    __tablename__ = "archived_file"

    relative_path: Mapped[str] = mapped_column(String(400), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True), default=utcnow)
