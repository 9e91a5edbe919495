"""All tables; importing this package registers every model on `Base.metadata`."""

from governance.db.base import Base
from governance.db.models.core import (
    DecisionRequest,
    Document,
    Member,
    OutboxMessage,
    TimelineEvent,
)
from governance.db.models import grants as grants  # noqa: E402  (registers the grant tables)

__all__ = ["Base", "DecisionRequest", "Document", "Member", "OutboxMessage", "TimelineEvent"]
