"""The house in figures: `python -m bench.house [--json]`.

What the redesign is judged by (issue "the house"), read from the source, not from memory:
- the depth of the project's import graph (the longest chain of modules importing each other,
  import cycles counted as one floor), overall and inside the use cases;
- modules and functions per package, and those over the limits (500 lines per module, 60 per
  function);
- who commits: `.commit()` calls per package (one transaction rule: only use cases commit);
- which use cases commit more than once (the rule: once, at the end);
- which public use cases hand out ORM rows instead of views (their return annotation names a table
  class of governance/db/models).

`tests/foundation/test_house_limits.py` holds the limits as a ratchet on these same figures.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("governance", "documents", "tasks", "flows", "coopflow_cli")
MODULE_LIMIT = 500
FUNCTION_LIMIT = 60
# A business area's use cases and queries: governance.<area>.use_cases.<module> (or .queries.).
USE_CASE = re.compile(r"^governance\.\w+\.(use_cases|queries)\.\w+$")
COMMITTING = re.compile(r"^governance\.\w+\.use_cases\.\w+$")


def use_case_files() -> Iterator[Path]:
    """The use-case and query modules of every business area."""
    for path in source_files("governance"):
        if USE_CASE.match(module_name(path)):
            yield path


@dataclass(frozen=True)
class Function:
    module: str
    name: str
    lines: int


@dataclass
class PackageFigures:
    modules: int = 0
    lines: int = 0
    functions: int = 0
    commits: int = 0
    long_modules: list[str] = field(default_factory=list)
    long_functions: list[str] = field(default_factory=list)


def source_files(package: str) -> Iterator[Path]:
    yield from sorted((ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def functions_of(path: Path) -> list[Function]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            found.append(Function(module_name(path), node.name, lines))
    return found


def commit_calls(path: Path) -> int:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sum(
        1
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
        and not node.args
    )


def module_lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def package_figures(package: str) -> PackageFigures:
    figures = PackageFigures()
    for path in source_files(package):
        figures.modules += 1
        lines = module_lines(path)
        figures.lines += lines
        if lines > MODULE_LIMIT:
            figures.long_modules.append(f"{module_name(path)} ({lines})")
        for function in functions_of(path):
            figures.functions += 1
            if function.lines > FUNCTION_LIMIT:
                figures.long_functions.append(
                    f"{function.module}.{function.name} ({function.lines})"
                )
        figures.commits += commit_calls(path)
    return figures


def _components(nodes: set[str], edges: dict[str, set[str]]) -> dict[str, int]:
    """Strongly connected components (Tarjan, iterative): module -> component number."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    component: dict[str, int] = {}
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                number = len(set(component.values()))
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = number
                    if member == node:
                        break
    return component


def under(prefix: str) -> Callable[[str], bool]:
    """The modules under a package (the package included)."""
    return lambda m: m == prefix or m.startswith(prefix + ".")


def internal_imports(select: Callable[[str], bool]) -> dict[str, set[str]]:
    """Who imports whom among the selected modules."""
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    nodes = {m for m in graph.modules if select(m)}
    return {m: {i for i in graph.find_modules_directly_imported_by(m) if i in nodes} for m in nodes}


def depth(select: Callable[[str], bool]) -> tuple[int, list[str]]:
    """Floors of the import tower among the selected modules (cycles count as one floor),
    and one longest chain."""
    edges = internal_imports(select)
    nodes = set(edges)
    component = _components(nodes, edges)
    members: dict[int, list[str]] = {}
    for module, number in component.items():
        members.setdefault(number, []).append(module)
    cedges: dict[int, set[int]] = {c: set() for c in members}
    for module, targets in edges.items():
        for target in targets:
            if component[module] != component[target]:
                cedges[component[module]].add(component[target])
    memo: dict[int, tuple[int, list[int]]] = {}

    def longest(c: int) -> tuple[int, list[int]]:
        if c not in memo:
            best: tuple[int, list[int]] = (1, [c])
            for nxt in cedges[c]:
                floors, chain = longest(nxt)
                if floors + 1 > best[0]:
                    best = (floors + 1, [c, *chain])
            memo[c] = best
        return memo[c]

    floors, chain = max((longest(c) for c in members), key=lambda item: item[0], default=(0, []))
    return floors, [min(members[c]) for c in chain]


