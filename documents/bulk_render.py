"""The fast path for mass documents: docxtpl authoring, compiled once, zipped from parts.

docxtpl (render + save) costs ~16 ms per document. Here a template is prepared once per
process exactly as docxtpl prepares it (`patch_xml`, the same Jinja environment), then each
document only renders the body and header XML with the compiled Jinja template and writes a
zip whose unchanged parts are compressed once. The same template gives the same text
through both paths (tests/assembly/test_assembly_documents.py reopens both with python-docx).

Images (the ballot's QR code) become an inline picture part of their own, like docxtpl's
InlineImage. `merge_bodies` concatenates many documents into one printable file.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from pydantic import BaseModel

from documents.render import context_dict, jinja_environment, template_path, template_version

_IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_BODY = re.compile(r"<w:body[^>]*>(.*)</w:body>", re.S)
_SECT = re.compile(r"<w:sectPr[ >].*?</w:sectPr>\s*$", re.S)
_DOS_TIME, _DOS_DATE = 0, (2026 - 1980) << 9 | 1 << 5 | 1
IMAGE_WIDTH_EMU = 30 * 36000  # 30 mm, as render.render_docx gives InlineImage


def _drawing(rid: str, number: int, width: int = IMAGE_WIDTH_EMU) -> str:
    """The run docxtpl's InlineImage inserts, pointing at relationship `rid`."""
    return (
        '</w:t></w:r><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<wp:extent cx="{width}" cy="{width}"/><wp:docPr id="{number}" name="Picture {number}"/>'
        '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{number}" name="image{number}.png"/><pic:cNvPicPr/>'
        f'</pic:nvPicPr><pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch>'
        '</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
        f'<a:ext cx="{width}" cy="{width}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        "</a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>"
        '</w:r><w:r><w:t xml:space="preserve">'
    )


class _Raw(str):
    """Inserted as is under autoescape (like docxtpl's InlineImage)."""

    def __html__(self) -> str:
        return str(self)


@dataclass(frozen=True)
class _Entry:
    name: bytes
    method: int
    crc: int
    data: bytes  # compressed (or stored) bytes
    size: int


def _entry(name: str, payload: bytes, compress: bool = True) -> _Entry:
    if compress:
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        data = packer.compress(payload) + packer.flush()
    else:
        data = payload
    return _Entry(name.encode(), 8 if compress else 0, zlib.crc32(payload), data, len(payload))


def _zip(entries: Sequence[_Entry]) -> bytes:
    """A plain zip (no data descriptors, no extras): what Word, LibreOffice and zipfile read."""
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for e in entries:
        header = struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            0,
            e.method,
            _DOS_TIME,
            _DOS_DATE,
            e.crc,
            len(e.data),
            e.size,
            len(e.name),
            0,
        )
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                e.method,
                _DOS_TIME,
                _DOS_DATE,
                e.crc,
                len(e.data),
                e.size,
                len(e.name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + e.name
        )
        out += [header, e.name, e.data]
        offset += len(header) + len(e.name) + len(e.data)
    directory = b"".join(central)
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), offset, 0
    )
    return b"".join(out) + directory + end


def _prepare(xml: str) -> str:
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


