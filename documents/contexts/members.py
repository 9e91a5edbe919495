"""Contexts of the member documents."""

from __future__ import annotations

from documents.contexts import Addressee, TemplateContext


class WelcomeLetter(TemplateContext):
    member: Addressee
    member_number: str
    office: str
    share_class: str
    shares: int
    amount_cents: int
