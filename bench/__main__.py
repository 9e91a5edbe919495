"""Run the benchmarks: `python -m bench [--quick] [--only NAME ...]`.

Each scenario runs in a fresh process (clean peak-memory figure); results go to
bench/results.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.result import peak_rss_mb
from bench.scenarios import SCENARIOS

RESULTS = Path(__file__).with_name("results.json")


def run_one(name: str, quick: bool) -> None:
    module = importlib.import_module(SCENARIOS[name])
    results = module.run(quick)
    rss = peak_rss_mb()
    out = []
    for result in results:
        result.peak_rss_mb = round(result.peak_rss_mb or rss, 1)
        out.append(result.as_json())
    print("BENCH-JSON " + json.dumps(out))


def machine() -> dict[str, object]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--only", nargs="*", choices=sorted(SCENARIOS))
    parser.add_argument(
        "--size", type=int, help="the PDF scenarios' size instead of the full one (BENCH_SIZE)"
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.size:
        os.environ["BENCH_SIZE"] = str(args.size)
    if args.one:
        run_one(args.one, args.quick)
        return 0
    names = args.only or list(SCENARIOS)
    rows: list[dict[str, object]] = []
    console = Console(width=220)
    for name in names:
        console.print(f"[bold]running {name}{' (quick)' if args.quick else ''}…")
        cmd = [sys.executable, "-m", "bench", "--one", name] + (["--quick"] if args.quick else [])
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH-JSON ")), None)
        if proc.returncode != 0 or line is None:
            console.print(f"[red]{name} failed[/red]\n{proc.stderr[-3000:]}")
            return 1
        for result in json.loads(line.removeprefix("BENCH-JSON ")):
            result["scenario"] = name
            rows.append(result)
    table = Table(title="coopflow benchmarks" + (" (quick)" if args.quick else ""))
    for column in (
        "scenario",
        "case",
        "size",
        "seconds",
        "items/s",
        "baseline s",
        "ratio",
        "peak RSS MiB",
        "target",
        "where the time goes",
    ):
        table.add_column(column)
    for r in rows:
        phases = ", ".join(f"{k} {v:.2f}s" for k, v in dict(r["breakdown"]).items())  # type: ignore[call-overload]
        table.add_row(
            str(r["scenario"]),
            str(r["name"]),
            str(r["size"]),
            f"{r['seconds']:.2f}",
            f"{r['items_per_second']:.0f}",
            "" if r["baseline_seconds"] is None else f"{r['baseline_seconds']:.2f}",
            "" if r["ratio"] is None else f"{r['ratio']:.1f}×",
            f"{r['peak_rss_mb']:.0f}",
            str(r["target"]),
            phases,
        )
    console.print(table)
    for r in rows:
        r["quick"] = args.quick
    kept: list[dict[str, object]] = []
    if RESULTS.exists():  # keep the other scenarios' latest figures; replace the ones run now
        kept = [
            r
            for r in json.loads(RESULTS.read_text()).get("results", [])
            if (r.get("scenario"), r.get("quick")) not in {(n, args.quick) for n in names}
        ]
    RESULTS.write_text(json.dumps({"machine": machine(), "results": kept + rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
