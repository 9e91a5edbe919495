"""The converters' memory is bounded by design: a converter whose measured size is over
COOP_PDF_CONVERTERS_MAX_MB after a conversion is restarted before the next one, and every PDF
is still right; mass documents converted to PDF are rendered without render workers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from documents import pdf, pdf_pool, process_memory, workers
from documents.pdf import LongLivedConverter
from documents.pdf_pool import ConverterPool, PdfJob
from governance.config import Settings, reset_settings
from tests.documents.test_pdf_pool import _ballots, _group_alive

needs_libreoffice = pytest.mark.skipif(
    not pdf.uno_available(), reason="LibreOffice/uno not installed"
)


def _read_back(outcomes: list[pdf_pool.PdfOutcome], numbers: list[str]) -> None:
    """Every PDF converted, checked, and showing its own member's number (read by pypdf,
    another library than the engine's check)."""
    from pypdf import PdfReader

    assert [o.error for o in outcomes] == [""] * len(numbers)
    for outcome, number in zip(outcomes, numbers, strict=True):
        text = " ".join(p.extract_text() for p in PdfReader(outcome.job.target).pages)
        assert number in text
        assert all(other not in text for other in numbers if other != number)


@pytest.mark.pdf
@needs_libreoffice
@pytest.mark.parametrize("merged", [False, True], ids=["one at a time", "merged chunks"])
def test_a_converter_over_its_size_ceiling_is_restarted_and_every_pdf_is_right(
    tmp_path: Path, merged: bool
) -> None:
    ballots = _ballots(tmp_path, 9)
    chosen = [ballots[i] for i in (1, 0, 4, 8)]  # a Dutch ballot, then three French ones
    # a tiny ceiling: any running soffice is over it, so every conversion ends in a restart
    settings = Settings(var_dir=tmp_path / "var", pdf_converters_max_mb=1, pdf_recycle_after=0)
    with ConverterPool(1, settings, archival=False) as pool:
        jobs = [PdfJob(p, tmp_path / "out" / f"{p.stem}.pdf", expect=n) for p, n in chosen]
        outcomes = pool.convert(jobs[:1])
        outcomes += pool.convert_merged(jobs[1:], 2) if merged else pool.convert(jobs[1:])
        # merged: the three French ones in two conversions (two documents, then one)
        conversions = [1, 1, 2] if merged else [1, 1, 1, 1]
        assert sorted(r.documents for r in pool.restarts) == conversions
        assert all(r.for_size and r.mib is not None and r.mib > 1 for r in pool.restarts)
        assert pool.pids() == []  # stopped after its last conversion, started on the next
    _read_back(outcomes, [n for _p, n in chosen])
    merged_flags = [o.merged for o in outcomes]
    assert merged_flags == ([False, True, True, False] if merged else [False] * 4)


@pytest.mark.pdf
@needs_libreoffice
def test_under_its_ceiling_a_converter_keeps_running(tmp_path: Path) -> None:
    ballots = _ballots(tmp_path, 3)
    settings = Settings(var_dir=tmp_path / "var", pdf_converters_max_mb=100_000)
    with ConverterPool(1, settings, archival=False) as pool:
        jobs = [PdfJob(p, tmp_path / f"{p.stem}.pdf", expect=n) for p, n in ballots]
        outcomes = pool.convert(jobs[:1])
        (pid,) = pool.pids()
        size = pool._converters[0].memory_mib()
        assert size is not None and 20 < size < 100_000  # soffice measured, in MiB
        outcomes += pool.convert(jobs[1:])
        assert pool.pids() == [pid] and pool.restarts == []
    _read_back(outcomes, [n for _p, n in ballots])
    assert not _group_alive(pid)


class _Unmeasured(LongLivedConverter):
    """A converter whose size cannot be read (a system without /proc)."""

    def memory_mib(self) -> float | None:
        return None

    def convert(self, source: Path, target: Path, bookmarks: bool = False,
                timeout: float = 0) -> Path:  # fmt: skip
        target.write_bytes(b"%PDF-")
        return target


def test_where_the_size_cannot_be_measured_the_count_restarts_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_pool, "FALLBACK_RECYCLE_AFTER", 2)
    pool = ConverterPool(1, Settings(var_dir=tmp_path, pdf_converters_max_mb=300))
    converter = _Unmeasured()
    for _ in range(3):
        pool._release(converter, 1)
    assert [(r.mib, r.documents, r.for_size) for r in pool.restarts] == [(None, 2, False)]
    by_count = ConverterPool(1, Settings(var_dir=tmp_path, pdf_recycle_after=3))
    for _ in range(3):
        by_count._release(converter, 1)
    assert [r.documents for r in by_count.restarts] == [3]  # a count still applies, if set
    never = ConverterPool(1, Settings(var_dir=tmp_path, pdf_converters_max_mb=0))
    for _ in range(600):
        never._release(converter, 1)
    assert never.restarts == []  # no ceiling and no count: never restarted
    assert ConverterPool(2, Settings(var_dir=tmp_path)).max_mib == 250  # a share each


def test_a_process_group_is_measured() -> None:
    size = process_memory.group_mib(os.getpgrp())
    if size is None:
        pytest.skip("no /proc here")
    assert size > 10  # this Python interpreter at least
    assert process_memory.group_mib(2**22 + 12345) == 0  # no such group: nothing


def _render(place: object, jobs: list[int]) -> list[int]:
    return [os.getpid()] * len(jobs)


def test_documents_converted_to_pdf_are_rendered_without_render_workers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COOP_RENDER_WORKERS", "2")
    reset_settings()
    workers.shutdown()
    try:
        pids = workers.map_slices(
            _render, tmp_path, list(range(100)), inline_below=10, with_pdf=True
        )
        assert set(pids) == {os.getpid()} and workers._POOL is None  # no worker started
        monkeypatch.setenv("COOP_PDF_RENDER_INLINE", "false")
        pids = workers.map_slices(
            _render, tmp_path, list(range(100)), inline_below=10, with_pdf=True
        )
        assert os.getpid() not in pids and len(set(pids)) >= 1  # the workers, as asked
    finally:
        workers.shutdown()
        reset_settings()


@pytest.mark.pdf
@needs_libreoffice
def test_a_pool_under_a_relative_var_dir_converts_as_under_an_absolute_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make demo` runs with COOP_VAR_DIR=var/demo: the profiles' directory is relative, and
    LibreOffice takes its profile as a file URI (a relative path made every conversion fail)."""
    ballots = _ballots(tmp_path, 1)
    monkeypatch.chdir(tmp_path)
    settings = Settings(var_dir=Path("var"), pdf_recycle_after=0)
    with ConverterPool(1, settings, archival=False) as pool:
        source, number = ballots[0]
        outcomes = pool.convert([PdfJob(source, tmp_path / "out" / "one.pdf", expect=number)])
    _read_back(outcomes, [number])


@pytest.mark.pdf
@needs_libreoffice
def test_a_converter_that_cannot_start_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken_worker.py"
    broken.write_text("import sys\nsys.exit('no office on this machine')\n")
    monkeypatch.setattr(pdf, "WORKER", broken)
    converter = LongLivedConverter(tmp_path / "profile")
    with pytest.raises(pdf.PdfConversionError, match=r"did not start: no answer.*no office"):
        converter.convert(tmp_path / "any.docx", tmp_path / "any.pdf")
    converter.close()
