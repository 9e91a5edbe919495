"""All tables; importing this package registers every model on `Base.metadata`."""

from governance.db.base import Base
from governance.db.models import archive as archive  # registers the archived files
from governance.db.models import assembly as assembly  # registers the GA tables
from governance.db.models import contracts as contracts
from governance.db.models import grants as grants
from governance.db.models import invoices as invoices  # registers the invoicing tables
from governance.db.models import keys as keys  # registers the key check
from governance.db.models import onboarding as onboarding
from governance.db.models import portal as portal  # registers the member portal's access
from governance.db.models import staff as staff  # registers the staff registry
from governance.db.models import voting as voting  # registers the ballot tables
from governance.db.models.core import (
    DecisionRequest,
    Document,
    Member,
    OutboxMessage,
    TimelineEvent,
)
from governance.db.models.register import (
    BankStatement,
    RegisterEntry,
    RegisterHead,
    Resignation,
    ShareHolding,
    SharePayment,
    ShareRefund,
    ShareSubscription,
)
from governance.db.models.transition import TransitionCampaign, TransitionInvitee

__all__ = [
    "BankStatement",
    "Base",
    "DecisionRequest",
    "Document",
    "Member",
    "OutboxMessage",
    "RegisterEntry",
    "RegisterHead",
    "Resignation",
    "ShareHolding",
    "SharePayment",
    "ShareRefund",
    "ShareSubscription",
    "TimelineEvent",
    "TransitionCampaign",
    "TransitionInvitee",
]
