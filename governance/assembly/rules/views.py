"""What a general assembly and its voters look like to the documents and pages that show them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from governance.assembly.rules.assembly import AssemblyKind, AssemblyStatus, ResolutionKind
from governance.kernel.rules.enums import Language


@dataclass(frozen=True)
class ResolutionView:
    code: str
    kind: ResolutionKind
    title: dict[str, str]
    text: dict[str, str]
    seats: int | None
    candidates: list[dict[str, Any]]
    board_report: bool


@dataclass(frozen=True)
class AssemblyView:
    id: int
    title: str
    kind: AssemblyKind
    status: AssemblyStatus
    meeting_at: datetime
    place: str
    remote_voting_allowed: bool
    record_date: date
    voting_opens_at: datetime
    voting_closes_at: datetime
    second_meeting: bool
    board_report_document_key: str | None
    convened_at: datetime | None
    resolutions: list[ResolutionView] = field(default_factory=list)
    online_link: str | None = None


@dataclass(frozen=True)
class VoterView:
    voter_id: int
    member_id: int
    member_number: str
    name: str
    street: str
    postcode: str
    city: str
    country: str
    language: Language
    email: str | None
    postal: bool
    shares: int
    weight: int
    prepared: bool
