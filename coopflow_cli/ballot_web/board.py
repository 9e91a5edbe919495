"""The public bulletin board after the close: a page listing every receipt with its
ballot, the seal, the counts and the rule of each item; the same as a JSON file; and the
standalone verifier to recount it (see docs/ballot-secrecy.md, "The bulletin board")."""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from coopflow_cli.ballot_web.labels import LABELS, assembly_name, pick_language
from documents import archive
from governance.assembly.queries.voting_board import bulletin_board
from governance.db.uow import UnitOfWork
from governance.kernel.rules.errors import RuleViolation

VERIFIER = Path(__file__).resolve().parent.parent / "verify_board.py"
MEDIA = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
DOWNLOAD_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def _board(assembly_id: int) -> dict[str, Any] | None:
    try:
        with UnitOfWork() as uow:
            return bulletin_board(uow, assembly_id)
    except RuleViolation:
        return None


def _number(text: Any) -> str:
    value = Fraction(str(text))
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.2f}"


def _rows(board: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """One line per item: title, counts in words, outcome and the rule."""
    t = LABELS[lang]
    items = {item["id"]: item for item in board["agenda"]}
    rows = []
    for row in board["result"]["resolutions"]:
        item = items.get(row["id"], {"title": {}, "candidates": {}, "seats": 0})
        title = item["title"].get(lang) or item["title"].get("en") or row["id"]
        if row["kind"] == "election":
            counts = [
                (item["candidates"].get(c, c), _number(v), c in row["elected"])
                for c, v in row["results"].items()
            ]
            rows.append({"id": row["id"], "title": title, "election": True, "counts": counts})
        else:
            counts = [(t[o], _number(row[o]), False) for o in ("for", "against", "abstain")]
            rows.append(
                {
                    "id": row["id"],
                    "title": title,
                    "election": False,
                    "counts": counts,
                    "adopted": bool(row["adopted"]),
                    "rule": t["rule_" + row["kind"]].format(quorum=""),
                }
            )
    return rows


def add_board_routes(
    app: FastAPI, page: Callable[..., HTMLResponse], home: Callable[..., HTMLResponse]
) -> None:
    """Add /receipts/<id> (page), /receipts/<id>.json (file) and /verify_board.py."""
    _add_downloads(app)

    @app.get("/receipts/{assembly_id}", response_class=HTMLResponse)
    def board_page(
        request: Request, assembly_id: int, receipt: str = "", lang: str | None = None
    ) -> HTMLResponse:
        """After closing: every receipt with its ballot, the seal, the counts, the rules."""
        language = pick_language(lang, request.headers.get("accept-language"))
        board = _board(assembly_id)
        if board is None:
            return home(language, LABELS[language]["not_closed"], 404)
        wanted = receipt.strip().lower()
        found = None
        if wanted:
            found = next((b for b in board["ballots"] if b["receipt"] == wanted), False)
        heading = board["assembly"]
        return page(
            "receipts.html",
            language,
            board=board,
            rows=_rows(board, language),
            assembly_name=assembly_name(heading["kind"], heading["year"], language),
            receipt=wanted,
            found=found,
        )


def _add_downloads(app: FastAPI) -> None:
    """The files: the board as JSON, the convocation documents and the verifier."""

    @app.get("/receipts/{assembly_id}.json")
    def board_file(assembly_id: int) -> Response:
        board = _board(assembly_id)
        if board is None:
            return Response("not closed yet\n", status_code=404, media_type="text/plain")
        body = json.dumps(board, ensure_ascii=False, indent=1, sort_keys=True)
        headers = DOWNLOAD_HEADERS | {
            "Content-Disposition": f'attachment; filename="board-{assembly_id}.json"'
        }
        return Response(body, media_type="application/json", headers=headers)

    @app.get("/documents/{assembly_id}/{name}.{lang}")
    def convocation_document(assembly_id: int, name: str, lang: str) -> Response:
        """A convocation document every shareholder received (no personal data)."""
        from governance.assembly.use_cases.voting_results import public_document
        from governance.config import get_settings

        if lang not in LABELS:
            return Response("unknown language\n", status_code=404, media_type="text/plain")
        with UnitOfWork() as uow:
            found = public_document(uow, assembly_id, name, lang)
        path = archive.found(get_settings(), found[0]) if found else None
        if found is None or path is None:
            return Response("no such document\n", status_code=404, media_type="text/plain")
        media = MEDIA.get(found[1], "application/octet-stream")
        headers = DOWNLOAD_HEADERS | {
            "Content-Disposition": f'attachment; filename="{name}-{assembly_id}.{lang}.{found[1]}"'
        }
        return Response(path.read_bytes(), media_type=media, headers=headers)

    @app.get("/verify_board.py")
    def verifier() -> Response:
        headers = DOWNLOAD_HEADERS | {
            "Content-Disposition": 'attachment; filename="verify_board.py"'
        }
        return Response(
            VERIFIER.read_text(encoding="utf-8"), media_type="text/x-python", headers=headers
        )
