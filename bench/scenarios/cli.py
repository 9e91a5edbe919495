"""The `coop` CLI's answer time: `coop --help` and every group's `--help`, each in a new
process as staff type it; the baseline imports what the CLI imported up front before
(the grant services, hence SQLAlchemy and the models) and then prints the same help."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from bench.result import Result

GROUPS = [
    "",
    "members",
    "register",
    "payments",
    "shares",
    "transition",
    "contracts",
    "grants",
    "assembly",
    "inbox",
]
EAGER = "import governance.grants.use_cases.grants, governance.grants.use_cases.grant_awards; "


def _seconds(code: str, args: list[str], repeat: int) -> float:
    """Median wall time of `python -c code args --help` over `repeat` runs."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code, *args, "--help"],
            check=True,
            capture_output=True,
        )
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run(quick: bool) -> list[Result]:
    repeat = 3 if quick else 7
    results = []
    for group in GROUPS[:3] if quick else GROUPS:
        args = [group] if group else []
        main = "import sys; sys.argv[0] = 'coop'; from coopflow_cli.main import app; app()"
        lazy = _seconds(main, args, repeat)
        eager = _seconds(EAGER + main, args, repeat)
        results.append(
            Result(
                name=f"coop {group} --help".replace("  ", " "),
                size=1,
                seconds=round(lazy, 3),
                baseline_seconds=round(eager, 3),
                target="well under 1 s",
                notes=f"median of {repeat} new processes; baseline: services imported up front",
            )
        )
    return results
