"""PDF versions of documents rendered on the fast paths (contract batches, transition
invitations), so members and clients receive PDF wherever LibreOffice is installed.

The .docx stays in the archive beside each PDF as the editable source; the index then points
at the PDF, which is what the outbox attaches."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from documents import archive, pdf
from governance.config import Settings
from governance.domain.enums import DocumentFormat
from governance.services.documents import ArchivedDocument


def wanted(settings: Settings) -> bool:
    """PDF when COOP_PDF_OUTPUT is on and LibreOffice is installed."""
    return bool(settings.pdf_output and pdf.available())


def with_pdfs(
    archive_dir: Path, records: list[ArchivedDocument], settings: Settings
) -> list[ArchivedDocument]:
    """The records with a PDF made for each archived .docx (batches of ≤ 200 per soffice
    call, each PDF checked: documents/pdf.py); unchanged when PDF is not wanted."""
    todo = [r for r in records if r.format is DocumentFormat.DOCX]
    if not todo or not wanted(settings):
        return records
    sources = {r.key: archive_dir / r.path for r in todo}
    converted_records: dict[str, ArchivedDocument] = {}
    with tempfile.TemporaryDirectory(prefix="coop-pdf-") as tmp:
        converted = pdf.convert(list(sources.values()), Path(tmp))
        for record in todo:
            source = sources[record.key]
            stored = archive.store(
                archive_dir,
                str(Path(record.path).parent),
                source.with_suffix(".pdf").name,
                converted[source].read_bytes(),
            )
            converted_records[record.key] = dataclasses.replace(
                record,
                format=DocumentFormat.PDF,
                path=stored.relative_path,
                sha256=stored.sha256,
                size_bytes=stored.size_bytes,
            )
    return [converted_records.get(r.key, r) for r in records]
