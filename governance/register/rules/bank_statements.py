"""A bank statement handed over by staff: the pasted text made into the file the bank sent,
and the checks a statement must pass before it is kept.

Pasting changes what does not matter (line endings, a byte-order mark, blank lines around the
text, the encoding the XML declaration names): those are made canonical, so the same statement
pasted twice has the same sha256 and is kept once.
"""

from __future__ import annotations

import hashlib
import re

from governance.register.rules.camt053 import Statement
from governance.register.rules.camt053_entries import InvalidStatement

_DECLARED_ENCODING = re.compile(r"""^(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")


class NoEntries(InvalidStatement):
    """The statement holds no movement: nothing to import (probably the wrong file)."""

    code = "no_entries"


def pasted_bytes(text: str) -> bytes:
    """The statement as UTF-8 bytes. The browser already decoded the text, so a declaration
    naming another encoding (ISO-8859-1, ...) is rewritten to say UTF-8."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidStatement("nothing was pasted: paste the camt.053 XML as the bank exported it")
    canonical = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").strip()
    canonical = _DECLARED_ENCODING.sub(r"\1\2UTF-8\2", canonical, count=1)
    return canonical.encode("utf-8") + b"\n"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_has_entries(statements: list[Statement]) -> None:
    """Refuse a file whose statements hold no movement (Ntry) at all."""
    if not any(statement.entries for statement in statements):
        ids = ", ".join(statement.statement_id for statement in statements)
        raise NoEntries(
            f"statement {ids} holds no entries (Ntry): there is no payment to import; "
            "check that this is the statement of the right day and account"
        )
