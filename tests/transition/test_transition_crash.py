"""Kill the campaign at several points and re-run it: nobody is invited or reminded twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from transition_helpers import import_sample

from flows.transition_campaign import TransitionParameters, transition_campaign
from governance.db.models import OutboxMessage
from governance.db.uow import UnitOfWork

RUNNER = (
    "import sys\n"
    "from flows.transition_campaign import TransitionParameters, transition_campaign\n"
    "transition_campaign(TransitionParameters.model_validate_json(sys.argv[1]))\n"
)


def _params(as_of: date) -> TransitionParameters:
    return TransitionParameters(
        name="Crash test", deadline=date(2027, 1, 31), reminder_days=[10],
        restriction_on=date(2027, 3, 1), staff="anna", as_of=as_of, chunk_size=10,
    )


def _run_and_kill(params: TransitionParameters, condition: Callable[[], bool]) -> bool:
    """Run the flow in a child process; SIGKILL it as soon as `condition` holds.
    Returns True if it was killed (False: it finished first)."""
    from prefect.settings import PREFECT_API_URL

    env = dict(os.environ, PREFECT_API_URL=str(PREFECT_API_URL.value()))
    child = subprocess.Popen([sys.executable, "-c", RUNNER, params.model_dump_json()], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while child.poll() is None and time.monotonic() < deadline:
            if condition():
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
                return True
            time.sleep(0.02)
        return False
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def _keys(directory: Path) -> Counter[str]:
    import email
    from email import policy

    return Counter(
        email.message_from_bytes(p.read_bytes(), policy=policy.default)["X-Coop-Key"]
        for p in directory.glob("*.eml")
    )


@pytest.mark.slow
def test_killed_runs_rerun_without_duplicates(coop_env, mail_sink, prefect_harness) -> None:
    import_sample(40, without_email_every=8)  # 35 by e-mail, 5 by post
    invitations = coop_env.archive / "transition"

    def documents_written(n: int) -> Callable[[], bool]:
        return lambda: len(list(invitations.rglob("transition_invitation-*.docx"))) >= n

    # Killed while subscriptions and documents are being prepared (before any e-mail).
    assert _run_and_kill(_params(date(2026, 12, 1)), documents_written(12))
    assert len(_keys(mail_sink.directory)) == 0
    # Killed again, while the invitations are being sent.
    _run_and_kill(_params(date(2026, 12, 1)),
                  lambda: len(list(mail_sink.directory.glob("*.eml"))) >= 9)
    transition_campaign(_params(date(2026, 12, 1)))
    keys = _keys(mail_sink.directory)
    invited = {k for k in keys if ":invitation:" in k}
    assert len(invited) == 35
    # A message the killed sender had handed over but not yet marked is sent again, with the
    # same Message-ID and flagged: at most one per SMTP connection; nobody else twice.
    with UnitOfWork() as uow:
        redelivered = set(uow.session.scalars(select(OutboxMessage.idempotency_key).where(
            OutboxMessage.redelivered.is_(True))))
    doubles = {k for k, n in keys.items() if n > 1}
    assert doubles <= redelivered and len(doubles) <= 3

    # Reminder day: killed after the first reminder chunk, re-run: one reminder each.
    reminders_before = sum(1 for k in _keys(mail_sink.directory) if ":reminder" in k)
    assert reminders_before == 0
    _run_and_kill(_params(date(2027, 1, 21)), lambda: any(
        ":reminder" in k for k in _keys(mail_sink.directory)))
    transition_campaign(_params(date(2027, 1, 21)))
    transition_campaign(_params(date(2027, 1, 22)))  # the next day: nothing new
    reminders = Counter(k for k in _keys(mail_sink.directory).elements() if ":reminder" in k)
    assert len(reminders) == 35
    with UnitOfWork() as uow:
        redelivered = set(uow.session.scalars(select(OutboxMessage.idempotency_key).where(
            OutboxMessage.redelivered.is_(True))))
    assert {k for k, n in reminders.items() if n > 1} <= redelivered
