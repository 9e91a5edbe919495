"""PDF versions of documents rendered on the fast paths (contract batches, transition
invitations), so members and clients receive PDF wherever LibreOffice is installed.

The .docx stays in the archive beside each PDF as the editable source; the index then points
at the PDF, which is what the outbox attaches."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from documents import archive, pdf, workers
from governance.config import Settings
from governance.domain.enums import DocumentFormat
from governance.services.documents import ArchivedDocument


def wanted(settings: Settings) -> bool:
    """PDF when COOP_PDF_OUTPUT is on and LibreOffice is installed."""
    return bool(settings.pdf_output and pdf.available())


def with_pdfs(
    archive_dir: Path, records: list[ArchivedDocument], settings: Settings
) -> list[ArchivedDocument]:
    """The records with a PDF made for each archived .docx; unchanged when PDF is not wanted.
    Many documents are converted over the render workers (each slice by batch calls of ≤ 200
    files with its own LibreOffice profile, every PDF checked: documents/pdf.py)."""
    todo = [r for r in records if r.format is DocumentFormat.DOCX]
    if not todo or not wanted(settings):
        return records
    converted = workers.map_slices(
        convert_slice, archive_dir, todo, inline_below=pdf.BULK_THRESHOLD
    )
    by_key = {r.key: r for r in converted}
    return [by_key.get(r.key, r) for r in records]


def convert_slice(archive_dir: str, records: list[ArchivedDocument]) -> list[ArchivedDocument]:
    """In a worker (or inline): convert a slice, archive each PDF beside its .docx."""
    root = Path(archive_dir)
    sources = {r.key: root / r.path for r in records}
    out = []
    with tempfile.TemporaryDirectory(prefix="coop-pdf-") as tmp:
        converted = pdf.convert(list(sources.values()), Path(tmp))
        for record in records:
            source = sources[record.key]
            stored = archive.store(
                root,
                str(Path(record.path).parent),
                source.with_suffix(".pdf").name,
                converted[source].read_bytes(),
            )
            out.append(
                dataclasses.replace(
                    record,
                    format=DocumentFormat.PDF,
                    path=stored.relative_path,
                    sha256=stored.sha256,
                    size_bytes=stored.size_bytes,
                )
            )
    return out
