"""PDF: the long-lived converter and bulk batches vs one `soffice` process per file."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.pdf_tools import soffice_per_file
from bench.result import Result
from documents import pdf
from documents.authoring import all_sources
from documents.render import render_docx


def _letters(folder: Path, count: int) -> list[Path]:
    source = {s.name: s for s in all_sources()}["welcome_letter"]
    assert source.sample is not None
    data = {
        lang: render_docx("welcome_letter", lang, source.sample(lang))
        for lang in ("fr", "nl", "de", "en")
    }
    files = []
    for i in range(count):
        path = folder / f"letter-{i:04d}.docx"
        path.write_bytes(data[("fr", "nl", "de", "en")[i % 4]])
        files.append(path)
    return files


def _one_process_per_file(files: list[Path], out: Path, profile: Path) -> float:
    start = time.perf_counter()
    for source in files:
        soffice_per_file(source, out, profile)
    return time.perf_counter() - start


def run(quick: bool) -> list[Result]:
    if not pdf.available():
        return [Result("PDF (LibreOffice not installed)", 0, 0.0, notes="skipped")]
    size, sample = (40, 5) if quick else (500, 30)
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        root = Path(tmp)
        files = _letters(root, size)
        per_file = _one_process_per_file(files[:sample], root / "plain", root / "profile-plain")
        baseline = per_file / sample * size  # extrapolated from the sample
        start = time.perf_counter()
        converted = pdf.convert_in_batches(files, root / "batch")
        batch_seconds = time.perf_counter() - start
        assert len(converted) == size
        service = pdf.LongLivedConverter()
        try:
            start = time.perf_counter()
            service.convert(files[0], root / "warm.pdf")
            startup = time.perf_counter() - start
            (root / "live").mkdir()
            start = time.perf_counter()
            for source in files:
                service.convert(source, root / "live" / (source.stem + ".pdf"))
            live_seconds = time.perf_counter() - start
        finally:
            service.close()
    note = f"plain = one soffice per file, measured on {sample} and extrapolated"
    return [
        Result(
            "PDF, long-lived converter (one soffice, UNO)",
            size,
            live_seconds,
            target="report the ratio",
            baseline_seconds=baseline,
            breakdown={"converter start-up": startup},
            notes=note,
        ),
        Result(
            "PDF, bulk batches (≤200 files per soffice call)",
            size,
            batch_seconds,
            target="report the ratio",
            baseline_seconds=baseline,
            notes=note,
        ),
    ]
