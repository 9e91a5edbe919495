"""What one member's transition invitation (document and e-mail) says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from governance.kernel.rules.enums import Language, Office


@dataclass(frozen=True)
class InvitationLetter:
    """What the invitation document and e-mail of one member say."""

    member_id: int
    member_number: str
    name: str
    street: str
    postcode: str
    city: str
    country: str
    language: Language
    office: Office
    email: str | None
    subscription_id: int
    communication: str  # +++ddd/dddd/ddddd+++
    amount_cents: int
    shares: int
    share_class: str
    deadline: date
    document_key: str
    company: bool = False  # greeted "Madame, Monsieur," rather than by name
