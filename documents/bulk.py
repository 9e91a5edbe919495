"""Fast bulk rendering of .docx templates: the same text as `render.render_docx`, ~100× cheaper.

docxtpl re-parses the template, patches its XML, compiles a Jinja template and re-zips every
part for each document. Here that is done ONCE per template: the docxtpl-patched XML of the
body and headers/footers is compiled with the same Jinja environment, and each document is the
rendered XML written into a zip whose unchanged parts are reused already compressed.

    template = BulkTemplate("invoice", "fr")
    data = template.render(context_model)   # .docx bytes

`render_many` spreads chunks over worker processes (each loads its templates once) and archives
the files there, so only paths and hashes travel back.
"""

from __future__ import annotations

import binascii
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from pydantic import BaseModel

from documents import archive, workers
from documents.produce import DocumentRequest, _filename
from documents.render import context_dict, jinja_environment, template_path, template_version
from governance.config import Settings, get_settings
from governance.db.uow import UnitOfWork
from governance.domain.enums import DocumentFormat
from governance.services import documents as document_service

_BODY = re.compile(r"(<w:body\b[^>]*>)(.*)(</w:body>)", re.DOTALL)


@dataclass(frozen=True)
class _Entry:
    """One zip member, kept compressed: written as is into every document."""

    info: zipfile.ZipInfo
    compressed: bytes


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


class _ZipWriter:
    """A minimal zip writer that accepts pre-compressed (deflate) members."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.central: list[bytes] = []

    def add(
        self, name: str, compressed: bytes, crc: int, size: int, dostime: tuple[int, int]
    ) -> None:
        encoded = name.encode("utf-8")
        offset = self.buffer.tell()
        time, date = dostime
        self.buffer.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                0x800,
                8,
                time,
                date,
                crc,
                len(compressed),
                size,
                len(encoded),
                0,
            )
        )
        self.buffer.write(encoded)
        self.buffer.write(compressed)
        self.central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0x800,
                8,
                time,
                date,
                crc,
                len(compressed),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )

    def finish(self) -> bytes:
        start = self.buffer.tell()
        for record in self.central:
            self.buffer.write(record)
        size = self.buffer.tell() - start
        count = len(self.central)
        self.buffer.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, size, start, 0))
        return self.buffer.getvalue()


def _dostime(info: zipfile.ZipInfo) -> tuple[int, int]:
    y, mo, d, h, mi, s = info.date_time
    return (h << 11) | (mi << 5) | (s // 2), ((max(y, 1980) - 1980) << 9) | (mo << 5) | d


class BulkTemplate:
    """`<name>.<language>.docx` compiled once; `render(context)` gives the .docx bytes."""

    def __init__(self, name: str, language: str) -> None:
        self.name = name
        self.language = language
        self.version = template_version(name, language)
        path = template_path(name, language)
        tpl = DocxTemplate(str(path))
        tpl.init_docx()
        self._resolve_listing: Callable[[str], str] = tpl.resolve_listing
        env = jinja_environment(language)
        env.autoescape = True
        self._env = env
        self._parts: dict[str, tuple[str, jinja2.Template, str]] = {}
        document_part = tpl.docx.part
        document_xml = tpl.xml_to_string(tpl.docx.element)
        match = _BODY.search(document_xml)
        if match is None:
            raise ValueError(f"{path.name}: no <w:body> found")
        # docxtpl renders the body serialised on its own (with its namespace declarations)
        body = tpl.patch_xml(tpl.get_xml())
        if "{%tc" in document_xml or "wp:docPr" in body:
            raise ValueError(f"{path.name}: column loops and images need docxtpl's slow path")
        head, tail = document_xml[: match.start()], document_xml[match.end() :]
        self._parts[document_part.partname.lstrip("/")] = (head, self._compile(body), tail)
        for rel in document_part.rels.values():
            if rel.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI) and rel.target_part.blob:
                xml = tpl.get_part_xml(rel.target_part)
                self._parts[rel.target_part.partname.lstrip("/")] = (
                    "",
                    self._compile(tpl.patch_xml(xml)),
                    "",
                )
        self._entries: list[_Entry] = []
        with zipfile.ZipFile(path) as source:
            for info in source.infolist():
                data = b"" if info.filename in self._parts else source.read(info.filename)
                self._entries.append(_Entry(info, _deflate(data)))

    def _compile(self, xml: str) -> jinja2.Template:
        return self._env.from_string(re.sub(r"<w:p([ >])", r"\n<w:p\1", xml))

    def _render_part(self, template: jinja2.Template, values: dict[str, Any]) -> str:
        xml = template.render(values)
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = (
            xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        )
        return self._resolve_listing(xml)

    def render(self, context: BaseModel) -> bytes:
        """The .docx bytes for one context model."""
        values = context_dict(context)
        writer = _ZipWriter()
        for entry in self._entries:
            part = self._parts.get(entry.info.filename)
            if part is None:
                writer.add(
                    entry.info.filename,
                    entry.compressed,
                    entry.info.CRC,
                    entry.info.file_size,
                    _dostime(entry.info),
                )
                continue
            head, template, tail = part
            body = self._render_part(template, values)
            if head:
                body = head + _without_namespaces(body) + tail
                data = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode()
            else:
                data = body.encode()
            writer.add(
                entry.info.filename,
                _deflate(data),
                binascii.crc32(data),
                len(data),
                _dostime(entry.info),
            )
        return writer.finish()


_NS_DECL = re.compile(r'\sxmlns(?::\w+)?="[^"]*"')


def _without_namespaces(body: str) -> str:
    """The body's own namespace declarations are already on <w:document>."""
    end = body.index(">")
    return _NS_DECL.sub("", body[:end]) + body[end:]


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


