"""Recount a published bulletin board, on your own computer, with Python only.

    python -m coopflow_cli.verify_board board.json [--receipt RECEIPT]
    python verify_board.py board.json            (this file alone is enough)

It needs nothing but the standard library and the board file (downloaded from the ballot
page after the close: /receipts/<assembly>.json). It checks that

1. every ballot's receipt is the hash of its assembly, nonce and choices (a changed ballot
   no longer matches its receipt);
2. the seal is the hash chain over all receipts (a ballot added or removed changes it; compare
   the seal with the one in the minutes and in the results e-mail);
3. the published counts are the sum of the ballots, and each outcome follows the rule printed
   for the item (majority of the votes cast; the quorum figure comes from the attendance list,
   which is not public, and is taken from the result);
4. with --receipt, that your receipt is on the board, and shows the choices it carries.

Exit 0 when everything holds, 1 with every problem listed otherwise, 2 for an unreadable file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from fractions import Fraction
from typing import Any

MAJORITY = {
    "ordinary": Fraction(1, 2),
    "statute_amendment": Fraction(3, 4),
    "object_change": Fraction(4, 5),
}


def receipt_of(assembly_id: int, nonce: str, choices: dict[str, Any]) -> str:
    canonical = json.dumps(choices, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    text = f"coopflow-ballot/1|{assembly_id}|{nonce}|{canonical}"
    return hashlib.sha256(text.encode()).hexdigest()


def seal_of(assembly_id: int, receipts: list[str]) -> str:
    digest = hashlib.sha256(f"coopflow-seal/1|{assembly_id}".encode()).digest()
    for receipt in sorted(receipts):
        digest = hashlib.sha256(digest + bytes.fromhex(receipt)).digest()
    return digest.hex()


def _amount(text: Any) -> Fraction:
    return Fraction(str(text))


def recount(board: dict[str, Any]) -> tuple[dict[str, dict[str, Fraction]], list[str]]:
    """The counts per item from the ballots, and every problem found."""
    problems: list[str] = []
    assembly_id = int(board["assembly"]["id"])
    per_share = board["rules"]["vote_basis"] == "per_share"
    counts: dict[str, dict[str, Fraction]] = defaultdict(lambda: defaultdict(Fraction))
    for ballot in board["ballots"]:
        if receipt_of(assembly_id, ballot["nonce"], ballot["choices"]) != ballot["receipt"]:
            problems.append(f"ballot {ballot['receipt']}: its choices do not match its receipt")
        weight = Fraction(ballot["weight"]) if per_share else Fraction(1)
        for item, choice in ballot["choices"].items():
            for option in choice if isinstance(choice, list) else [choice]:
                counts[item][option] += weight
    receipts = [b["receipt"] for b in board["ballots"]]
    if len(receipts) != int(board["ballot_count"]):
        problems.append(f"{len(receipts)} ballots on the board, {board['ballot_count']} sealed")
    if seal_of(assembly_id, receipts) != board["seal"]:
        problems.append("the seal is not the hash chain of the receipts on the board")
    return counts, problems


def _check_motion(row: dict[str, Any], got: dict[str, Fraction]) -> list[str]:
    problems = [
        f"{row['id']}: {option} published {row[option]}, recounted {got[option]}"
        for option in ("for", "against", "abstain")
        if _amount(row[option]) != got[option]
    ]
    cast = got["for"] + got["against"]
    needed = MAJORITY[row["kind"]]
    share = got["for"] / cast if cast else Fraction(0)
    passes = share > needed if row["kind"] == "ordinary" else share >= needed
    expected = passes and (row["quorum_met"] or not row["quorum_required"])
    if bool(row["adopted"]) != expected:
        problems.append(
            f"{row['id']}: published adopted={row['adopted']}, the rule gives {expected}"
        )
    return problems


def _check_election(row: dict[str, Any], got: dict[str, Fraction], seats: int) -> list[str]:
    problems = [
        f"{row['id']}: candidate {c} published {v}, recounted {got[c]}"
        for c, v in row["results"].items()
        if _amount(v) != got[c]
    ]
    ranked = sorted(row["results"], key=lambda c: -got[c])
    if not row.get("tie") and sorted(row["elected"]) != sorted(ranked[:seats]):
        problems.append(f"{row['id']}: the elected are not the {seats} with the most votes")
    return problems


def verify(board: dict[str, Any]) -> list[str]:
    """Every problem of the board (empty when it holds)."""
    counts, problems = recount(board)
    seats = {item["id"]: int(item["seats"]) for item in board["agenda"]}
    for row in board["result"]["resolutions"]:
        got = counts[row["id"]]
        if row["kind"] == "election":
            problems += _check_election(row, got, seats.get(row["id"], 1))
        else:
            problems += _check_motion(row, got)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Recount a published bulletin board.")
    parser.add_argument("board", help="the board file (JSON)")
    parser.add_argument("--receipt", help="your receipt: is it on the board?")
    args = parser.parse_args(argv)
    try:
        with open(args.board, encoding="utf-8") as handle:
            board = json.load(handle)
        problems = verify(board)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"cannot read the board {args.board}: {exc}", file=sys.stderr)
        return 2
    print(
        f"assembly {board['assembly']['id']}: {len(board['ballots'])} ballots, seal {board['seal']}"
    )
    if args.receipt:
        wanted = args.receipt.strip().lower()
        found = [b for b in board["ballots"] if b["receipt"] == wanted]
        if found:
            print(
                f"your receipt is on the board; its choices: "
                f"{json.dumps(found[0]['choices'], ensure_ascii=False)}"
            )
        else:
            problems.append(f"receipt {wanted} is NOT on the board")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    if not problems:
        print(
            "OK: every receipt matches its ballot, the seal matches the receipts, "
            "the counts and outcomes match the ballots"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
