"""The portal's words for the grants pages."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {"fr": {}, "nl": {}, "de": {}, "en": {}}