@lru_cache(maxsize=64)
def cached_template(name: str, language: str) -> BulkTemplate:
    """One compiled template per process."""
    return BulkTemplate(name, language)


def render_and_archive(jobs: list[BulkJob], place: archive.Place) -> list[BulkOutput]:
    """Render and store a chunk (runs in a worker process or inline)."""
    out = []
    for job in jobs:
        template = cached_template(job.template, job.language)
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
class FastReport:
    added: int
    not_pdf: dict[str, str]  # archived .docx path -> why it has no checked PDF


def produce_fast(
    requests: list[DocumentRequest], settings: Settings | None = None, parallel: bool = True
) -> int:
    """Like `produce.produce` (idempotent by key, archived, indexed) on the fast path; returns
    how many were made now."""
    return produce_fast_report(requests, settings, parallel).added


def produce_fast_report(
    requests: list[DocumentRequest],
    settings: Settings | None = None,
    parallel: bool = True,
    want_pdf: bool | None = None,
) -> FastReport:
    """The fast path, with PDFs through the converter pool when COOP_PDF_OUTPUT is on and
    LibreOffice is installed (the .docx archived beside each, the source of record)."""
    from documents import mass_pdf

    settings = settings or get_settings()
    with UnitOfWork(settings) as uow:
        done = document_service.existing_keys(uow.session, [r.key for r in requests])
    todo = [r for r in requests if r.key not in done]
    if not todo:
        return FastReport(0, {})
    jobs = [
        BulkJob(
            r.key,
            r.template,
            str(r.language),
            r.context,
            f"{r.subject_type}/{r.subject_id}",
            _filename(r, "docx"),
        )
        for r in todo
    ]
    place = archive.Place.of(settings)
    outputs = render_many(jobs, place, parallel=parallel)
    converted = mass_pdf.MassPdfResult()
    if mass_pdf.wanted(settings) if want_pdf is None else want_pdf:
        converted = mass_pdf.convert_archived(
            place,
            [
                mass_pdf.ToConvert(o.path, printed_key(r.context))
                for r, o in zip(todo, outputs, strict=True)
            ],
        )
    records = []
    for r, o in zip(todo, outputs, strict=True):
        pdf = converted.pdfs.get(o.path)
        records.append(
            document_service.ArchivedDocument(
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
    with UnitOfWork(settings) as uow:
        added = document_service.record_documents(uow.session, records)
        uow.commit()
    return FastReport(added, converted.failed)
