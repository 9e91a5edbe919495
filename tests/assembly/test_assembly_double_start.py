"""A convening started twice: while the first run sends (held at its first message), a second
run of the real flow is refused with a message for staff before it writes anything (no
IntegrityError on a document key); the first finishes and every shareholder gets one message.
A run killed mid-way frees the lock: the re-run is not refused."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_assembly_convening import new_assembly, shareholders
from test_assembly_crash import CrashingSink, _start

from documents.sink import MailSink
from flows.assembly_convening import ConveningParameters, assembly_convening
from governance.config import reset_settings
from governance.kernel.rules.enums import Language

pytestmark = pytest.mark.xdist_group("prefect")


def _mail_to(port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOP_SMTP_PORT", str(port))  # the in-process runs mail the sink too
    reset_settings()


def test_a_second_start_while_the_first_runs_is_refused_cleanly(
    coop_env, prefect_harness, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from prefect.settings import PREFECT_API_URL

    api_url = str(PREFECT_API_URL.value())
    shareholders([Language.FR, Language.NL, Language.DE, Language.EN] * 3)
    assembly_id = new_assembly()
    handler = CrashingSink(tmp_path / "mail")
    with MailSink(tmp_path / "mail", handler=handler) as sink:
        _mail_to(sink.port, monkeypatch)
        handler.hold = True  # the first run waits at its first message
        handler.victim = first = _start(assembly_id, sink.port, api_url)
        deadline = time.monotonic() + 300
        while not handler.holding and time.monotonic() < deadline:
            time.sleep(0.05)
        assert handler.holding, "the first run never reached its first message"

        state = assembly_convening(
            ConveningParameters(assembly_id=assembly_id, chunk_size=10), return_state=True
        )
        assert state.is_failed()
        said = " ".join(str(state.message).split())
        assert f"The convening of assembly {assembly_id} is already running" in said, said
        assert "IntegrityError" not in said and "refused and changes nothing" in said
        with pytest.raises(Exception, match="already running") as refused:
            state.result()
        assert type(refused.value).__name__ == "AlreadyRunning"

        handler.hold = False
        _, errors = first.communicate(timeout=300)
        assert first.returncode == 0, errors.decode()[-3000:]
        # killed, then started again: the lock died with the process
        handler.victim, handler.kill_at = None, None
        again = assembly_convening(
            ConveningParameters(assembly_id=assembly_id, chunk_size=10), return_state=True
        )
        assert again.is_completed(), again.message
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 12  # one per shareholder, none twice


def test_a_killed_run_does_not_block_the_next(
    coop_env, prefect_harness, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from prefect.settings import PREFECT_API_URL

    shareholders([Language.FR, Language.NL] * 2)
    assembly_id = new_assembly()
    handler = CrashingSink(tmp_path / "mail")
    with MailSink(tmp_path / "mail", handler=handler) as sink:
        _mail_to(sink.port, monkeypatch)
        handler.kill_at = 0  # SIGKILL at its first message, holding the lock
        handler.victim = _start(assembly_id, sink.port, str(PREFECT_API_URL.value()))
        assert handler.victim.wait(300) == -9
        handler.victim, handler.kill_at = None, None
        state = assembly_convening(
            ConveningParameters(assembly_id=assembly_id, chunk_size=10), return_state=True
        )
    assert state.is_completed(), state.message
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 4
