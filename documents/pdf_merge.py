"""Many .docx of one template in one conversion, then one PDF per document again.

LibreOffice spends most of a one-document conversion on loading and laying out, not on the
document itself: one merged file of a hundred documents converts many times faster per document
than a hundred files. So documents of the same family (same template and language: every part
but the body and its pictures is the same, headers and footers as rendered included) are merged
into one .docx, each document in a section of its own that starts on a new page, as it would
alone, with a Word bookmark `coopdoc<N>` inside its first paragraph (no extra paragraph: that
would shift the layout). Exported with ExportBookmarksToPDFDestination, each bookmark becomes a
named destination `/coopdoc<N>` whose page is where document N starts; the PDF is cut there.

No underscore in the bookmark's name: LibreOffice writes "_" as "5F" in the destination.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from documents.pdf import PdfConversionError

BOOKMARK = "coopdoc"
BOOKMARK_ID = 90000  # far above the ids a template's own bookmarks use
_DOCUMENT = "word/document.xml"
_RELS = "word/_rels/document.xml.rels"
_TYPES = "[Content_Types].xml"
_PER_DOCUMENT_RELS = ("/image", "/hyperlink")  # relationship types a body brings of its own
_BODY = re.compile(r"(<w:body[^>]*>)(.*)</w:body>", re.S)
_SECT = re.compile(r"<w:sectPr[ >].*?</w:sectPr>\s*$", re.S)
_REL = re.compile(r"<Relationship\s[^>]*?/>", re.S)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_REF = re.compile(r'(r:(?:embed|id|link|pict)=")([^"]+)(")')
_DOC_PR = re.compile(r'(<wp:docPr\b[^>]*?\bid=")(\d+)(")')
_CATALOG_KEPT = ("/Metadata", "/OutputIntents", "/Lang", "/MarkInfo")  # PDF/A needs the first two
_FIRST_P = re.compile(r"<w:p(?:\s[^>]*)?(/?)>")
_LAST_P = re.compile(r"<w:p(?:\s[^>]*)?>")


@dataclass(frozen=True)
class _Parts:
    """One .docx read once: its parts, body (without its section) and section properties."""

    parts: dict[str, bytes]
    body: str
    section: str
    document_head: str
    document_tail: str
    body_tag: str
    own_rels: list[dict[str, str]]
    shared_rels: str


def _read(docx: bytes) -> _Parts:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    document = parts[_DOCUMENT].decode("utf-8")
    found = _BODY.search(document)
    if found is None:
        raise PdfConversionError("a .docx without a body cannot be merged")
    inner = found.group(2)
    section = _SECT.search(inner)
    rels_xml = parts.get(_RELS, b"").decode("utf-8")
    own, shared = [], rels_xml
    for rel in _REL.findall(rels_xml):
        attrs = dict(_ATTR.findall(rel))
        if attrs.get("Type", "").endswith(_PER_DOCUMENT_RELS):
            own.append(attrs)
            shared = shared.replace(rel, "")
    return _Parts(
        parts=parts,
        body=inner[: section.start()] if section else inner,
        section=section.group(0).strip() if section else "",
        document_head=document[: found.start()],
        document_tail=document[found.end() :],
        body_tag=found.group(1),
        own_rels=own,
        shared_rels=shared,
    )


def family(docx: bytes) -> str:
    """What documents merged into one conversion must share: every part except the body, its
    pictures and its own relationships (headers and footers as rendered, styles, settings)."""
    read = _read(docx)
    digest = hashlib.sha256(read.shared_rels.encode())
    digest.update(read.document_head.encode() + read.body_tag.encode() + read.section.encode())
    for name in sorted(read.parts):
        if name in (_DOCUMENT, _RELS) or name.startswith(("word/media/", "docProps/")):
            continue
        digest.update(name.encode() + b"\0" + read.parts[name] + b"\0")
    return digest.hexdigest()


def _bookmark(body: str, number: int) -> str:
    """A bookmark at the start of the body's first paragraph (after its properties)."""
    mark = (
        f'<w:bookmarkStart w:id="{BOOKMARK_ID + number}" w:name="{BOOKMARK}{number}"/>'
        f'<w:bookmarkEnd w:id="{BOOKMARK_ID + number}"/>'
    )
    first = _FIRST_P.search(body)
    if first is None:
        return f"<w:p>{mark}</w:p>" + body
    if first.group(1):  # <w:p/>
        return body[: first.start()] + f"<w:p>{mark}</w:p>" + body[first.end() :]
    at = first.end()
    if body.startswith("<w:pPr/>", at):
        at += len("<w:pPr/>")
    elif body.startswith(("<w:pPr>", "<w:pPr "), at):
        at = body.index("</w:pPr>", at) + len("</w:pPr>")
    return body[:at] + mark + body[at:]


