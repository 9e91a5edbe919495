"""The public bulletin board after the close, and the standalone verifier run on the
downloaded file as a member would run it (a separate Python, no database)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from coopflow_cli.ballot_web.app import create_app
from governance.assembly.use_cases import voting as service
from governance.assembly.use_cases import voting_closing as closing
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from seeding.voting import random_choices


def _closed(ga, votes: int) -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    rng = random.Random(5)
    cast = []
    for n in range(votes):
        choices = random_choices(rng)
        with UnitOfWork() as uow:
            cast.append((service.cast_ballot(uow, ga.code(n), dict(choices), now=ga.now).receipt,
                         choices))
    with UnitOfWork() as uow:
        closing.close_voting(uow, ga.assembly_id, now=ga.now, actor=Actor.system("t"), early=True)
    return cast


def _verify(board: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The verifier file alone, copied next to the board, run by a plain Python (-I: no
    project on the path, no environment)."""
    script = board.parent / "verify_board.py"
    return subprocess.run([sys.executable, "-I", str(script), str(board), *args],
                          capture_output=True, text=True, timeout=60, cwd=board.parent)


def test_the_board_lists_every_receipt_with_its_choices_and_the_counts(convene) -> None:
    ga = convene(6)
    client = TestClient(create_app(clock=lambda: ga.now))
    assert client.get(f"/receipts/{ga.assembly_id}.json").status_code == 404  # not before
    cast = _closed(ga, 5)
    page = client.get(f"/receipts/{ga.assembly_id}?lang=en")
    assert page.status_code == 200
    for receipt, _ in cast:
        assert receipt in page.text
    assert 'id="results"' in page.text and ("adopted" in page.text or "rejected" in page.text)
    assert "more than half of the votes cast" in page.text
    mine, choices = cast[2]
    found = client.get(f"/receipts/{ga.assembly_id}", params={"receipt": mine, "lang": "en"})
    label = {"for": "For", "against": "Against", "abstain": "Abstain"}[choices["R1"]]
    assert 'id="found"' in found.text and f"R1: {label}" in found.text
    board = client.get(f"/receipts/{ga.assembly_id}.json").json()
    assert board["seal"] and len(board["ballots"]) == 5
    assert {b["receipt"]: b["choices"] for b in board["ballots"]}[mine] == choices
    assert all(set(b) == {"receipt", "nonce", "choices", "weight"} for b in board["ballots"])


def test_the_verifier_recounts_the_downloaded_board_and_finds_a_receipt(
    convene, tmp_path: Path
) -> None:
    ga = convene(8)
    cast = _closed(ga, 7)
    client = TestClient(create_app(clock=lambda: ga.now))
    (tmp_path / "board.json").write_bytes(client.get(f"/receipts/{ga.assembly_id}.json").content)
    (tmp_path / "verify_board.py").write_bytes(client.get("/verify_board.py").content)
    ok = _verify(tmp_path / "board.json", "--receipt", cast[0][0].upper())
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "your receipt is on the board" in ok.stdout and ok.stdout.rstrip().endswith(
        "the counts and outcomes match the ballots")
    missing = _verify(tmp_path / "board.json", "--receipt", "ab" * 32)
    assert missing.returncode == 1 and "NOT on the board" in missing.stdout


def test_the_verifier_catches_an_altered_an_added_and_a_removed_ballot(
    convene, tmp_path: Path
) -> None:
    ga = convene(5)
    _closed(ga, 4)
    client = TestClient(create_app(clock=lambda: ga.now))
    board = client.get(f"/receipts/{ga.assembly_id}.json").json()
    (tmp_path / "verify_board.py").write_bytes(client.get("/verify_board.py").content)

    def problems(changed: dict) -> str:  # type: ignore[type-arg]
        path = tmp_path / "board.json"
        path.write_text(json.dumps(changed))
        run = _verify(path)
        assert run.returncode == 1, run.stdout
        return run.stdout

    altered = json.loads(json.dumps(board))
    first = altered["ballots"][0]["choices"]
    first["R1"] = "against" if first["R1"] != "against" else "for"
    assert "do not match its receipt" in problems(altered)
    removed = json.loads(json.dumps(board))
    removed["ballots"].pop()
    assert "seal" in problems(removed)
    recounted = json.loads(json.dumps(board))
    row = next(r for r in recounted["result"]["resolutions"] if r["id"] == "R1")
    row["for"] = str(int(row["for"]) + 10)
    assert "R1: for published" in problems(recounted)
