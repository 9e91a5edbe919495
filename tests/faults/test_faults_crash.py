"""kill -9 at random points: the GA convening (the convening crash test's sink and runner,
with random kill points) and the daily contract batch; restart; count duplicates and missing
messages and documents; the register chain and the outbox stay consistent.
The seed is random per run and printed in the report (COOP_FAULTS_SEED replays one)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from contracts_helpers import add_member, declaration
from faults_checks import (
    assembly_to_convene,
    assert_batch_complete,
    assert_convened,
    contract_batch_child,
    documents_on_disk,
    faults_seed,
    pending_declarations,
)
from test_assembly_crash import CrashingSink, _start

from documents.sink import MailSink
from governance.clock import utcnow
from governance.config import get_settings, reset_settings
from governance.contracts.use_cases import contract_checks, contracts
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.delivery import LEASE
from governance.kernel.use_cases import delivery

pytestmark = [pytest.mark.xdist_group("prefect"), pytest.mark.slow]


def test_ga_convening_killed_at_random_points_then_rerun_sends_each_once(
    coop_env, prefect_harness, tmp_path: Path, faults_report, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from prefect.settings import PREFECT_API_URL

    from flows.assembly_convening import ConveningParameters, assembly_convening

    seed = faults_seed()
    rng = random.Random(seed)
    api_url = str(PREFECT_API_URL.value())
    convening = assembly_to_convene()
    assembly_id, with_email = convening.assembly_id, convening.with_email
    point = rng.randrange(with_email - 1)
    handler = CrashingSink(tmp_path / "mail")
    kills = 0
    with MailSink(tmp_path / "mail", handler=handler) as sink:
        # 1. killed by the server when the k-th message arrives (before accepting it)
        handler.kill_at = point
        handler.victim = _start(assembly_id, sink.port, api_url)
        kills += handler.victim.wait(300) == -9
        # 2. killed from outside after a random delay: preparing, sending, or finished
        handler.kill_at = None
        handler.victim = victim = _start(assembly_id, sink.port, api_url)
        delay = rng.uniform(0.5, 12.0)
        try:
            victim.wait(delay)
        except subprocess.TimeoutExpired:
            victim.kill()
            victim.wait(60)
            kills += 1
        handler.victim = None
        # 3. the re-run (here, in this process) finishes the job
        monkeypatch.setenv("COOP_SMTP_PORT", str(sink.port))
        reset_settings()
        assembly_convening(ConveningParameters(assembly_id=assembly_id, chunk_size=10,
                                               connections=1))
    found, missing = assert_convened(convening, tmp_path / "mail")
    faults_report.add(
        f"crash: GA convening, {convening.shareholders} shareholders, kill -9 (seed {seed})",
        attempts=3, faults=kills,
        outcome=f"killed at message {point} and after {delay:.1f}s; "
                f"re-run: {found.distinct}/{with_email} sent, register ok",
        lost=missing, duplicated=found.duplicates)


def _kill(child: subprocess.Popen[bytes]) -> None:
    os.killpg(child.pid, signal.SIGKILL)  # its process group: the render workers die too
    child.wait()


def test_contract_batch_killed_at_random_points_then_rerun_documents_and_mails_once(
    coop_env, mail_sink, prefect_harness, faults_report
) -> None:  # type: ignore[no-untyped-def]
    from prefect.settings import PREFECT_API_URL

    from flows.contract_batch import BatchParameters, contract_batch

    seed = faults_seed()
    rng = random.Random(seed)
    ids = pending_declarations(30)
    archive = coop_env.archive

    doc_point = rng.randrange(1, 3 * len(ids))
    mail_point = rng.randrange(1, 2 * len(ids))
    api_url = str(PREFECT_API_URL.value())
    kills = int(contract_batch_child(
        lambda: documents_on_disk(archive) >= doc_point, _kill, api_url).fired)
    kills += contract_batch_child(
        lambda: len(mail_sink.messages()) >= mail_point, _kill, api_url).fired
    contract_batch(BatchParameters(chunk_size=10))
    # Messages the killed run had claimed name its process: the re-run above released them at
    # once. Past the 10-minute lease any host would: let it elapse, then deliver what is left.
    waited = delivery.release_abandoned(get_settings(), now=utcnow() + LEASE + timedelta(seconds=1))
    contract_batch(BatchParameters(chunk_size=10))  # the re-run after the lease
    done = assert_batch_complete(ids, archive, mail_sink.directory)
    faults_report.add(
        f"crash: contract batch, {len(ids)} declarations, kill -9 (seed {seed})",
        attempts=kills + 2, faults=kills,
        outcome=f"killed at {doc_point} documents / {mail_point} e-mails; "
                f"{done.documents} documents, {done.mails} e-mails "
                f"({waited} after the 10-min lease), register ok",
        lost=done.lost, duplicated=done.duplicated)


def test_an_approved_contract_without_its_documents_is_found_for_the_next_batch(
    coop_env,
) -> None:  # type: ignore[no-untyped-def]
    """The bug the crash test found: a batch killed between the checks and the documents left
    approved contracts undocumented for good (the next batch only looked at new ones)."""
    from tasks.contracts import produce_contract_documents

    with UnitOfWork() as uow:
        (declaration_id,) = contracts.submit_many(
            uow, [declaration(add_member(), external_ref="U1")], Actor.system("import"))
    with UnitOfWork() as uow:
        contract_checks.check_declarations(uow, [declaration_id])
    with UnitOfWork() as uow:
        assert contracts.undocumented_ids(uow.session) == [declaration_id]
    assert produce_contract_documents.fn([declaration_id], fast=False) == 3
    with UnitOfWork() as uow:
        assert contracts.undocumented_ids(uow.session) == []
