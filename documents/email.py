"""E-mail bodies: documents/emails/<template>.<lang>.j2, first line `Subject: ...`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from documents import contract_reasons, formatting, staff_text
from governance.config import get_settings

EMAILS_DIR = Path(__file__).with_name("emails")


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str


@lru_cache(maxsize=8)
def _environment(language: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(EMAILS_DIR),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - plain-text mail; the HTML part is escaped in mail.py
        keep_trailing_newline=True,
    )
    env.filters["money"] = lambda cents: formatting.money(int(cents), language)
    env.filters["date"] = lambda value: formatting.long_date(_as_date(value), language)
    env.filters["plural"] = formatting.plural_filter(language)
    env.filters["salutation"] = lambda name, company=False: formatting.salutation(
        name, language, company=bool(company)
    )
    env.filters["iban"] = formatting.group_iban
    env.filters["communication"] = formatting.structured
    env.filters["staff_text"] = lambda text: staff_text.as_typed(
        str(text), str(get_settings().staff_language), language
    )
    env.filters["check_reason"] = lambda code: contract_reasons.check_reason(code, language)
    return env


def environment(language: str) -> jinja2.Environment:
    """The Jinja environment of the e-mails in `language` (its filters included)."""
    return _environment(str(language))


def _as_date(value: Any) -> Any:
    from datetime import date

    return date.fromisoformat(value) if isinstance(value, str) else value


@lru_cache(maxsize=512)
def _template(name: str, language: str) -> jinja2.Template:
    return _environment(language).get_template(f"{name}.{language}.j2")


def render_email(name: str, language: str, context: dict[str, Any]) -> RenderedEmail:
    """Subject and plain-text body of one message."""
    values = {"coop_name": get_settings().coop_name, **context}  # one signature everywhere
    rendered = _template(name, str(language)).render(**values)
    first, _, body = rendered.partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"e-mail template {name}.{language}.j2 must start with 'Subject: '")
    return RenderedEmail(subject=first.removeprefix("Subject:").strip(), text=body.lstrip("\n"))
