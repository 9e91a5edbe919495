"""The timeline and the decision requests are written by their repositories only
(governance/db/repositories): no other module builds, inserts, updates or deletes their rows."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUARDED = {"TimelineEvent", "DecisionRequest"}
WRITES = {"insert", "update", "delete"}
OWNERS = {ROOT / "governance" / "db" / "repositories", ROOT / "governance" / "db" / "models"}
PACKAGES = ("governance", "tasks", "flows", "documents", "coopflow_cli", "seeding", "bench")


def _writes(tree: ast.AST) -> list[tuple[int, str]]:
    """Each `TimelineEvent(...)`, `insert(TimelineEvent)`, `update(...)`, `delete(...)` (and the
    same for DecisionRequest), also through `bulk.insert_rows(..., table_of(Model), ...)`."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
            node.func, "id", "")
        if name in GUARDED:
            found.append((node.lineno, f"{name}(...)"))
        guarded_args = [a.id for a in node.args if isinstance(a, ast.Name) and a.id in GUARDED]
        if guarded_args and (name in WRITES or name in {"table_of", "insert_rows"}):
            found.append((node.lineno, f"{name}({guarded_args[0]})"))
    return found


def _offenders(files: list[Path]) -> list[str]:
    offenders = []
    for path in files:
        if any(owner in path.parents for owner in OWNERS):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        shown = path.relative_to(ROOT) if ROOT in path.parents else path.name
        offenders += [f"{shown}:{line}: {what}" for line, what in sorted(_writes(tree))]
    return offenders


def test_only_the_repositories_write_timeline_events_and_decision_requests() -> None:
    files = [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]
    assert len(files) > 100  # the source tree was found
    assert _offenders(files) == []


def test_the_check_sees_each_way_of_writing_those_rows(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "session.add(TimelineEvent(action='x'))\n"
        "session.execute(insert(TimelineEvent), rows)\n"
        "session.execute(update(DecisionRequest).values(question=''))\n"
        "session.execute(sa.delete(TimelineEvent))\n"
        "bulk.insert_rows(session, table_of(TimelineEvent), rows)\n"
        "session.execute(select(DecisionRequest))\n"  # reading is fine
    )
    assert [line.split(": ", 1)[1] for line in _offenders([sample])] == [
        "TimelineEvent(...)",
        "insert(TimelineEvent)",
        "update(DecisionRequest)",
        "delete(TimelineEvent)",
        "table_of(TimelineEvent)",
    ]
