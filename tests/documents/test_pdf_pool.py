"""The pool of long-lived LibreOffice converters: parallel, checked, PDF/A, stopped by PID."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from documents import pdf, pdf_pool
from documents.authoring import all_sources
from documents.bulk_render import bulk_template, qr_png
from documents.pdf_pool import ConverterPool, PdfJob
from governance.config import Settings

pytestmark = [
    pytest.mark.pdf,
    pytest.mark.skipif(not pdf.uno_available(), reason="LibreOffice/uno not installed"),
]

LONG_COMPANY = (
    "Compagnie Théâtrale et Musicale des Artistes Associés de Bruxelles-Capitale "
    "et de Wallonie picarde — Ateliers Zoë D'Hondt & Fils SRL"
)


def _ballots(tmp_path: Path, count: int) -> list[tuple[Path, str]]:
    """Personalised ballots (the mass path's renderer), each with its own code and number."""
    source = {s.name: s for s in all_sources()}["assembly_ballot"]
    assert source.sample is not None
    out = []
    for i in range(count):
        lang = ("fr", "nl", "de", "en")[i % 4]
        context = source.sample(lang).model_copy(
            update={"member_number": f"M{7000000 + i}", "ballot_code": f"AB{i:02d}-CDEF-GHJK"}
        )
        data = bulk_template("assembly_ballot", lang).render(context, {"qr": qr_png(f"x{i}")})
        path = tmp_path / f"ballot-{i}.{lang}.docx"
        path.write_bytes(data)
        out.append((path, context.member_number))
    return out


def _group_alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_two_converters_convert_in_parallel_and_every_pdf_is_checked(tmp_path: Path) -> None:
    ballots = _ballots(tmp_path, 6)
    settings = Settings(var_dir=tmp_path / "var")
    with ConverterPool(2, settings, archival=False) as pool:
        jobs = [PdfJob(p, tmp_path / "out" / f"{p.stem}.pdf", expect=n) for p, n in ballots]
        outcomes = pool.convert(jobs)
        pids = pool.pids()
        assert len(set(pids)) == 2  # two soffice process groups served the batch
        assert all(_group_alive(pid) for pid in pids)
        profiles = sorted(p.name for p in (tmp_path / "var" / "lo-profiles").glob("slot-*[0-9]"))
        assert profiles == ["slot-0", "slot-1"]  # one profile each
    assert [o.error for o in outcomes] == [""] * 6
    assert all(o.pages >= 1 for o in outcomes)
    from pypdf import PdfReader  # read back with another library than the engine's check

    for (_path, number), outcome in zip(ballots, outcomes, strict=True):
        text = " ".join(p.extract_text() for p in PdfReader(outcome.job.target).pages)
        assert number in text
    assert not any(_group_alive(pid) for pid in pids)  # stopped by PID on leaving


def test_a_missing_text_and_a_broken_source_are_reported_not_dropped(tmp_path: Path) -> None:
    (good, _number), *_ = _ballots(tmp_path, 1)
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a document")
    with ConverterPool(1, Settings(var_dir=tmp_path / "var"), archival=False) as pool:
        outcomes = pool.convert(
            [
                PdfJob(good, tmp_path / "a.pdf", expect="M9999999"),
                PdfJob(broken, tmp_path / "b.pdf"),
                PdfJob(good, tmp_path / "c.pdf", expect="AB00-CDEF-GHJK"),
            ]
        )
    assert "'M9999999' is not in the PDF's text" in outcomes[0].error
    assert "could not convert broken.docx" in outcomes[1].error
    assert outcomes[2].ok and outcomes[2].pages >= 1  # the pool went on after the failure


def test_a_converter_that_dies_is_started_again(tmp_path: Path) -> None:
    ballots = _ballots(tmp_path, 2)
    with ConverterPool(1, Settings(var_dir=tmp_path / "var"), archival=False) as pool:
        first = pool.convert([PdfJob(ballots[0][0], tmp_path / "a.pdf", ballots[0][1])])
        (pid,) = pool.pids()
        os.killpg(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        second = pool.convert([PdfJob(ballots[1][0], tmp_path / "b.pdf", ballots[1][1])])
        assert pool.pids() != [pid]
    assert first[0].ok and second[0].ok


def test_archival_pdfs_declare_pdfa_2b(tmp_path: Path) -> None:
    ((path, number),) = _ballots(tmp_path, 1)
    with ConverterPool(1, Settings(var_dir=tmp_path / "var"), archival=True) as pool:
        (outcome,) = pool.convert([PdfJob(path, tmp_path / "a.pdf", expect=number)])
    assert outcome.ok
    from pypdf import PdfReader

    metadata = PdfReader(outcome.job.target).xmp_metadata
    assert metadata is not None
    xmp = metadata.stream.get_data().decode("utf-8")  # type: ignore[attr-defined]
    assert "pdfaid:part" in xmp
    assert ">2<" in xmp.split("pdfaid:part", 1)[1][:20] or 'pdfaid:part="2"' in xmp
    assert "pdfaid:conformance" in xmp


def test_a_long_company_name_is_whole_in_the_pdf(tmp_path: Path) -> None:
    source = {s.name: s for s in all_sources()}["assembly_ballot"]
    assert source.sample is not None
    outcomes = []
    with ConverterPool(1, Settings(var_dir=tmp_path / "var"), archival=False) as pool:
        for lang in ("fr", "nl", "de", "en"):
            context = source.sample(lang)
            context = context.model_copy(
                update={"voter": context.voter.model_copy(update={"name": LONG_COMPANY})}
            )
            path = tmp_path / f"long.{lang}.docx"
            path.write_bytes(bulk_template("assembly_ballot", lang).render(context, {}))
            outcomes += pool.convert([PdfJob(path, tmp_path / f"long.{lang}.pdf", LONG_COMPANY)])
    assert [o.error for o in outcomes] == [""] * 4


def test_the_shared_pool_is_started_once_and_stopped_by_shutdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COOP_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("COOP_PDF_CONVERTERS", "1")
    from governance.config import reset_settings

    reset_settings()
    pdf_pool.shutdown()  # a pool an earlier test of this process started has its own size
    ballots = _ballots(tmp_path, 2)
    try:
        pool = pdf_pool.shared_pool()
        pool.convert([PdfJob(ballots[0][0], tmp_path / "a.pdf")])
        (pid,) = pool.pids()
        assert pdf_pool.shared_pool() is pool
        pool.convert([PdfJob(ballots[1][0], tmp_path / "b.pdf")])
        assert pool.pids() == [pid]  # the same soffice served both batches
    finally:
        pdf_pool.shutdown()
        reset_settings()
    assert not _group_alive(pid)
