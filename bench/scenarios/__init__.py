"""The scenarios, by name. Each module has `run(quick: bool) -> list[Result]`."""

from __future__ import annotations

SCENARIOS: dict[str, str] = {
    "welcome-letters": "bench.scenarios.welcome",
    "transition": "bench.scenarios.transition",
    "register": "bench.scenarios.register",
    "onboarding": "bench.scenarios.onboarding",
    "contracts": "bench.scenarios.contracts",
    "einvoices": "bench.scenarios.einvoices",
    "grants": "bench.scenarios.grants",
    "tally": "bench.scenarios.tally",
    "assembly-convening": "bench.scenarios.assembly",
    "pdf": "bench.scenarios.pdf",
    "assembly-convening-pdf": "bench.scenarios.assembly_pdf",
    "assembly-convening-workers": "bench.scenarios.assembly_workers",
    "transition-pdf": "bench.scenarios.transition_pdf",
    "contracts-pdf": "bench.scenarios.contracts_pdf",
    "cli": "bench.scenarios.cli",
}
