"""Mass documents in worker processes: the one bulk engine (`documents.bulk_render`), archived
where they are rendered.

    template = bulk_template("invoice", "fr")
    data = template.render(context_model)   # .docx bytes, the same text as docxtpl's

`render_many` spreads chunks over worker processes (each loads its templates once) and archives
the files there, so only paths and hashes travel back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from documents import archive, workers
from documents.bulk_render import bulk_template
from documents.produce import DocumentRequest, filename_of
from governance.config import Settings
from governance.kernel.rules.documents import ArchivedDocument
from governance.kernel.rules.enums import DocumentFormat

# --------------------------------------------------------------------------- worker processes


@dataclass(frozen=True)
class BulkJob:
    """One document to render and archive in a worker process."""

    key: str
    template: str
    language: str
    context: BaseModel
    folder: str
    filename: str


@dataclass(frozen=True)
class BulkOutput:
    key: str
    template: str
    language: str
    template_version: str
    path: str
    sha256: str
    size_bytes: int


def render_and_archive(jobs: list[BulkJob], place: archive.Place) -> list[BulkOutput]:
    """Render and store a chunk (runs in a worker process or inline)."""
    out = []
    for job in jobs:
        template = bulk_template(job.template, job.language)
        stored = archive.store(place, job.folder, job.filename, template.render(job.context))
        out.append(
            BulkOutput(
                job.key,
                job.template,
                job.language,
                template.version,
                stored.relative_path,
                stored.sha256,
                stored.size_bytes,
            )
        )
    return out


def render_many(
    jobs: list[BulkJob], archive_dir: Path | archive.Place, chunk: int = 100, parallel: bool = True
) -> list[BulkOutput]:
    """Render and archive `jobs` over the worker pool (or inline); results in job order."""
    if not jobs:
        return []
    place = archive.place_of(archive_dir)
    if not parallel:
        return render_and_archive(jobs, place)
    pool = workers.pool()
    futures = [
        pool.submit(render_and_archive, jobs[i : i + chunk], place)
        for i in range(0, len(jobs), chunk)
    ]
    return [output for future in futures for output in future.result()]


def printed_key(context: BaseModel) -> str:
    """The personal text a contract document's PDF must show: the invoice number, the member
    number or the job reference (the first the context has)."""
    for name in ("invoice_number", "member_number"):
        value = getattr(context, name, None)
        if isinstance(value, str) and value:
            return value
    job = getattr(context, "job", None)
    return str(getattr(job, "reference", "") or "")


@dataclass(frozen=True)
class FastBatch:
    records: list[ArchivedDocument]  # what the archive index records, in request order
    not_pdf: dict[str, str]  # archived .docx path -> why it has no checked PDF


def archive_fast(
    requests: list[DocumentRequest],
    settings: Settings,
    parallel: bool = True,
    want_pdf: bool | None = None,
) -> FastBatch:
    """The fast path: render and archive over the worker pool, with PDFs through the converter
    pool when COOP_PDF_OUTPUT is on and LibreOffice is installed (the .docx archived beside
    each, the source of record); the caller indexes the records."""
    from documents import mass_pdf

    if not requests:
        return FastBatch([], {})
    jobs = [
        BulkJob(
            r.key,
            r.template,
            str(r.language),
            r.context,
            f"{r.subject_type}/{r.subject_id}",
            filename_of(r, "docx"),
        )
        for r in requests
    ]
    place = archive.Place.of(settings)
    outputs = render_many(jobs, place, parallel=parallel)
    converted = mass_pdf.MassPdfResult()
    if mass_pdf.wanted(settings) if want_pdf is None else want_pdf:
        converted = mass_pdf.convert_archived(
            place,
            [
                mass_pdf.ToConvert(o.path, printed_key(r.context))
                for r, o in zip(requests, outputs, strict=True)
            ],
        )
    records = []
    for r, o in zip(requests, outputs, strict=True):
        pdf = converted.pdfs.get(o.path)
        records.append(
            ArchivedDocument(
                key=o.key,
                template=o.template,
                template_version=o.template_version,
                language=r.language,
                format=DocumentFormat.DOCX if pdf is None else DocumentFormat.PDF,
                path=o.path if pdf is None else pdf.relative_path,
                sha256=o.sha256 if pdf is None else pdf.sha256,
                size_bytes=o.size_bytes if pdf is None else pdf.size_bytes,
                member_id=r.member_id,
                subject_type=r.subject_type,
                subject_id=r.subject_id,
            )
        )
    return FastBatch(records, converted.failed)
