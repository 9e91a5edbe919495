"""Merging archived .docx for one conversion (no LibreOffice needed): families, bookmarks,
sections and pictures. The conversion itself is tested in test_merged_pdf.py."""

from __future__ import annotations

import io
import re
import zipfile

from documents import pdf_merge
from documents.authoring import all_sources
from documents.bulk_render import bulk_template, qr_png


def _ballot(number: int, coop_name: str | None = None) -> bytes:
    source = {s.name: s for s in all_sources()}["assembly_ballot"]
    assert source.sample is not None
    context = source.sample("fr")
    update: dict[str, object] = {"member_number": f"M{number:07d}"}
    if coop_name is not None:
        update["coop"] = context.coop.model_copy(update={"name": coop_name})  # type: ignore[attr-defined]
    context = context.model_copy(update=update)
    return bulk_template("assembly_ballot", "fr").render(context, {"qr": qr_png(f"x{number}")})


def _part(docx: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return z.read(name).decode()


def test_documents_whose_header_or_footer_renders_differently_are_not_merged_together() -> None:
    same = {pdf_merge.family(_ballot(n)) for n in range(3)}
    other = pdf_merge.family(_ballot(4, coop_name="Une autre coopérative SC"))
    assert len(same) == 1  # personal values only in the body: one family
    assert other not in same  # the footer prints the coop's name


def test_each_document_is_bookmarked_in_its_first_paragraph_and_ends_its_own_section() -> None:
    merged = pdf_merge.merge([_ballot(n) for n in range(3)])
    body = _part(merged, "word/document.xml")
    for n in range(3):
        assert f'w:name="coopdoc{n}"' in body
    # inside an existing paragraph, after its properties: no paragraph added
    first = re.search(r"<w:body[^>]*>(<w:p[ >].*?</w:pPr>)(<w:bookmarkStart[^>]*/>)", body)
    assert first is not None and 'w:name="coopdoc0"' in first.group(2)
    paragraphs = len(re.findall(r"<w:p[ >]", body))
    single = len(re.findall(r"<w:p[ >]", _part(_ballot(0), "word/document.xml")))
    assert paragraphs == 3 * single
    # two section breaks inside paragraphs, then the body's own section
    assert len(re.findall(r"<w:pPr>(?:(?!</w:pPr>).)*<w:sectPr", body, re.S)) == 2
    assert body.rstrip().endswith("</w:sectPr></w:body></w:document>")


def test_each_document_keeps_its_own_picture() -> None:
    sources = [_ballot(n) for n in range(3)]
    merged = pdf_merge.merge(sources)
    with zipfile.ZipFile(io.BytesIO(merged)) as z:
        media = sorted(n for n in z.namelist() if n.startswith("word/media/"))
        pictures = [z.read(n) for n in media]
    assert len(media) == 3 and len(set(pictures)) == 3  # one QR code each, none shared
    rels = _part(merged, "word/_rels/document.xml.rels")
    body = _part(merged, "word/document.xml")
    embedded = re.findall(r'r:embed="([^"]+)"', body)
    assert len(set(embedded)) == 3
    assert all(f'Id="{rid}"' in rels for rid in embedded)
    ids = re.findall(r'<wp:docPr id="(\d+)"', body)
    assert len(ids) == len(set(ids)) == 3  # drawing ids unique in the merged document
