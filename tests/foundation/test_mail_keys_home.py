"""Outbox keys have one home: governance/kernel/rules/mail_keys.py. No other production module
spells a "mail:" key or prefix; flows, tasks and the CLI get them from that module or from the use case
that queued the message."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "governance" / "kernel" / "rules" / "mail_keys.py"
PACKAGES = ("governance", "tasks", "flows", "coopflow_cli", "seeding", "bench")


def _spelled_keys(tree: ast.AST) -> list[tuple[int, str]]:
    """String literals (f-string pieces included) that start an outbox key."""
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith("mail:")
    ]


def test_the_scan_finds_keys_in_plain_and_formatted_strings() -> None:
    source = 'a = "mail:contract:"\nb = f"mail:welcome:{member_id}"\nc = "e-mail: x"\n'
    assert [line for line, _ in _spelled_keys(ast.parse(source))] == [1, 2]


def test_no_module_but_mail_keys_spells_an_outbox_key() -> None:
    files = [f for package in PACKAGES for f in sorted((ROOT / package).rglob("*.py"))]
    assert HOME in files
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in files
        if path != HOME
        for line, text in _spelled_keys(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not offenders, "build outbox keys with governance.kernel.rules.mail_keys:\n" + "\n".join(
        offenders
    )
