"""Contexts of the onboarding documents."""

from __future__ import annotations

from datetime import date

from documents.contexts import Addressee, TemplateContext


class MembershipSummary(TemplateContext):
    """What the cooperative recorded at admission (never the national number)."""

    member: Addressee
    member_number: str
    kind: str  # label in the member's language
    email: str
    phone: str
    office: str
    iban_masked: str
    national_number_recorded: str  # "yes"/"no" in the member's language
    attestation: str  # label in the member's language, or a dash
    share_class: str
    shares: int
    amount_cents: int
    privacy_policy_accepted_on: date
    internal_rules_accepted_on: date
    capital_risk_accepted_on: date
