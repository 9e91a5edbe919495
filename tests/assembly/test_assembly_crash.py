"""Kill the convening at several points (SIGKILL, a real subprocess running the flow), re-run
it, and count the .eml files: every shareholder with an address gets exactly one message."""

from __future__ import annotations

import asyncio
import email
import os
import subprocess
import sys
import time
from collections import Counter
from email import policy
from pathlib import Path

import docx
import pytest
from sqlalchemy import select
from test_assembly_convening import CODE, new_assembly, shareholders

from documents.attachment_names import template_named
from documents.sink import EmlWriter, MailSink
from governance.assembly.rules import assembly as rules
from governance.assembly.use_cases.ballot_keys import ballot_hash_key
from governance.db.models.assembly import AssemblyVoter
from governance.db.uow import UnitOfWork
from governance.kernel.rules.enums import Language

pytestmark = pytest.mark.xdist_group("prefect")


class CrashingSink(EmlWriter):
    """A real SMTP sink that can kill the sending process when a message arrives (before
    accepting it, so nothing is written) or hold messages while the test kills it."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.victim: subprocess.Popen[bytes] | None = None
        self.kill_at: int | None = None
        self.hold = False
        self.holding = False
        self.accepted = 0

    def _alive(self) -> bool:
        return self.victim is not None and self.victim.poll() is None

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        while self.hold and self._alive():
            self.holding = True
            await asyncio.sleep(0.01)
        if self._alive() and self.kill_at is not None and self.accepted >= self.kill_at:
            assert self.victim is not None
            self.victim.kill()
            self.victim.wait()
        if self.victim is not None and not self._alive():
            return "421 sender gone"  # not accepted: nothing written
        reply = await super().handle_DATA(server, session, envelope)
        self.accepted += 1
        return reply


def _start(assembly_id: int, port: int, api_url: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, COOP_SMTP_PORT=str(port), PREFECT_API_URL=api_url)
    env["PREFECT_LOGGING_LEVEL"] = "ERROR"
    command = [sys.executable, "-m", "coopflow_cli.main", "assembly", "convene", str(assembly_id),
               "--chunk-size", "10", "--connections", "1"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_killed_three_times_then_rerun_every_message_is_sent_once(
    coop_env, prefect_harness, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from prefect.settings import PREFECT_API_URL

    api_url = str(PREFECT_API_URL.value())
    ids = shareholders([Language.FR, Language.NL, Language.DE, Language.EN] * 11, email_every=False)
    assembly_id = new_assembly()
    handler = CrashingSink(tmp_path / "mail")
    with MailSink(tmp_path / "mail", handler=handler) as sink:
        # 1. killed at the first message: the first chunk's ballots are written, nothing sent
        handler.kill_at = 0
        handler.victim = _start(assembly_id, sink.port, api_url)
        assert handler.victim.wait(300) == -9
        assert handler.accepted == 0
        # 2. killed after 7 messages were accepted, in the middle of a chunk
        handler.kill_at = 7
        handler.victim = _start(assembly_id, sink.port, api_url)
        assert handler.victim.wait(300) == -9
        assert handler.accepted == 7
        # 3. killed from outside while a message waits for the server and ballots are made
        handler.kill_at, handler.hold, handler.holding = None, True, False
        handler.victim = victim = _start(assembly_id, sink.port, api_url)
        deadline = time.monotonic() + 300
        while not handler.holding and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        victim.kill()
        assert victim.wait(60) == -9
        handler.hold = False
        # 4. the re-run finishes the job
        handler.victim = last = _start(assembly_id, sink.port, api_url)
        _, errors = last.communicate(timeout=300)
        assert last.returncode == 0, errors.decode()[-3000:]
    messages = [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted((tmp_path / "mail").glob("*.eml"))
    ]
    with UnitOfWork() as uow:
        voters = {
            v.member_id: (v.email, v.ballot_code_hash)
            for v in uow.session.scalars(select(AssemblyVoter))
        }
    expected = {m: e for m, (e, _h) in voters.items() if e}
    assert len(voters) == len(ids) and 0 < len(expected) < len(ids)
    recipients = Counter(str(m["To"]) for m in messages)
    assert recipients == Counter(expected.values())  # every one, none twice
    assert len({m["Message-ID"] for m in messages}) == len(messages)
    hash_key = ballot_hash_key(coop_env.settings)
    hashes = {h for _e, h in voters.values()}
    for message in messages:
        (ballot,) = [a for a in message.iter_attachments() if template_named(a.get_filename()) == "assembly_ballot"]
        text = "\n".join(p.text for p in docx.Document(_bytes(ballot)).paragraphs)
        (code,) = set(CODE.findall(text))  # printed for the web and on the paper ballot
        assert rules.ballot_code_hash(hash_key, code) in hashes  # the code survived the crashes


def _bytes(part):  # type: ignore[no-untyped-def]
    import io

    return io.BytesIO(part.get_content())