class BulkTemplate:
    """`<name>.<language>.docx` compiled once; `render(context)` gives the .docx bytes."""

    def __init__(self, name: str, language: str) -> None:
        self.name, self.language = name, language
        self.version = template_version(name, language)
        path = template_path(name, language)
        self._docx = DocxTemplate(str(path))
        self._docx.render_init()
        env = jinja_environment(language)
        env.autoescape = True
        self._body = env.from_string(_prepare(self._docx.patch_xml(self._docx.get_xml())))
        self._headers: dict[str, jinja2.Template] = {}
        for _rel, part in self._docx.get_headers_footers(self._docx.HEADER_URI):
            xml = self._docx.patch_xml(self._docx.get_part_xml(part))
            self._headers[str(part.partname).lstrip("/")] = env.from_string(_prepare(xml))
        for _rel, part in self._docx.get_headers_footers(self._docx.FOOTER_URI):
            xml = self._docx.patch_xml(self._docx.get_part_xml(part))
            self._headers[str(part.partname).lstrip("/")] = env.from_string(_prepare(xml))
        import zipfile

        with zipfile.ZipFile(path) as z:
            self._raw = {i.filename: z.read(i) for i in z.infolist()}
        document = self._raw["word/document.xml"].decode("utf-8")
        start = document.index("<w:body")
        end = document.rindex("</w:body>") + len("</w:body>")
        self._doc_head, self._doc_tail = document[:start], document[end:]
        self._fixed = {
            n: _entry(n, data)
            for n, data in self._raw.items()
            if n not in ("word/document.xml", "word/_rels/document.xml.rels", "[Content_Types].xml")
            and n not in self._headers
        }
        self._plain_rels = _entry(
            "word/_rels/document.xml.rels", self._raw["word/_rels/document.xml.rels"]
        )
        types = self._raw["[Content_Types].xml"].decode()
        if 'Extension="png"' not in types:
            types = types.replace(
                "<Default ", '<Default Extension="png" ContentType="image/png"/><Default ', 1
            )
        self._types = _entry("[Content_Types].xml", types.encode())

    def _finish(self, xml: str) -> str:
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = (
            xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        )
        return str(self._docx.resolve_listing(xml))

    def _values(
        self, context: BaseModel | Mapping[str, Any], images: Mapping[str, bytes], prefix: str
    ) -> tuple[dict[str, Any], list[tuple[str, str, bytes]]]:
        values = context_dict(context) if isinstance(context, BaseModel) else dict(context)
        media = []
        for number, (key, png) in enumerate(sorted(images.items()), start=1):
            rid = f"rIdCoop{prefix}{number}"
            values[key] = _Raw(_drawing(rid, 9000 + int(prefix or 0) * 10 + number))
            media.append((rid, f"media/coop{prefix}_{number}.png", png))
        return values, media

    def render_body(
        self,
        context: BaseModel | Mapping[str, Any],
        images: Mapping[str, bytes] | None = None,
        prefix: str = "",
    ) -> tuple[str, list[tuple[str, str, bytes]]]:
        """The rendered <w:body> content without its section properties, and its images."""
        values, media = self._values(context, images or {}, prefix)
        body = self._finish(self._body.render(values))
        inner = _BODY.search(body)
        assert inner is not None
        return _SECT.sub("", inner.group(1)), media

    def render(
        self, context: BaseModel | Mapping[str, Any], images: Mapping[str, bytes] | None = None
    ) -> bytes:
        """One .docx: only the body, headers and (with images) relationships are new."""
        values, media = self._values(context, images or {}, "")
        body = self._finish(self._body.render(values))
        entries = [self._types]
        entries.append(
            _entry("word/document.xml", (self._doc_head + body + self._doc_tail).encode())
        )
        for name, template in self._headers.items():
            entries.append(_entry(name, self._finish(template.render(values)).encode()))
        entries.append(self._rels(media) if media else self._plain_rels)
        entries.extend(self._fixed.values())
        entries.extend(_entry(f"word/{target}", png, compress=False) for _r, target, png in media)
        return _zip(entries)

    def _rels(self, media: Sequence[tuple[str, str, bytes]]) -> _Entry:
        rels = self._raw["word/_rels/document.xml.rels"].decode()
        extra = "".join(
            f'<Relationship Id="{rid}" Type="{_IMAGE_REL}" Target="{target}"/>'
            for rid, target, _png in media
        )
        return _entry(
            "word/_rels/document.xml.rels",
            rels.replace("</Relationships>", extra + "</Relationships>").encode(),
        )

    def merge(
        self, bodies: Sequence[tuple[str, list[tuple[str, str, bytes]]]], header: Mapping[str, Any]
    ) -> bytes:
        """One printable .docx of many rendered bodies (a page break between them), with this
        template's styles, section and header (rendered with `header`)."""
        brk = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
        sect = _SECT.search(_BODY.search(self._body.render(dict(header))).group(1))  # type: ignore[union-attr]
        inner = brk.join(b for b, _m in bodies) + (sect.group(0) if sect else "")
        media = [m for _b, ms in bodies for m in ms]
        document = self._doc_head + "<w:body>" + inner + "</w:body>" + self._doc_tail
        entries = [self._types, _entry("word/document.xml", document.encode())]
        for name, template in self._headers.items():
            entries.append(_entry(name, self._finish(template.render(dict(header))).encode()))
        entries.append(self._rels(media) if media else self._plain_rels)
        entries.extend(self._fixed.values())
        entries.extend(_entry(f"word/{target}", png, compress=False) for _r, target, png in media)
        return _zip(entries)


_CACHE: dict[tuple[str, str], BulkTemplate] = {}


def bulk_template(name: str, language: str) -> BulkTemplate:
    """One compiled template per process (worker processes keep theirs between batches)."""
    key = (name, str(language))
    if key not in _CACHE:
        _CACHE[key] = BulkTemplate(name, str(language))
    return _CACHE[key]


def qr_png(url: str | bytes, scale: int = 4, border: int = 4) -> bytes:
    """A small black-and-white QR PNG (1 bit per pixel, ~400 bytes).

    The mask is fixed: segno's mask evaluation is most of its time (3.4 ms → 0.7-1.7 ms per
    code here) and any mask is valid for readers (ISO 18004). The PNG is written directly:
    segno's own writer took another 2 ms."""
    import segno

    matrix = segno.make(url, error="m", mask=2, micro=False).matrix
    width = (len(matrix) + 2 * border) * scale
    pad = "0" * ((8 - width % 8) % 8)

    def line(bits: str) -> bytes:  # filter byte 0, then the pixels (1 = white)
        return b"\x00" + int(bits + pad, 2).to_bytes((width + 7) // 8, "big")

    margin = "1" * (border * scale)
    blank = line("1" * width) * (border * scale)
    rows = [
        line(margin + "".join("0" * scale if v else "1" * scale for v in row) + margin) * scale
        for row in matrix
    ]
    raw = blank + b"".join(rows) + blank

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, width, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )
