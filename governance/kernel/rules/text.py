"""Text typed by people or read from files: control characters are refused, never stored.

One check for every input model and every imported cell. NUL and the other control characters
crash PostgreSQL, make .docx files Word cannot open and break exports; a line break in a name
spills into e-mail bodies; a direction override makes a name display as another. One-line
fields (names, addresses, e-mail, identifiers) refuse every control character but the tab;
free text (notes, answers, descriptions) also keeps line breaks.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator

LINE_BREAKS = frozenset("\n\r\u2028\u2029\x85\x0b\x0c")
# bidirectional overrides and isolates: they make a name display as another ("Trojan Source")
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def text_problem(value: str, *, one_line: bool) -> str | None:
    """Why this text cannot be stored (a message naming the position, 1-based), or None."""
    for position, char in enumerate(value, 1):
        if char == "\t":
            continue
        if char in LINE_BREAKS:
            if one_line:
                return f"contains a line break (position {position}): keep it on one line"
            if char in "\n\r":
                continue
        if char in DIRECTION_CONTROLS:
            return f"contains an invisible text-direction control (position {position})"
        category = unicodedata.category(char)
        if category == "Cc":
            return f"contains a control character (position {position})"
        if category == "Cs":
            return f"contains an invalid character (position {position})"
    return None


def _one_line(value: str) -> str:
    problem = text_problem(value, one_line=True)
    if problem:
        raise ValueError(problem)
    return value


def _free_text(value: str) -> str:
    problem = text_problem(value, one_line=False)
    if problem:
        raise ValueError(problem)
    return value


OneLineText = Annotated[str, AfterValidator(_one_line)]
"""A name, an address line, an e-mail address, an identifier: no control character, no line
break."""

Text = Annotated[str, AfterValidator(_free_text)]
"""Free text (a note, an answer, a description): line breaks and tabs, no other control
character."""
