"""Render, convert and archive a batch of documents; the caller indexes what comes back."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from documents import archive, pdf
from documents.render import render_docx, template_version
from governance.config import Settings
from governance.kernel.rules.documents import ArchivedDocument
from governance.kernel.rules.enums import DocumentFormat, Language


@dataclass(frozen=True)
class DocumentRequest:
    """One document to produce; `key` makes producing it twice a no-op."""

    key: str
    template: str
    language: Language
    context: BaseModel
    subject_type: str
    subject_id: str
    member_id: int | None = None
    images: dict[str, bytes] = field(default_factory=dict)


def filename_of(request: DocumentRequest, suffix: str) -> str:
    """The archived file's name: template, subject, a digest of the key, language, suffix."""
    digest = hashlib.sha256(request.key.encode()).hexdigest()[:12]
    return f"{request.template}-{request.subject_id}-{digest}.{request.language}.{suffix}"


def archive_documents(
    requests: list[DocumentRequest], settings: Settings, want_pdf: bool | None = None
) -> list[ArchivedDocument]:
    """Render, convert (when PDF is wanted and possible) and archive these documents; returns
    what the archive index records of each."""
    if not requests:
        return []
    use_pdf = (settings.pdf_output and pdf.available()) if want_pdf is None else want_pdf
    place = archive.Place.of(settings)
    rendered = [(r, render_docx(r.template, r.language, r.context, r.images)) for r in requests]
    records: list[ArchivedDocument] = []
    pdfs: dict[str, bytes] = {}
    if use_pdf:
        with tempfile.TemporaryDirectory(prefix="coop-pdf-") as tmp:
            sources = []
            for request, data in rendered:
                source = Path(tmp) / filename_of(request, "docx")
                source.write_bytes(data)
                sources.append(source)
            converted = pdf.convert(sources, Path(tmp) / "out")
            for (request, _), source in zip(rendered, sources, strict=True):
                pdfs[request.key] = converted[source].read_bytes()
    for request, data in rendered:
        folder = f"{request.subject_type}/{request.subject_id}"
        fmt = DocumentFormat.PDF if request.key in pdfs else DocumentFormat.DOCX
        payload = pdfs.get(request.key, data)
        if fmt is DocumentFormat.PDF:  # keep the editable source beside the PDF
            archive.store(place, folder, filename_of(request, "docx"), data)
        stored = archive.store(
            place,
            folder,
            filename_of(request, fmt.value),
            payload,
            replace=fmt is DocumentFormat.PDF,  # converted again: a new creation date
        )
        records.append(
            ArchivedDocument(
                key=request.key,
                template=request.template,
                template_version=template_version(request.template, request.language),
                language=request.language,
                format=fmt,
                path=stored.relative_path,
                sha256=stored.sha256,
                size_bytes=stored.size_bytes,
                member_id=request.member_id,
                subject_type=request.subject_type,
                subject_id=request.subject_id,
            )
        )
    return records
