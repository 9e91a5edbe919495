"""Welcome letters: docxtpl render + archive + outbox delivery to the local sink."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.result import Result, Stopwatch
from bench.workspace import workspace


def run(quick: bool) -> list[Result]:
    size = 40 if quick else 400
    with tempfile.TemporaryDirectory() as tmp, workspace(Path(tmp)) as ws:
        ids = ws.seed_members(size)
        from tasks.mail import deliver_pending
        from tasks.members import welcome_member

        watch = Stopwatch()
        start = time.perf_counter()
        with watch("documents (render+archive+index)"):
            for member_id in ids:
                welcome_member.fn(member_id, "A", 1, 3000)
        with watch("mail (SMTP to the local sink)"):
            report = deliver_pending()
        seconds = time.perf_counter() - start
    return [
        Result(
            "welcome letters, one at a time (DOCX or PDF)",
            size,
            seconds,
            breakdown=watch.phases,
            notes=f"{report.sent} e-mails",
        )
    ]
