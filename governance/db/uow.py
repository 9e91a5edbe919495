"""Unit of work: one session, one transaction, committed once by the caller's service."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session

from governance.config import Settings, get_settings
from governance.db.crypto import FieldCipher
from governance.db.engine import session_factory
from governance.db.keys import key_material
from governance.db.repositories.decisions import DecisionRepository
from governance.db.repositories.outbox import OutboxRepository
from governance.db.repositories.timeline import TimelineRepository


class UnitOfWork:
    """`with UnitOfWork() as uow: ...; uow.commit()` — anything not committed is rolled back."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self._factory = session_factory(self.settings.resolved_database_url())
        self._session: Session | None = None
        self._cipher: FieldCipher | None = None
        self._outbox: OutboxRepository | None = None
        self._timeline: TimelineRepository | None = None
        self._decisions: DecisionRepository | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its `with` block")
        return self._session

    @property
    def cipher(self) -> FieldCipher:
        if self._cipher is None:
            material = key_material(self.settings)
            self._cipher = FieldCipher(
                material.keyring.primary,
                old_keys=material.keyring.old,
                hash_secret=material.identity_secret,
            )
        return self._cipher

    @property
    def outbox(self) -> OutboxRepository:
        """The outbox repository on this unit of work's session."""
        if self._outbox is None:
            self._outbox = OutboxRepository(self.session)
        return self._outbox

    @property
    def timeline(self) -> TimelineRepository:
        """The members' timeline, in this unit of work's transaction."""
        if self._timeline is None:
            self._timeline = TimelineRepository(self.session)
        return self._timeline

    @property
    def decisions(self) -> DecisionRepository:
        """Staff decision requests (human tasks), in this unit of work's transaction."""
        if self._decisions is None:
            self._decisions = DecisionRepository(self.session)
        return self._decisions

    def __enter__(self) -> UnitOfWork:
        key_material(self.settings)  # refuses to go on with a key that does not open the data
        self._session = self._factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        self._session.rollback()
        self._session.close()
        self._session = None
        self._outbox = None
        self._timeline = None
        self._decisions = None

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
