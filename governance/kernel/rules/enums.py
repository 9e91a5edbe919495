"""Closed lists of the cooperative: languages, offices, member kinds and states."""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    FR = "fr"
    NL = "nl"
    DE = "de"
    EN = "en"


class Office(StrEnum):
    """The eleven Belgian offices (exploitation seats); they decide the language of employment."""

    ANTWERPEN = "antwerpen"
    BRUXELLES = "bruxelles"
    CHARLEROI = "charleroi"
    KORTRIJK = "kortrijk"
    EUPEN = "eupen"
    GENT = "gent"
    GENK = "genk"
    LIEGE = "liege"
    MONS = "mons"
    NAMUR = "namur"
    TOURNAI = "tournai"


class MemberKind(StrEnum):
    PERSON = "person"
    COMPANY = "company"


class MemberStatus(StrEnum):
    APPLICANT = "applicant"
    ACTIVE = "active"
    RESTRICTED = "restricted"
    RESIGNED = "resigned"
    EXCLUDED = "excluded"
    DECEASED = "deceased"
    ERASED = "erased"


class ActorKind(StrEnum):
    STAFF = "staff"
    SYSTEM = "system"
    MEMBER = "member"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    BOUNCED = "bounced"
    FAILED = "failed"


class DimonaStatus(StrEnum):
    """The Dimona IN payroll submits from the export."""

    TO_DECLARE = "to_declare"
    EXPORTED = "exported"
    CANCELLED = "cancelled"


class DecisionStatus(StrEnum):
    """A staff decision a process waits for (a human task)."""

    OPEN = "open"
    DECIDED = "decided"
    CANCELLED = "cancelled"


class DocumentFormat(StrEnum):
    DOCX = "docx"
    PDF = "pdf"
    CSV = "csv"  # address lists for the print shop
