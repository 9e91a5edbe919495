"""Hostile and bad input: hypothesis mutates valid samples of every input model and file
format; the only acceptable refusal is a clear one (pydantic ValidationError or a
RuleViolation subclass), never a crash, and a refused file or form writes nothing."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy import func, select

from governance.kernel.rules.errors import RuleViolation

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "camt053"
EXAMPLES = 120
TALLIES: dict[str, Counter[str]] = {}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=3),
    max_leaves=6,
)
HOSTILE = ["{{ 7*7 }}", "{% raw %}", "<w:t>x</w:t>", '=HYPERLINK("http://x")', "<script>",
           "\x00", "é" * 400, "-1", "1e309", "2026-02-30", "+++090/9337/55493+++", ""]


def _mutate(data: Any, choice: Any) -> Any:
    """Replace, delete or add one value somewhere in a JSON-like structure."""
    rng = random.Random(choice["seed"])
    data = json.loads(json.dumps(data, default=str))
    node, parent, key = data, None, None
    for _ in range(rng.randrange(1, 4)):
        if isinstance(node, dict) and node:
            parent, key = node, rng.choice(sorted(node))
        elif isinstance(node, list) and node:
            parent, key = node, rng.randrange(len(node))
        else:
            break
        node = parent[key]
    if parent is None:
        return choice["value"]
    action = choice["action"]
    if action == "delete" and isinstance(parent, dict):
        del parent[key]
    elif action == "extra" and isinstance(parent, dict):
        parent["unexpected_" + str(rng.randrange(99))] = choice["value"]
    elif action == "hostile":
        parent[key] = rng.choice(HOSTILE)
    else:
        parent[key] = choice["value"]
    return data


mutations = st.fixed_dictionaries({
    "seed": st.integers(0, 2**32),
    "action": st.sampled_from(["replace", "delete", "extra", "hostile"]),
    "value": json_values,
})


def _tally(name: str, call: Any) -> None:
    """Run `call`; count how it ended; anything but a clear refusal fails the test."""
    counts = TALLIES.setdefault(name, Counter())
    try:
        call()
    except ValidationError:
        counts["ValidationError"] += 1
    except RuleViolation as exc:
        assert str(exc), "a refusal without a message"
        counts[type(exc).__name__] += 1
    else:
        counts["accepted"] += 1


@pytest.fixture(scope="module", autouse=True)
def _report_tallies(faults_report):  # type: ignore[no-untyped-def]
    yield
    for name, counts in sorted(TALLIES.items()):
        tried = sum(counts.values())
        kinds = ", ".join(f"{k} {n}" for k, n in counts.most_common())
        faults_report.add(f"hostile input: {name}", attempts=tried,
                          faults=tried - counts["accepted"], outcome=f"0 crashes; {kinds}")


# --- pure models and parsers -----------------------------------------------------------------


@settings(max_examples=EXAMPLES, deadline=None)
@given(mutations)
def test_onboarding_application(choice) -> None:  # type: ignore[no-untyped-def]
    from onboarding_samples import person

    from governance.members.rules.application_form import Application

    _tally("onboarding Application", lambda: Application.model_validate(_mutate(person(), choice)))


@settings(max_examples=EXAMPLES, deadline=None)
@given(mutations)
def test_contract_declaration(choice) -> None:  # type: ignore[no-untyped-def]
    from contracts_helpers import declaration

    from governance.contracts.rules.contracts import ContractDeclaration

    sample = declaration(1).model_dump(mode="json")
    _tally("contract declaration",
           lambda: ContractDeclaration.model_validate(_mutate(sample, choice)))


@settings(max_examples=EXAMPLES, deadline=None)
@given(mutations)
def test_grant_application(choice) -> None:  # type: ignore[no-untyped-def]
    from governance.grants.use_cases.grants import ApplicationSpec

    sample = {"member_id": 1, "project_title": "Salto Avignon", "summary": "Festival",
              "amount_asked_cents": 150000, "budget_lines": [], "starts_on": "2027-03-01",
              "ends_on": "2027-04-01", "iban": "BE48 3200 7018 4927",
              "submitted_at": "2026-11-27T10:00:00+00:00"}
    _tally("grant application", lambda: ApplicationSpec.model_validate(_mutate(sample, choice)))


@settings(max_examples=EXAMPLES, deadline=None)
@given(mutations)
def test_assembly_set_up(choice) -> None:  # type: ignore[no-untyped-def]
    from governance.assembly.use_cases.assembly import AssemblyInput
    from governance.clock import utcnow
    from seeding.assembly import sample_assembly

    sample = sample_assembly(utcnow()).model_dump(mode="json")
    _tally("assembly set-up", lambda: AssemblyInput.model_validate(_mutate(sample, choice)))


@settings(max_examples=EXAMPLES, deadline=None)
@given(mutations)
def test_tally_scenario_json(choice) -> None:  # type: ignore[no-untyped-def]
    from governance.assembly.rules.tally import count_json

    sample = {  # the shape of tests/domain/test_tally.py's scenario()
        "rules": {"vote_basis": "per_share", "vote_cap_fraction": None, "quorum_fraction": "1/2",
                  "quorum_basis": "shares", "second_meeting": False},
        "shareholders": [{"id": "A", "shares": 3}, {"id": "B", "shares": 1}],
        "present": [],
        "resolutions": [{"id": "R1", "kind": "ordinary"}],
        "votes": [{"shareholder": "A", "resolution": "R1", "choice": "for"},
                  {"shareholder": "B", "resolution": "R1", "choice": "against"}],
    }
    _tally("tally scenario JSON", lambda: count_json(json.dumps(_mutate(sample, choice))))


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.sampled_from(sorted(FIXTURES.glob("*.xml"))), st.integers(0, 2**32),
       st.sampled_from(["flip", "cut", "text", "garbage"]))
def test_camt053_bytes(path: Path, seed: int, how: str) -> None:
    from governance.register.rules.camt053 import parse_statement

    rng = random.Random(seed)
    data = bytearray(path.read_bytes())
    if how == "flip":
        for _ in range(rng.randrange(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif how == "cut":
        data = data[: rng.randrange(len(data))]
    elif how == "text":
        starts = [i for i in range(len(data)) if data[i : i + 1] == b">"]
        at = rng.choice(starts) + 1
        data[at:at] = rng.choice(HOSTILE).encode("utf-8", "replace")
    else:
        data = bytearray(rng.randbytes(rng.randrange(0, 300)))
    _tally("camt.053 bytes", lambda: parse_statement(bytes(data)))


def _mutate_csv(text: str, seed: int, value: str) -> str:
    rng = random.Random(seed)
    lines = text.splitlines()
    line = rng.randrange(len(lines))
    cells = lines[line].split(",")
    action = rng.randrange(4)
    if action == 0:
        cells[rng.randrange(len(cells))] = value
    elif action == 1:
        cells.pop(rng.randrange(len(cells)))
    elif action == 2:
        cells.append(value)
    else:
        lines.insert(line, lines[line])  # a repeated row
    lines[line] = ",".join(cells)
    return "\n".join(lines) + "\n"


csv_values = st.sampled_from(HOSTILE) | st.text(max_size=20)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.integers(0, 2**32), csv_values)
def test_register_csv_import_refuses_cleanly_and_writes_nothing(
    coop_env, seed: int, value: str
) -> None:  # type: ignore[no-untyped-def]
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor
    from governance.register.use_cases.register_import import import_register
    from seeding.register import register_csv

    text = _mutate_csv(register_csv(6), seed, value)
    before = _row_counts()

    def run() -> None:
        with UnitOfWork() as uow:
            import_register(uow.session, text, actor=Actor.staff("t"), dry_run=False)
            uow.commit()

    counts = TALLIES.setdefault("register CSV import", Counter())
    accepted = counts["accepted"]
    _tally("register CSV import", run)
    if counts["accepted"] == accepted:  # refused: nothing half-written
        assert _row_counts() == before


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.integers(0, 2**32), csv_values)
def test_members_csv_import_refuses_cleanly_and_writes_nothing(
    coop_env, seed: int, value: str
) -> None:  # type: ignore[no-untyped-def]
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor
    from governance.members.use_cases.member_import import import_members
    from seeding.transition import members_csv

    text = _mutate_csv(members_csv(6, seed=seed % 1000), seed, value)
    before = _row_counts()

    def run() -> None:
        with UnitOfWork() as uow:
            import_members(uow, text, actor=Actor.staff("t"))

    counts = TALLIES.setdefault("members CSV import", Counter())
    accepted = counts["accepted"]
    _tally("members CSV import", run)
    if counts["accepted"] == accepted:
        assert _row_counts() == before


def _row_counts() -> dict[str, int]:
    from governance.db.models import Member, OutboxMessage, RegisterEntry, TimelineEvent
    from governance.db.uow import UnitOfWork

    with UnitOfWork() as uow:
        return {t.__name__: uow.session.scalar(select(func.count()).select_from(t)) or 0
                for t in (Member, RegisterEntry, TimelineEvent, OutboxMessage)}
