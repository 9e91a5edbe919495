"""A template rendered from its sample for staff to proofread: .docx, PDF and PNG pages,
with the proofreading checks' findings on the text a member would read."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from documents import pdf
from documents.authoring import all_sources
from documents.proofread import Finding, proofread
from documents.render import LANGUAGES, render_docx


class UnknownTemplate(LookupError):
    """The name is not a template; the message lists those that are."""


@dataclass
class Preview:
    docx: Path
    pdf: Path | None = None
    pages: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def template_names() -> list[str]:
    return sorted(source.name for source in all_sources())


def text_of(data: bytes) -> str:
    """What a reader sees: paragraphs, table cells, page headers and footers."""
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def preview(template: str, language: str, out_dir: Path) -> Preview:
    """Render `template` in `language` from its sample into `out_dir`."""
    sources = {source.name: source for source in all_sources()}
    if template not in sources or sources[template].sample is None:
        raise UnknownTemplate(
            f"no template named {template!r}; choose one of: {', '.join(template_names())}"
        )
    if language not in LANGUAGES:
        raise UnknownTemplate(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    sample = sources[template].sample
    assert sample is not None
    data = render_docx(template, language, sample(language))
    out_dir.mkdir(parents=True, exist_ok=True)
    result = Preview(out_dir / f"{template}.{language}.docx")
    result.docx.write_bytes(data)
    result.findings = proofread(text_of(data), language)
    if not pdf.available():
        result.notes.append("LibreOffice is not installed: no PDF (install libreoffice-writer)")
        return result
    converted = pdf.convert([result.docx], out_dir / ".pdf")
    result.pdf = out_dir / f"{template}.{language}.pdf"
    shutil.move(converted[result.docx], result.pdf)
    shutil.rmtree(out_dir / ".pdf", ignore_errors=True)
    result.pages = _png_pages(result.pdf)
    if not result.pages:
        result.notes.append("pdftoppm (poppler-utils) is not installed: no PNG pages")
    return result


def _png_pages(pdf_path: Path) -> list[Path]:
    binary = shutil.which("pdftoppm")
    if binary is None:
        return []
    prefix = pdf_path.with_suffix("")
    subprocess.run(
        [binary, "-png", "-r", "80", str(pdf_path), str(prefix)], check=True, timeout=120
    )
    return sorted(pdf_path.parent.glob(f"{prefix.name}-*.png"))
