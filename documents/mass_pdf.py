"""PDF versions of archived mass documents (ballots, invitations, contracts) through the engine.

The archived .docx stays the source of record; its PDF is archived beside it (same folder,
same name, `.pdf`) and is what the index points to, so e-mails attach the PDF. A document the
engine could not convert or whose PDF failed its check keeps its .docx, and is logged and
counted: the run's result says how many, nothing stays .docx without notice.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from documents import archive, pdf_pool, process_memory
from documents.archive import ArchivedFile
from documents.pdf_pool import PdfJob
from governance.config import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ToConvert:
    """An archived .docx (path relative to the archive) and the text its PDF must contain."""

    docx_path: str
    expect: str = ""


@dataclass
class MassPdfResult:
    pdfs: dict[str, ArchivedFile] = field(default_factory=dict)  # docx path -> archived PDF
    failed: dict[str, str] = field(default_factory=dict)  # docx path -> why

    @property
    def not_converted(self) -> int:
        return len(self.failed)


def wanted(settings: Settings) -> bool:
    """PDFs are made when COOP_PDF_OUTPUT is on and LibreOffice (with UNO) is installed."""
    return settings.pdf_output and pdf_pool.engine_available()


def convert_archived(
    archive_dir: Path | archive.Place, items: Sequence[ToConvert]
) -> MassPdfResult:
    """Convert archived .docx files with the process's converter pool (documents of one
    template and language merged into one conversion, then split); archive each checked PDF
    beside its source."""
    result = MassPdfResult()
    if not items:
        return result
    place = archive.place_of(archive_dir)
    with tempfile.TemporaryDirectory(prefix="coop-mass-pdf-") as tmp:
        jobs = [
            PdfJob(archive.local_path(place, item.docx_path), Path(tmp) / f"{n}.pdf", item.expect)
            for n, item in enumerate(items)
        ]
        outcomes = pdf_pool.shared_pool().convert_merged(jobs)
        for item, outcome in zip(items, outcomes, strict=True):
            if not outcome.ok:
                result.failed[item.docx_path] = outcome.error
                continue
            docx = Path(item.docx_path)
            result.pdfs[item.docx_path] = archive.store(
                place,
                str(docx.parent),
                docx.with_suffix(".pdf").name,
                outcome.job.target.read_bytes(),
                replace=True,  # converted again after an interruption: a new creation date
            )
    process_memory.give_back_free_memory()  # what merging and splitting freed, to the system
    if result.failed:
        log.warning(
            "%d document(s) stay .docx, LibreOffice could not make a checked PDF: %s",
            result.not_converted,
            "; ".join(f"{path}: {why}" for path, why in sorted(result.failed.items())[:20]),
        )
    return result
