"""The PDF engine for mass documents: a pool of long-lived LibreOffice converters.

One soffice per converter (driven over UNO by documents/uno_worker.py), each with its own user
profile under `<var dir>/lo-profiles/slot-N` (a shared profile serialises them), started once,
started again when it dies, fed in parallel by one thread per converter. Size:
COOP_PDF_CONVERTERS, else one per core (at most 4). Every PDF is checked after conversion: PDFium
(pypdfium2) opens it, it has at least one page and, when a text is expected (a ballot code, a
member number), that text is in its extracted text. A document that fails is reported in the
outcome, never dropped silently.

    with ConverterPool() as converters:
        outcomes = converters.convert([PdfJob(docx, pdf, expect="ABCD-1234")])
        outcomes = converters.convert_merged(jobs)  # many documents: merged, converted, split

`convert_merged` groups documents of one family (documents/pdf_merge.py: same template and
language, same headers and footers), merges up to COOP_PDF_MERGE_CHUNK of them into one .docx,
converts it once (one chunk per converter at a time) and splits the PDF into one per document,
each checked. A chunk that fails, or a split document that fails its check, is converted one
document at a time instead.

A converter's memory only grows (LibreOffice keeps what it saw of every document): one whose
measured size is over its share of COOP_PDF_CONVERTERS_MAX_MB after a conversion is restarted
before the next one (documents/process_memory.py reads it from /proc).

Mass paths share one pool per process (`shared_pool()`), stopped by PID at exit or `shutdown()`.
"""

from __future__ import annotations

import atexit
import fcntl
import logging
import math
import os
import queue
import re
import tempfile
import threading
import zipfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

import pypdfium2 as pdfium
from pikepdf import PdfError

from documents import pdf_merge
from documents.pdf import LongLivedConverter, PdfConversionError, uno_available
from governance.config import Settings, get_settings

log = logging.getLogger(__name__)

PDFA_2B = 2  # LibreOffice's SelectPdfVersion for PDF/A-2b
CHUNK_TIMEOUT_SECONDS = 60.0  # a merged conversion: this, plus a second per document
FALLBACK_RECYCLE_AFTER = 500  # documents, where a converter's size cannot be measured
MAX_SLOTS = 32  # profile directories a machine may hold (several processes, 4 converters each)
_SPACE = re.compile(r"\s+")
_PDFIUM = threading.Lock()


@dataclass(frozen=True)
class PdfJob:
    """One .docx to convert; `expect` must be found in the PDF's text (whitespace ignored)."""

    source: Path
    target: Path
    expect: str = ""


@dataclass(frozen=True)
class Restart:
    """A converter restarted: its size then (MiB; None: not measurable), the documents it had
    converted since its start, and whether its size was the reason (else the count)."""

    mib: float | None
    documents: int
    for_size: bool


@dataclass(frozen=True)
class PdfOutcome:
    job: PdfJob
    pages: int = 0
    error: str = ""
    merged: bool = False  # converted within a merged chunk (else on its own)

    @property
    def ok(self) -> bool:
        return not self.error


def converter_count(settings: Settings | None = None) -> int:
    configured = (settings or get_settings()).pdf_converters
    return configured or max(1, min(4, os.cpu_count() or 1))


def engine_available() -> bool:
    """LibreOffice with its UNO bridge is installed (the pool needs both)."""
    return uno_available()


def _page_texts(path: Path) -> Iterator[str]:
    """Each page's text, read by PDFium (C, ~8x faster than a pure-Python reader here; not
    thread-safe, hence the lock). Raises PdfConversionError if the file is not a PDF."""
    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            raise PdfConversionError(f"{path.name} does not open as a PDF: {exc}") from exc
        try:
            texts = []
            for index in range(len(document)):
                page = document[index]
                textpage = page.get_textpage()
                # PDFium reports a hyphen that ends a line as U+0002: it is a printed "-"
                texts.append(textpage.get_text_bounded().replace("\x02", "-"))
                textpage.close()
                page.close()
        finally:
            document.close()
    yield from texts


def pdf_text(path: Path) -> str:
    """The PDF's extracted text, every page, whitespace collapsed."""
    return _SPACE.sub(" ", " ".join(_page_texts(path))).strip()


