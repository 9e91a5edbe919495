"""The long-lived LibreOffice converter: valid PDFs, survives its soffice dying, stops cleanly."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from documents import pdf
from documents.authoring import all_sources
from documents.render import render_docx

pytestmark = [
    pytest.mark.pdf,
    pytest.mark.skipif(not pdf.uno_available(), reason="LibreOffice/uno not installed"),
]


def _letters(tmp_path: Path, count: int) -> list[Path]:
    source = {s.name: s for s in all_sources()}["welcome_letter"]
    assert source.sample is not None
    files = []
    for i in range(count):
        path = tmp_path / f"letter-{i}.docx"
        path.write_bytes(render_docx("welcome_letter", "de", source.sample("de")))
        files.append(path)
    return files


def test_one_converter_serves_many_files_and_restarts_after_a_crash(tmp_path: Path) -> None:
    converter = pdf.LongLivedConverter()
    try:
        files = _letters(tmp_path, 3)
        first = converter.convert(files[0], tmp_path / "a.pdf")
        assert first.read_bytes().startswith(b"%PDF-")
        assert converter._proc is not None
        pid = converter._proc.pid
        converter.convert(files[1], tmp_path / "b.pdf")
        assert converter._proc.pid == pid  # the same process served both
        os.killpg(pid, signal.SIGKILL)  # soffice and its driver die
        converter._proc.wait()
        third = converter.convert(files[2], tmp_path / "c.pdf")
        assert third.read_bytes().startswith(b"%PDF-")
    finally:
        converter.close()
    assert converter._proc is None


def test_bulk_batches_check_every_pdf(tmp_path: Path) -> None:
    files = _letters(tmp_path, 3)
    result = pdf.convert_in_batches(files, tmp_path / "out")
    assert sorted(p.name for p in result.values()) == [
        "letter-0.pdf",
        "letter-1.pdf",
        "letter-2.pdf",
    ]
