"""Render .docx templates with docxtpl: strict, autoescaped, one context model per template."""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from pydantic import BaseModel

from documents import formatting, labels

TEMPLATES_DIR = Path(__file__).with_name("templates")
LANGUAGES = ("fr", "nl", "de", "en")
# Printed width of an image by its context key: a chart spans the text width (16 cm of an A4
# page); anything else (the payment and ballot QR codes) is 3 cm, a size phones read well.
IMAGE_WIDTH_MM = {"chart": 160}


class TemplateMissing(LookupError):
    pass


def template_path(name: str, language: str) -> Path:
    path = TEMPLATES_DIR / f"{name}.{language}.docx"
    if not path.exists():
        raise TemplateMissing(f"no template {path.name} in {TEMPLATES_DIR}")
    return path


@lru_cache(maxsize=256)
def template_version(name: str, language: str) -> str:
    """The sha256 (first 16 hex) of the template file: archived with every document."""
    return hashlib.sha256(template_path(name, language).read_bytes()).hexdigest()[:16]


def jinja_environment(language: str) -> jinja2.Environment:
    """StrictUndefined (a missing field fails loudly) and autoescape (member text is data)."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters["money"] = lambda cents: formatting.money(int(cents), language)
    env.filters["date"] = lambda value: formatting.long_date(value, language)
    env.filters["datetime"] = lambda value: formatting.date_time(value, language)
    env.filters["number"] = lambda value: formatting.number(value, language)
    env.filters["country"] = lambda code: labels.country(str(code), language)
    env.filters["weekday_date"] = lambda value: formatting.weekday_date(value, language)
    env.filters["plural"] = formatting.plural_filter(language)
    env.filters["salutation"] = lambda name, company=False: formatting.salutation(
        str(name), language, company=bool(company)
    )
    env.filters["iban"] = formatting.group_iban
    env.filters["vat"] = formatting.vat_number
    env.filters["enterprise"] = formatting.enterprise_number
    # On paper a line may break between two "+": word joiners (U+2060) keep it whole.
    env.filters["communication"] = lambda value: formatting.structured(value).replace(
        "+++", "+\u2060+\u2060+"
    )
    return env


def context_dict(context: BaseModel) -> dict[str, Any]:
    """A model's fields as Jinja sees them (nested models as dicts, dates as dates)."""
    return context.model_dump(mode="python")


def render_docx(
    name: str, language: str, context: BaseModel, images: dict[str, bytes] | None = None
) -> bytes:
    """Render `<name>.<language>.docx` with `context`; returns the .docx bytes."""
    doc = DocxTemplate(str(template_path(name, language)))
    values = context_dict(context)
    for key, png in (images or {}).items():
        values[key] = InlineImage(doc, io.BytesIO(png), width=Mm(IMAGE_WIDTH_MM.get(key, 30)))
    doc.render(values, jinja_env=jinja_environment(language), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
