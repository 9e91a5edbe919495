"""The demo's steps, in order; each process adds its own module here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coopflow_cli.demo_steps import assembly, foundation, register, transition

STEPS: list[tuple[str, Callable[[Any], None]]] = [
    ("members", foundation.seed_members),
    ("member-welcome", foundation.welcome_some),
    ("share-subscription", register.subscribe_and_pay),
    ("share-transfer", register.transfer_and_resign),
    ("share-register", register.verify_and_export),
    ("assembly-convening", assembly.convene_assembly),
    ("assembly-reminders", assembly.remind_voters),
    # Keep last: it restricts every member still without a share on its restriction date.
    ("transition", transition.transition_campaign),
]
