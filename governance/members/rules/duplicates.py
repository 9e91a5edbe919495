"""Possible duplicates of an applicant: someone the cooperative already knows.

Pure: what the database knows of other people comes in as plain facts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from governance.members.rules.onboarding import ReviewReason


def comparable_name(first: str | None, last: str | None) -> str:
    """Names compared without accents, case, hyphens, apostrophes or extra spaces."""
    text = unicodedata.normalize("NFKD", f"{first or ''} {last or ''}")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[-'’.]", " ", text).split())


@dataclass(frozen=True)
class KnownPerson:
    """Someone the cooperative already knows (a member or another open application)."""

    record_type: str  # "member" | "application"
    record_id: int
    identity_hash: str | None
    email: str | None
    first_name: str | None
    last_name: str | None
    birth_date: date | None


@dataclass(frozen=True)
class PossibleDuplicate:
    reason: ReviewReason
    record_type: str
    record_id: int


def possible_duplicates(
    identity_hash: str | None,
    email: str,
    first_name: str | None,
    last_name: str | None,
    birth_date: date | None,
    known: list[KnownPerson],
) -> list[PossibleDuplicate]:
    """Same identity hash, same e-mail (case-insensitive), or same name and birth date."""
    found: list[PossibleDuplicate] = []
    name = comparable_name(first_name, last_name)
    for other in known:
        if identity_hash and other.identity_hash == identity_hash:
            found.append(
                PossibleDuplicate(ReviewReason.SAME_IDENTITY, other.record_type, other.record_id)
            )
        if other.email and other.email.casefold() == email.casefold():
            found.append(
                PossibleDuplicate(ReviewReason.SAME_EMAIL, other.record_type, other.record_id)
            )
        if (
            birth_date is not None
            and other.birth_date == birth_date
            and name
            and comparable_name(other.first_name, other.last_name) == name
        ):
            found.append(
                PossibleDuplicate(
                    ReviewReason.SAME_NAME_AND_BIRTH_DATE, other.record_type, other.record_id
                )
            )
    return found
