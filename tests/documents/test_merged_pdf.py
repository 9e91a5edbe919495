"""Mass PDFs merged into one conversion and split: each document's PDF is the one it would have
had alone (pages, text, and page 1 as an image), and a failing chunk falls back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import ImageChops, ImageStat
from pydantic import BaseModel
from pypdf import PdfReader

from documents import pdf, pdf_merge
from documents.authoring import all_sources
from documents.bulk_render import bulk_template, qr_png
from documents.pdf_pool import ConverterPool, PdfJob, pdf_text
from governance.config import Settings

pytestmark = [
    pytest.mark.pdf,
    pytest.mark.skipif(not pdf.uno_available(), reason="LibreOffice/uno not installed"),
]

MASS_TEMPLATES = (
    "assembly_ballot",
    "assembly_convocation",
    "assembly_proxy",
    "transition_invitation",
    "employment_contract",
    "client_agreement",
    "invoice",  # the contract batch's third document
)
LANGUAGES = ("fr", "nl", "de", "en")
LONG_NAME = (
    "Maximilienne-Augustine Van den Bossche-de Crombrugghe d'Oultremont de Wégimont "
    "et de Warfusée-Hemricourt"
)
COMPANY = (
    "Compagnie Théâtrale et Musicale des Artistes Associés de Bruxelles-Capitale "
    "et de Wallonie picarde — Ateliers Zoë D'Hondt & Fils SRL"
)
# Mean absolute difference per channel (0-255) allowed between page 1 of a split PDF and of
# the same document converted alone, rendered at 72 dpi: antialiasing noise only (one line
# moved by one pixel would give several units).
MAX_MEAN_PIXEL_DIFFERENCE = 0.5
_SPACE = re.compile(r"\s+")


def _contexts(name: str, language: str) -> list[BaseModel]:
    """The sample, then a long personal name and a company name (the same code fields each
    with their own value), or for letters without an addressee a long meeting title."""
    source = {s.name: s for s in all_sources()}[name]
    assert source.sample is not None
    sample = source.sample(language)
    out = [sample]
    for number, who in enumerate((LONG_NAME, COMPANY), start=1):
        update: dict[str, object] = {}
        for field in ("voter", "member", "client"):
            person = getattr(sample, field, None)
            if isinstance(person, BaseModel):
                update[field] = person.model_copy(update={"name": who})
        if hasattr(sample, "member_number"):
            update["member_number"] = f"M{7100000 + number}"
        if hasattr(sample, "invoice_number"):
            update["invoice_number"] = f"F2026-{7100000 + number}"
        meeting = getattr(sample, "meeting", None)
        if not update and isinstance(meeting, BaseModel):
            update["meeting"] = meeting.model_copy(update={"title": who})
        assert update, f"{name}: nothing to vary"
        out.append(sample.model_copy(update=update))
    return out


def _expect(context: BaseModel) -> str:
    for field in ("ballot_code", "invoice_number", "member_number", "communication"):
        value = getattr(context, field, "")
        if isinstance(value, str) and value:
            return value
    return ""


def _documents(tmp_path: Path, name: str, language: str) -> list[tuple[Path, str]]:
    out = []
    for number, context in enumerate(_contexts(name, language)):
        images = {"qr": qr_png(f"https://vote.example/b/{number}")} if "ballot" in name else {}
        path = tmp_path / f"{name}.{language}.{number}.docx"
        path.write_bytes(bulk_template(name, language).render(context, images))
        out.append((path, _expect(context)))
    return out


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConverterPool]:
    """One converter for the module, PDF/A-2b as in production."""
    var = tmp_path_factory.mktemp("var")
    with ConverterPool(1, Settings(var_dir=var), archival=True) as converters:
        yield converters


def _alone_and_merged(
    pool: ConverterPool, tmp_path: Path, name: str, language: str
) -> list[tuple[Path, Path]]:
    documents = _documents(tmp_path, name, language)
    alone = pool.convert([PdfJob(p, p.with_suffix(".alone.pdf"), e) for p, e in documents])
    merged = pool.convert_merged(
        [PdfJob(p, p.with_suffix(".split.pdf"), e) for p, e in documents], chunk=len(documents)
    )
    assert [o.error for o in alone + merged] == [""] * 2 * len(documents)
    assert all(o.merged for o in merged), "the merged path fell back"
    return [(a.job.target, m.job.target) for a, m in zip(alone, merged, strict=True)]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", MASS_TEMPLATES)
def test_each_split_pdf_reads_as_the_document_converted_alone(
    pool: ConverterPool, tmp_path: Path, name: str, language: str
) -> None:
    for alone, split in _alone_and_merged(pool, tmp_path, name, language):
        assert len(PdfReader(split).pages) == len(PdfReader(alone).pages), split.name
        assert pdf_text(split) == pdf_text(alone), split.name
        reader, original = PdfReader(split), PdfReader(alone)
        catalog = reader.root_object  # PDF/A-2b: its metadata and output intent kept
        assert "/Metadata" in catalog and "/OutputIntents" in catalog
        assert b"pdfaid:part" in catalog["/Metadata"].get_object().get_data()
        assert reader.metadata is not None and original.metadata is not None
        assert reader.metadata.producer == original.metadata.producer  # as in the XMP
        assert "/ID" in reader.trailer


def _first_page(path: Path):  # type: ignore[no-untyped-def]
    document = pdfium.PdfDocument(str(path))
    try:
        return document[0].render(scale=1).to_pil().convert("L")
    finally:
        document.close()


def test_a_split_ballot_looks_like_the_ballot_converted_alone(
    pool: ConverterPool, tmp_path: Path
) -> None:
    for alone, split in _alone_and_merged(pool, tmp_path, "assembly_ballot", "fr"):
        a, b = _first_page(alone), _first_page(split)
        assert a.size == b.size
        difference = ImageStat.Stat(ImageChops.difference(a, b)).mean[0]
        assert difference < MAX_MEAN_PIXEL_DIFFERENCE, (split.name, difference)
        assert ImageStat.Stat(a).mean[0] < 250  # the page is not blank: there was ink to compare


def test_a_failing_merged_conversion_falls_back_to_one_at_a_time(
    pool: ConverterPool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = _documents(tmp_path, "employment_contract", "nl")
    real = pdf.LongLivedConverter.convert

    def refuse_merged(self, source, target, bookmarks=False, timeout=60.0):  # type: ignore[no-untyped-def]
        if bookmarks:
            raise pdf.PdfConversionError("simulated: the converter failed the merged file")
        return real(self, source, target, bookmarks, timeout)

    monkeypatch.setattr(pdf.LongLivedConverter, "convert", refuse_merged)
    outcomes = pool.convert_merged([PdfJob(p, p.with_suffix(".pdf"), e) for p, e in documents])
    assert [(o.error, o.merged) for o in outcomes] == [("", False)] * len(documents)
    for outcome, (_path, expect) in zip(outcomes, documents, strict=True):
        assert outcome.pages == 2
        assert _SPACE.sub("", expect) in _SPACE.sub("", pdf_text(outcome.job.target))


def test_a_split_document_failing_its_check_is_converted_again_alone(
    pool: ConverterPool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = _documents(tmp_path, "transition_invitation", "de")
    real = pdf_merge.split

    def spoil_second(merged: Path, targets: list[Path]) -> list[int]:
        counts = real(merged, targets)
        targets[1].write_bytes(b"%PDF-1.7 truncated")
        return counts

    monkeypatch.setattr(pdf_merge, "split", spoil_second)
    outcomes = pool.convert_merged([PdfJob(p, p.with_suffix(".pdf"), e) for p, e in documents])
    assert [(o.error, o.merged) for o in outcomes] == [("", True), ("", False), ("", True)]
    assert outcomes[1].pages >= 1


def test_documents_of_two_templates_are_merged_by_family_and_keep_their_order(
    pool: ConverterPool, tmp_path: Path
) -> None:
    ballots = _documents(tmp_path, "assembly_ballot", "en")
    proxies = _documents(tmp_path, "assembly_proxy", "nl")
    mixed = [ballots[0], proxies[0], ballots[1], proxies[1], ballots[2], proxies[2]]
    assert len({pdf_merge.family(p.read_bytes()) for p, _e in mixed}) == 2
    outcomes = pool.convert_merged([PdfJob(p, p.with_suffix(".pdf"), e) for p, e in mixed])
    assert all(o.ok and o.merged for o in outcomes)
    for outcome, (path, _expect) in zip(outcomes, mixed, strict=True):
        assert outcome.job.source == path
        title = "Ballot" if "ballot" in path.name else "Volmacht"
        assert title.lower() in pdf_text(outcome.job.target).lower(), path.name