def _end_section(body: str, section: str) -> str:
    """The document's own section properties in its last paragraph: the next document starts on
    a new page with the same page setup, header and footer (a section's type is nextPage)."""
    body = body.rstrip()
    starts = list(_LAST_P.finditer(body))
    if not body.endswith("</w:p>") or not starts:
        return body + f"<w:p><w:pPr>{section}</w:pPr></w:p>"
    last = starts[-1]
    at = last.end()
    if body.startswith("<w:pPr/>", at):
        return body[:at] + f"<w:pPr>{section}</w:pPr>" + body[at + len("<w:pPr/>") :]
    if body.startswith(("<w:pPr>", "<w:pPr "), at):
        end = body.index("</w:pPr>", at)
        return body[:end] + section + body[end:]
    return body[:at] + f"<w:pPr>{section}</w:pPr>" + body[at:]


def _renamed(body: str, ids: dict[str, str]) -> str:
    """The body pointing at its relationships' new ids."""
    return _REF.sub(lambda m: m.group(1) + ids.get(m.group(2), m.group(2)) + m.group(3), body)


def merge(sources: Sequence[bytes]) -> bytes:
    """One .docx of documents of one family (see `family`), document N (from 0) bookmarked
    `coopdoc<N>`, each starting on a new page."""
    if not sources:
        raise ValueError("nothing to merge")
    documents = [_read(source) for source in sources]
    base = documents[0]
    parts = {
        name: data
        for name, data in base.parts.items()
        if name not in (_DOCUMENT, _RELS) and not name.startswith("word/media/")
    }
    rels, bodies, extensions = [], [], set()
    for number, doc in enumerate(documents):
        renamed: dict[str, str] = {}
        for rel in doc.own_rels:
            new_id = f"rIdCoopDoc{number}x{rel['Id']}"
            renamed[rel["Id"]] = new_id
            attrs = dict(rel, Id=new_id)
            if rel.get("TargetMode") != "External":
                source = posixpath.normpath(posixpath.join("word", rel["Target"]))
                target = f"media/doc{number}_{posixpath.basename(rel['Target'])}"
                parts["word/" + target] = doc.parts[source]
                extensions.add(posixpath.splitext(target)[1].lstrip(".").lower())
                attrs["Target"] = target
            rels.append("<Relationship " + " ".join(f'{k}="{v}"' for k, v in attrs.items()) + "/>")
        body = _bookmark(_renamed(doc.body, renamed), number)
        if number < len(documents) - 1:
            body = _end_section(body, doc.section)
        bodies.append(body)
    counter = iter(range(1, 10**9))
    inner = _DOC_PR.sub(lambda m: f"{m.group(1)}{next(counter)}{m.group(3)}", "".join(bodies))
    parts[_DOCUMENT] = (
        base.document_head
        + base.body_tag
        + inner
        + documents[-1].section
        + "</w:body>"
        + base.document_tail
    ).encode("utf-8")
    own = "".join(rels) + "</Relationships>"
    parts[_RELS] = base.shared_rels.replace("</Relationships>", own).encode("utf-8")
    types = parts[_TYPES].decode("utf-8")
    for ext in sorted(extensions):
        if f'Extension="{ext}"' not in types:
            kind = "image/jpeg" if ext in ("jpg", "jpeg") else f"image/{ext}"
            types = types.replace(
                "<Default ", f'<Default Extension="{ext}" ContentType="{kind}"/><Default ', 1
            )
    parts[_TYPES] = types.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name in [_TYPES, *sorted(n for n in parts if n != _TYPES)]:
            z.writestr(name, parts[name])
    return out.getvalue()


def first_pages(reader: PdfReader, count: int) -> list[int]:
    """Where each of `count` merged documents starts (0-based page numbers, increasing)."""
    destinations = reader.named_destinations
    starts: list[int] = []
    for number in range(count):
        destination = destinations.get(f"/{BOOKMARK}{number}") or destinations.get(
            f"{BOOKMARK}{number}"
        )
        if destination is None:
            raise PdfConversionError(f"the merged PDF has no destination for document {number}")
        page = reader.get_destination_page_number(destination)
        if page is None or page < 0 or (starts and page <= starts[-1]):
            raise PdfConversionError(f"document {number} starts at page {page}, out of order")
        starts.append(page)
    if starts and starts[0] != 0:
        raise PdfConversionError(f"the first document starts at page {starts[0]}, not 0")
    return starts


def split(merged_pdf: Path, targets: Sequence[Path]) -> list[int]:
    """Cut the merged PDF into one file per document (same order as merged); returns each
    document's page count. What PDF/A needs is kept: the catalog's XMP /Metadata and
    /OutputIntents, the info dictionary (producer, dates) and a file identifier."""
    reader = PdfReader(merged_pdf)
    starts = first_pages(reader, len(targets))
    ends = [*starts[1:], len(reader.pages)]
    catalog = reader.root_object
    counts = []
    for target, start, end in zip(targets, starts, ends, strict=True):
        writer = PdfWriter()
        for index in range(start, end):
            writer.add_page(reader.pages[index])
        for key in _CATALOG_KEPT:
            if key in catalog:
                writer.root_object[NameObject(key)] = catalog.raw_get(key).clone(writer)
        if reader.metadata is not None:  # PDF/A: the info dictionary agrees with the XMP
            writer.add_metadata(reader.metadata)
        writer.generate_file_identifiers()  # PDF/A requires the trailer's /ID
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as handle:
            writer.write(handle)
        counts.append(end - start)
    return counts
