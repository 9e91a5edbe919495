"""The house's limits as a ratchet (issue "the house"): no module over 500 lines, no function over
60, `.commit()` only where it is today or fewer places, and no new use case handing out ORM
rows. The known offenders are listed in
house_baseline.json with their size today; they may shrink or leave the list, never grow, and no
new one may join. When an offender is fixed, the test asks to remove it from the list
(`python -m bench.house --offenders` prints today's figures)."""

from __future__ import annotations

import json
from pathlib import Path

from bench import house

BASELINE = json.loads(Path(__file__).with_name("house_baseline.json").read_text())


def _compare(kind: str) -> list[str]:
    allowed: dict[str, int] = BASELINE[kind]
    found = house.offenders()[kind]
    problems = [
        f"{name}: {size} (allowed {allowed.get(name, 'none')})"
        for name, size in sorted(found.items())
        if size > allowed.get(name, 0)
    ]
    problems += [
        f"{name} is no longer over the limit: remove it from house_baseline.json"
        for name in sorted(allowed)
        if name not in found
    ]
    return problems


def test_no_new_or_longer_module_over_500_lines() -> None:
    assert _compare("long_modules") == []


def test_no_new_or_longer_function_over_60_lines() -> None:
    assert _compare("long_functions") == []


def test_commits_only_in_use_cases_or_known_places() -> None:
    assert _compare("commits_outside_use_cases") == []


def test_use_cases_hand_out_views_not_table_rows() -> None:
    """A public use case or query returns a view, an id or a figure; the known
    functions returning ORM rows may leave the list, no new one may join."""
    assert _compare("orm_rows_returned") == []


def test_queries_never_commit() -> None:
    """A query module of a business area reads; a commit there is a use case in the wrong room."""
    commits = house.offenders()["commits_outside_use_cases"]
    assert [name for name in commits if ".queries." in name] == []


def test_a_use_case_commits_once() -> None:
    """One transaction rule: a use case commits once, at its end; the
    known exceptions (a claim committed before a send, say) may leave the list, not grow."""
    assert _compare("use_cases_committing_more_than_once") == []