def table_classes() -> set[str]:
    """The ORM classes: every class defined in governance/db/models."""
    return {
        node.name
        for path in (ROOT / "governance" / "db" / "models").glob("*.py")
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.ClassDef) and node.name != "Base"
    }


def commits_per_function(path: Path) -> dict[str, int]:
    """Module-level functions with more than one `.commit()` call (a use case commits once)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    counts = {
        node.name: sum(
            1
            for call in ast.walk(node)
            if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "commit"
        )
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    }
    return {name: n for name, n in counts.items() if n > 1}


def rows_returned(path: Path, tables: set[str]) -> list[str]:
    """Public functions of a module whose return annotation names a table class."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and not node.name.startswith("_")
        and node.returns is not None
        and {n.id for n in ast.walk(node.returns) if isinstance(n, ast.Name)} & tables
    ]


def offenders() -> dict[str, dict[str, int]]:
    """What the ratchet test holds: modules and functions over the limits, and `.commit()` calls
    outside the use cases, with their size (lines, or calls)."""
    modules: dict[str, int] = {}
    functions: dict[str, int] = {}
    commits: dict[str, int] = {}
    rows: dict[str, int] = {}
    twice: dict[str, int] = {}
    tables = table_classes()
    for path in use_case_files():
        rows.update({f"{module_name(path)}.{f}": 1 for f in rows_returned(path, tables)})
        twice.update({f"{module_name(path)}.{f}": n for f, n in commits_per_function(path).items()})
    for package in PACKAGES:
        for path in source_files(package):
            name = module_name(path)
            if (lines := module_lines(path)) > MODULE_LIMIT:
                modules[name] = lines
            for function in functions_of(path):
                if function.lines > FUNCTION_LIMIT:
                    key = f"{name}.{function.name}"
                    functions[key] = max(functions.get(key, 0), function.lines)
            if (count := commit_calls(path)) and not COMMITTING.match(name):
                commits[name] = count
    return {
        "long_modules": dict(sorted(modules.items())),
        "long_functions": dict(sorted(functions.items())),
        "commits_outside_use_cases": dict(sorted(commits.items())),
        "orm_rows_returned": dict(sorted(rows.items())),
        "use_cases_committing_more_than_once": dict(sorted(twice.items())),
    }


def figures() -> dict[str, object]:
    packages = {package: package_figures(package) for package in PACKAGES}
    overall, chain = depth(under("governance"))
    services, services_chain = depth(lambda m: bool(USE_CASE.match(m)))
    return {
        "import_depth_governance": overall,
        "import_chain_governance": chain,
        "import_depth_services": services,
        "import_chain_services": services_chain,
        "imports_between_services": sum(
            len(targets) for targets in internal_imports(lambda m: bool(USE_CASE.match(m))).values()
        ),
        "packages": {name: asdict(value) for name, value in packages.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--offenders", action="store_true", help="print what the ratchet holds")
    args = parser.parse_args()
    if args.offenders:
        print(json.dumps(offenders(), indent=1))
        return
    data = figures()
    if args.json:
        print(json.dumps(data, indent=2))
        return
    print(f"import depth, governance: {data['import_depth_governance']} floors")
    print(f"import depth, the use cases: {data['import_depth_services']} floors")
    print(f"imports between use-case modules: {data['imports_between_services']}")
    print("  " + " -> ".join(data["import_chain_services"]))  # type: ignore[arg-type]
    print(
        f"{'package':<14}{'modules':>8}{'lines':>8}{'funcs':>7}{'>500':>6}{'>60':>6}{'commits':>9}"
    )
    packages: dict[str, dict[str, object]] = data["packages"]  # type: ignore[assignment]
    for name, p in packages.items():
        print(
            f"{name:<14}{p['modules']:>8}{p['lines']:>8}{p['functions']:>7}"
            f"{len(p['long_modules']):>6}{len(p['long_functions']):>6}{p['commits']:>9}"  # type: ignore[arg-type]
        )


if __name__ == "__main__":
    main()
