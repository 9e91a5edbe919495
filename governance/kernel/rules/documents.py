"""A generated document as the archive index records it."""

from __future__ import annotations

from dataclasses import dataclass

from governance.kernel.rules.enums import DocumentFormat, Language


@dataclass(frozen=True)
class ArchivedDocument:
    key: str
    template: str
    template_version: str
    language: Language
    format: DocumentFormat
    path: str
    sha256: str
    size_bytes: int
    member_id: int | None
    subject_type: str
    subject_id: str
