"""The demo's steps, in order; each process adds its own module here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from seeding.demo_steps import (
    assembly,
    contracts,
    foundation,
    grants,
    register,
    transition,
)
from seeding.demo_steps import onboarding as onboarding_demo
from seeding.demo_steps import portal as portal_demo
from seeding.demo_steps import staff as staff_demo
from seeding.demo_steps import ui as ui_demo
from seeding.demo_steps import voting as voting_demo

STEPS: list[tuple[str, Callable[[Any], None]]] = [
    ("staff", staff_demo.register_staff),
    ("members", foundation.seed_members),
    ("member-welcome", foundation.welcome_some),
    ("share-subscription", register.subscribe_and_pay),
    ("share-payment-review", register.review_held_payments),
    ("share-transfer", register.transfer_and_resign),
    ("share-register", register.verify_and_export),
    ("contracts", contracts.run_contracts),
    ("grants", grants.run_call),
    ("assembly-convening", assembly.convene_assembly),
    ("assembly-reminders", assembly.remind_voters),
    ("assembly-voting", voting_demo.cast_votes),
    ("assembly-closing", voting_demo.close_assembly),
    ("member-welcome-review", ui_demo.confirm_welcome_packs),
    ("member-onboarding", onboarding_demo.onboard_applicants),
    ("member-portal", portal_demo.visit_portal),
    # Keep last: it restricts every member still without a share on its restriction date.
    ("transition", transition.transition_campaign),
]
