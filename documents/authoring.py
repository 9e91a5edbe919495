"""Build the .docx templates from their sources (text per language, with Jinja tags).

Staff may edit the generated .docx in Word afterwards; the sources make the first version
reproducible and reviewable in a diff. Run: `coop templates build`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from pydantic import BaseModel

from documents import template_sources
from documents.render import LANGUAGES, TEMPLATES_DIR

FONT = "DejaVu Sans"  # set explicitly: a missing Calibri is replaced anyway
TABLE_FONT = Pt(8)
# Room one character of a bold 8 pt DejaVu Sans header takes, and a cell's two margins (cm).
CHAR_CM, CELL_MARGINS_CM = 0.2, 0.5


@dataclass(frozen=True)
class Block:
    # title | heading | p | small | table | image | pagebreak, and the letter form
    # (documents/letter_form.py): address | place | ref | signature | signatures
    kind: str
    text: str = ""
    headers: tuple[str, ...] = ()
    loop: str = ""  # table: "row in rows"
    cells: tuple[str, ...] = ()
    widths: tuple[float, ...] = ()  # table: column widths in cm (default: by header words)


@dataclass(frozen=True)
class TemplateSource:
    """A template's text per language, plus what its tests need: a sample context whose
    member-provided fields hold HOSTILE_TEXT, and a key sentence per language."""

    name: str
    blocks: dict[str, list[Block]] = field(default_factory=dict)  # language -> blocks
    sample: Callable[[str], BaseModel] | None = None
    key_text: dict[str, str] = field(default_factory=dict)
    slim: bool = False  # mass-mailed: keep only the styles used (documents/slim.py)
    landscape: bool = False  # wide tables (registers, reports): the page turned sideways


def _style(document: object) -> None:
    styles = document.styles  # type: ignore[attr-defined]
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for name in ("Title", "Heading 1", "Heading 2"):
        styles[name].font.name = FONT
        styles[name].font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)


def _page(document: object, language: str) -> None:
    """A4 margins that put the recipient block in a left window envelope; the letterhead in
    the header, the legal mentions in the footer."""
    from documents import letter_form

    section = document.sections[0]  # type: ignore[attr-defined]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.6), Cm(2.4)
    section.left_margin, section.right_margin = Cm(2.2), Cm(2.0)
    section.header_distance, section.footer_distance = Cm(1.0), Cm(0.8)
    header = section.header.paragraphs[0]
    header.add_run("{{ coop.name }}").bold = True
    header.add_run("\n{{ coop.address }}").font.size = Pt(8.5)
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.add_run(letter_form.footer(language)).font.size = Pt(7)
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _letter_block(document: object, block: Block) -> None:
    """The blocks of the letter form."""
    if block.kind == "address":
        # The window of a DL/C5 envelope: ~2 cm from the left, ~5 cm from the top of the page.
        paragraph = document.add_paragraph(block.text)  # type: ignore[attr-defined]
        paragraph.paragraph_format.space_before = Cm(2.3)
        paragraph.paragraph_format.space_after = Cm(1.0)
        paragraph.paragraph_format.keep_together = True
    elif block.kind == "place":
        paragraph = document.add_paragraph(block.text)  # type: ignore[attr-defined]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif block.kind == "ref":
        run = document.add_paragraph().add_run(block.text)  # type: ignore[attr-defined]
        run.font.size = Pt(9)
    elif block.kind == "signature":
        paragraph = document.add_paragraph(block.text)  # type: ignore[attr-defined]
        paragraph.paragraph_format.space_before = Pt(12)
        paragraph.paragraph_format.keep_together = True
    elif block.kind == "signatures":
        table = document.add_table(rows=1, cols=len(block.cells))  # type: ignore[attr-defined]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, block.cells, strict=True):
            cell.text = text
    else:
        raise ValueError(f"unknown block kind {block.kind}")


def build(source: TemplateSource, language: str, out_dir: Path = TEMPLATES_DIR) -> Path:
    document = Document()
    _style(document)
    _page(document, language)
    if source.landscape:
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for block in source.blocks[language]:
        if block.kind == "title":
            document.add_heading(block.text, level=0)
        elif block.kind == "heading":
            document.add_heading(block.text, level=1)
        elif block.kind == "p":
            document.add_paragraph(block.text)
        elif block.kind == "small":
            run = document.add_paragraph().add_run(block.text)
            run.font.size = Pt(8)
        elif block.kind == "image":
            document.add_paragraph(block.text)
        elif block.kind == "pagebreak":
            document.add_page_break()  # type: ignore[no-untyped-call]
        elif block.kind == "table":
            _table(document, block, _text_width_cm(document))
        else:
            _letter_block(document, block)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{source.name}.{language}.docx"
    document.save(str(path))
    if source.slim:
        from documents.slim import slim_docx

        slim_docx(path)
    return path


def _text_width_cm(document: object) -> float:
    section = document.sections[0]  # type: ignore[attr-defined]
    return float(section.page_width - section.left_margin - section.right_margin) / 360000


def _column_widths(block: Block, text_width_cm: float) -> tuple[float, ...]:
    """Widths that keep every header word whole: each column gets the room of its longest
    header word, and the rest of the text width is shared in the same proportions. A table
    whose cells hold longer words than its headers gives its widths (`Block.widths`)."""
    if block.widths:
        return block.widths
    needs = [
        CHAR_CM * max(len(word) for word in header.split()) + CELL_MARGINS_CM
        for header in block.headers
    ]
    spare = max(0.0, text_width_cm - sum(needs))
    return tuple(need + spare * need / sum(needs) for need in needs)


def _table(document: object, block: Block, text_width_cm: float) -> None:
    """docxtpl wants the loop tags in rows of their own: header, for, body, endfor."""
    table = document.add_table(rows=4, cols=len(block.headers))  # type: ignore[attr-defined]
    table.style = "Light Grid Accent 1"
    table.autofit = False
    widths = _column_widths(block, text_width_cm)
    for cell, title in zip(table.rows[0].cells, block.headers, strict=True):
        cell.text = title
    table.rows[1].cells[0].text = "{%tr for " + block.loop + " %}"
    for cell, value in zip(table.rows[2].cells, block.cells, strict=True):
        cell.text = value
    table.rows[3].cells[0].text = "{%tr endfor %}"
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # the grid: what LibreOffice lays out
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = TABLE_FONT


def all_sources() -> list[TemplateSource]:
    sources = []
    for info in pkgutil.iter_modules(template_sources.__path__):
        module = importlib.import_module(f"{template_sources.__name__}.{info.name}")
        sources.append(module.SOURCE)
    return sources


def build_all(out_dir: Path = TEMPLATES_DIR) -> list[Path]:
    """(Re)write every template in every language."""
    return [build(source, lang, out_dir) for source in all_sources() for lang in LANGUAGES]


SAMPLE_COOP_KWARGS = {
    "name": "SmartCoop SC",
    "address": "Rue Coenraets 72, 1060 Saint-Gilles",
    "enterprise_number": "0896755397",
    "iban": "BE71096123456769",
    "bic": "GKCCBEBB",
}
# Member-provided text as hostile as it gets: it must come out literally everywhere.
HOSTILE_TEXT = "Zoë D'Hondt & Fils <SRL> {{ x }} {% if %}"