def check_pdf(path: Path, expect: str = "") -> int:
    """The page count of a PDF that opens, has pages and contains `expect` (white space
    ignored: a title may break inside a number); else an error saying which failed."""
    texts = list(_page_texts(path))
    if not texts:
        raise PdfConversionError(f"{path.name} has no page")
    if expect and _SPACE.sub("", expect) not in _SPACE.sub("", "".join(texts)):
        raise PdfConversionError(f"{path.name}: {expect!r} is not in the PDF's text")
    return len(texts)


class _Slot:
    """A profile directory held (by an exclusive file lock) for the life of one converter."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        for number in range(MAX_SLOTS):
            handle: IO[str] = open(root / f"slot-{number}.lock", "w")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            self.handle, self.profile = handle, root / f"slot-{number}"
            return
        raise PdfConversionError(f"all {MAX_SLOTS} LibreOffice profiles in {root} are in use")

    def release(self) -> None:
        self.handle.close()


class ConverterPool:
    """`size` long-lived converters fed in parallel; close() stops each soffice by its PID."""

    def __init__(
        self,
        size: int | None = None,
        settings: Settings | None = None,
        archival: bool | None = None,
    ) -> None:
        settings = settings or get_settings()
        self.size = size or converter_count(settings)
        keep_archival = settings.pdf_archival if archival is None else archival
        self.pdf_version = PDFA_2B if keep_archival else 0
        self.merge_chunk = settings.pdf_merge_chunk
        self.recycle_after = settings.pdf_recycle_after
        self.max_mib = settings.pdf_converters_max_mb / self.size  # each converter's share
        self._converted: dict[int, int] = {}  # converter -> documents since its start
        self.restarts: list[Restart] = []  # converters restarted for their size or count
        self._count_lock = threading.Lock()
        self._root = settings.var_dir.resolve() / "lo-profiles"
        self._slots: list[_Slot] = []
        self._converters: list[LongLivedConverter] = []
        self._idle: queue.Queue[LongLivedConverter] = queue.Queue()
        self._lock = threading.Lock()

    def __enter__(self) -> ConverterPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def _ensure_started(self) -> None:
        with self._lock:
            if self._converters:
                return
            if not engine_available():
                raise PdfConversionError("LibreOffice with its UNO bridge is not installed")
            for _ in range(self.size):
                slot = _Slot(self._root)
                self._slots.append(slot)
                converter = LongLivedConverter(slot.profile, self.pdf_version)
                self._converters.append(converter)
                self._idle.put(converter)

    def pids(self) -> list[int]:
        """PIDs (and process groups) of the running converters."""
        return [c.pid for c in self._converters if c.pid is not None]

    def _one(self, job: PdfJob) -> PdfOutcome:
        converter = self._idle.get()
        try:
            job.target.parent.mkdir(parents=True, exist_ok=True)
            converter.convert(job.source, job.target)
        except PdfConversionError as exc:
            return PdfOutcome(job, error=str(exc))
        finally:
            self._release(converter, 1)
        try:
            return PdfOutcome(job, pages=check_pdf(job.target, job.expect))
        except PdfConversionError as exc:
            return PdfOutcome(job, error=str(exc))

    def _release(self, converter: LongLivedConverter, documents: int) -> None:
        """Back to the idle queue; restarted first when its measured size is over
        its share of COOP_PDF_CONVERTERS_MAX_MB (LibreOffice keeps what it saw of every
        document: its memory only grows), or when it has converted COOP_PDF_RECYCLE_AFTER
        documents. So the converters together stay under that ceiling plus what each one grows
        in one conversion (one merged chunk: COOP_PDF_MERGE_CHUNK documents)."""
        with self._count_lock:
            done = self._converted.get(id(converter), 0) + documents
        size = converter.memory_mib() if self.max_mib else None
        over_size = size is not None and size > self.max_mib
        unmeasured = bool(self.max_mib) and size is None
        by_count = self.recycle_after or (FALLBACK_RECYCLE_AFTER if unmeasured else 0)
        if over_size or (by_count and done >= by_count):
            log.info("converter restarted: %s MiB after %d documents", size, done)
            converter.close()  # started again by its next conversion
            with self._count_lock:
                self.restarts.append(Restart(size, done, over_size))
            done = 0
        with self._count_lock:
            self._converted[id(converter)] = done
        self._idle.put(converter)

    def convert(self, jobs: Sequence[PdfJob]) -> list[PdfOutcome]:
        """Convert and check every job, in parallel over the converters; outcomes in job order.
        The first use starts the converters (in parallel: each start is a few seconds)."""
        if not jobs:
            return []
        self._ensure_started()
        with ThreadPoolExecutor(self.size, thread_name_prefix="pdf") as threads:
            outcomes = list(threads.map(self._one, jobs))
        for failed in (o for o in outcomes if not o.ok):
            log.warning("PDF conversion failed for %s: %s", failed.job.source.name, failed.error)
        return outcomes

    def convert_merged(self, jobs: Sequence[PdfJob], chunk: int | None = None) -> list[PdfOutcome]:
        """Convert and check every job, documents of one family merged `chunk` at a time
        (default COOP_PDF_MERGE_CHUNK; 1: as `convert`); outcomes in job order."""
        chunk = chunk or self.merge_chunk
        if chunk <= 1 or len(jobs) <= 1:
            return self.convert(jobs)
        self._ensure_started()
        families: dict[str, list[int]] = {}
        for index, job in enumerate(jobs):
            try:
                key = pdf_merge.family(job.source.read_bytes())
            except (OSError, KeyError, ValueError, zipfile.BadZipFile, PdfConversionError):
                key = f"alone-{index}"  # unreadable here: converted (and reported) on its own
            families.setdefault(key, []).append(index)
        chunks: list[list[int]] = []
        for members in families.values():
            # even chunks, at least one per converter when there are enough documents
            count = max(math.ceil(len(members) / chunk), min(self.size, len(members) // 2), 1)
            size = math.ceil(len(members) / count)
            chunks += [members[start : start + size] for start in range(0, len(members), size)]
        chunks.sort(key=len, reverse=True)  # the longest first: the converters finish together
        outcomes: list[PdfOutcome | None] = [None] * len(jobs)
        with ThreadPoolExecutor(self.size + 1, thread_name_prefix="pdf-chunk") as threads:
            done = threads.map(lambda part: self._chunk([jobs[i] for i in part]), chunks)
            for part, results in zip(chunks, done, strict=True):
                for index, outcome in zip(part, results, strict=True):
                    outcomes[index] = outcome
        final = [o for o in outcomes if o is not None]
        for failed in (o for o in final if not o.ok):
            log.warning("PDF conversion failed for %s: %s", failed.job.source.name, failed.error)
        return final

    def _chunk(self, jobs: Sequence[PdfJob]) -> list[PdfOutcome]:
        """One merged conversion split into the jobs' PDFs; one at a time where it fails."""
        if len(jobs) == 1:
            return [self._one(jobs[0])]
        with tempfile.TemporaryDirectory(prefix="coop-pdf-chunk-") as tmp:
            merged = Path(tmp) / "merged.docx"
            try:
                merged.write_bytes(pdf_merge.merge([job.source.read_bytes() for job in jobs]))
                for job in jobs:
                    job.target.parent.mkdir(parents=True, exist_ok=True)
                converter = self._idle.get()
                try:
                    converter.convert(
                        merged,
                        merged.with_suffix(".pdf"),
                        bookmarks=True,
                        timeout=CHUNK_TIMEOUT_SECONDS + len(jobs),
                    )
                finally:
                    self._release(converter, len(jobs))
                pdf_merge.split(merged.with_suffix(".pdf"), [job.target for job in jobs])
            except (OSError, KeyError, ValueError, zipfile.BadZipFile, PdfError,
                    PdfConversionError) as exc:  # fmt: skip
                log.warning(
                    "a merged conversion of %d documents failed (%s): one at a time instead",
                    len(jobs),
                    exc,
                )
                return [self._one(job) for job in jobs]
        outcomes = []
        for job in jobs:
            try:
                outcomes.append(PdfOutcome(job, check_pdf(job.target, job.expect), merged=True))
            except PdfConversionError as exc:
                log.warning("%s failed its check once split (%s): alone instead", job.source, exc)
                outcomes.append(self._one(job))
        return outcomes

    def close(self) -> None:
        """Stop every converter (its process group, by PID) and release the profiles."""
        with self._lock:
            for converter in self._converters:
                converter.close()
            for slot in self._slots:
                slot.release()
            self._converters, self._slots = [], []
            self._idle = queue.Queue()


_SHARED: ConverterPool | None = None
_SHARED_LOCK = threading.Lock()


def shared_pool() -> ConverterPool:
    """The process's pool, kept across chunks (a 75,000-member run starts soffice once per
    converter); stopped at exit."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = ConverterPool()
            atexit.register(shutdown)
        return _SHARED


def shutdown() -> None:
    """Stop the shared pool's converters (tests and benchmarks clean up with it)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is not None:
            _SHARED.close()
            _SHARED = None
