"""The demo's steps, in order; each process adds its own module here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coopflow_cli.demo_steps import foundation
from coopflow_cli.demo_steps import ui as ui_demo

STEPS: list[tuple[str, Callable[[Any], None]]] = [
    ("members", foundation.seed_members),
    ("member-welcome", foundation.welcome_some),
    ("member-welcome-review", ui_demo.confirm_welcome_packs),
]
