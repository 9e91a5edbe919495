"""The scenarios, by name. Each module has `run(quick: bool) -> list[Result]`."""

from __future__ import annotations

SCENARIOS: dict[str, str] = {
    "welcome-letters": "bench.scenarios.welcome",
    "onboarding": "bench.scenarios.onboarding",
    "register": "bench.scenarios.register",
}
