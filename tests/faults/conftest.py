"""The faults suite: each test records a row (scenario, attempts, faults injected, outcome,
lost, duplicated) through the `faults_report` fixture; `--faults-report` prints the table."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# The faults suite reuses the other areas' test helpers (no copies): make them importable when
# tests/faults runs alone (`make faults`).
_TESTS = Path(__file__).resolve().parent.parent
for _area in ("assembly", "register", "voting", "contracts", "onboarding", "transition"):
    if str(_TESTS / _area) not in sys.path:
        sys.path.append(str(_TESTS / _area))


@dataclass
class FaultRow:
    scenario: str
    attempts: int
    faults: int
    outcome: str
    lost: int = 0
    duplicated: int = 0


@dataclass
class FaultsReport:
    rows: list[FaultRow] = field(default_factory=list)

    def add(self, scenario: str, *, attempts: int, faults: int, outcome: str,
            lost: int = 0, duplicated: int = 0) -> FaultRow:
        """Record one scenario's figures (printed by `make faults`)."""
        row = FaultRow(scenario, attempts, faults, outcome, lost, duplicated)
        self.rows.append(row)
        return row


_REPORT = FaultsReport()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--faults-report", action="store_true", default=False,
                     help="print the faults table (scenario, attempts, faults, outcome, ...)")


@pytest.fixture(scope="session")
def faults_report() -> FaultsReport:
    """Where a faults test writes its figures."""
    return _REPORT


def table(rows: list[FaultRow]) -> list[str]:
    """The report as aligned text lines."""
    head = ("scenario", "attempts", "faults injected", "outcome", "lost", "duplicated")
    cells = [head] + [(r.scenario, str(r.attempts), str(r.faults), r.outcome, str(r.lost),
                       str(r.duplicated)) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(head))).rstrip() for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    if not config.getoption("--faults-report", default=False):
        return
    terminalreporter.section("faults report")
    if not _REPORT.rows:
        terminalreporter.write_line("(no figures recorded: run without -n / xdist)")
        return
    for line in table(_REPORT.rows):
        terminalreporter.write_line(line)
