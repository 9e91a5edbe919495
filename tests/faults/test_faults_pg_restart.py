"""PostgreSQL stopped and restarted in the middle of a flow: the machine's own server, the one
the PostgreSQL suite uses, so these tests run alone (`make faults-pg`, a step of its own in
`.ci/run`), never beside other tests, and always bring the server back.

- ride out: the daily contract batch, PostgreSQL stopped at a random point (while documents are
  written or while e-mails go out) and started again a few seconds later: the tasks meet the
  error, retry (the I/O retries every task has) and the flow completes, everything once.
- fail cleanly: the same batch with the server kept down longer than every retry: the flow run
  fails with the database error; nothing is half-written (each declaration untouched or approved,
  every document row with its file, the register chain intact); the next run completes it.
The seed is printed in the report (COOP_FAULTS_SEED replays one)."""

from __future__ import annotations

import os
import random
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from faults_checks import (
    assembly_to_convene,
    assert_batch_complete,
    assert_convened,
    consistent_register,
    contract_batch_child,
    documents_on_disk,
    faults_seed,
    never_half_written,
    pending_declarations,
)
from faults_pg import PgCluster, local_cluster
from faults_smtp import arrivals
from sqlalchemy import select

from governance.clock import utcnow
from governance.config import get_settings
from governance.db.models import ShareSubscription
from governance.db.uow import UnitOfWork
from governance.kernel.rules.delivery import LEASE
from governance.kernel.use_cases import delivery

PG_URL = os.environ.get("COOP_TEST_DATABASE_URL", "")
ASKED = bool(os.environ.get("COOP_TEST_PG_RESTART"))
pytestmark = [
    pytest.mark.pg_restart,
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL"),
    pytest.mark.skipif(not ASKED, reason="stops the PostgreSQL server: runs alone "
                       "(make faults-pg, COOP_TEST_PG_RESTART=1)"),
]


@pytest.fixture
def pg_cluster(coop_env) -> Iterator[PgCluster]:  # type: ignore[no-untyped-def]
    """The server to stop; back up whatever the test did (before coop_env drops its database)."""
    if os.environ.get("PYTEST_XDIST_WORKER"):  # other tests would lose their server
        pytest.fail("stops PostgreSQL: run alone (make faults-pg), never under pytest -n")
    found = local_cluster(PG_URL)
    if isinstance(found, str):
        pytest.fail(f"asked to restart PostgreSQL, but {found}")
    found.ensure_up()
    try:
        yield found
    finally:
        found.ensure_up()


class RestartWhen(threading.Thread):
    """Stops the server as soon as `condition` holds, keeps it down `down_for` seconds, starts it."""

    def __init__(self, cluster: PgCluster, condition: Callable[[], bool], down_for: float) -> None:
        super().__init__(daemon=True)
        self.cluster, self.condition, self.down_for = cluster, condition, down_for
        self.finish = threading.Event()
        self.fired_at: float | None = None
        self.downtime = 0.0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.finish.is_set():
                if self.condition():
                    started = time.monotonic()
                    self.cluster.stop()
                    self.fired_at = started
                    time.sleep(self.down_for)
                    self.cluster.start()
                    self.downtime = time.monotonic() - started
                    return
                time.sleep(0.02)
        except BaseException as exc:  # reported by the test, never left hanging
            self.error = exc

    def __enter__(self) -> RestartWhen:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.finish.set()
        self.join(120)
        self.cluster.ensure_up()


@dataclass(frozen=True)
class StopPoint:
    phase: str
    point: int
    progress: Callable[[], int]

    def reached(self) -> bool:
        return self.progress() >= self.point


def _stop_point(rng: random.Random, documents: tuple[str, int, Path], mails: tuple[int, Path],
                ) -> StopPoint:
    """Stop while documents are written (name, how many, where) or while e-mails go out
    (how many may arrive before the stop, the sink's folder): a random phase and point."""
    if rng.random() < 0.5:
        name, count, folder = documents
        return StopPoint(name, rng.randrange(1, count), lambda: documents_on_disk(folder))
    count, sink = mails
    return StopPoint("e-mails", rng.randrange(1, count), lambda: len(list(sink.glob("*.eml"))))


def _retried_task_runs(flow_run_id: object) -> dict[str, int]:
    """Task runs of the flow run that ran more than once, by task name (the retries)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    retried: dict[str, int] = {}
    for run in runs:
        if run.run_count > 1:
            name = run.name.rsplit("-", 1)[0]
            retried[name] = retried.get(name, 0) + run.run_count - 1
    return retried


def _retries_text(retried: dict[str, int]) -> str:
    return ", ".join(f"{name} ×{n}" for name, n in sorted(retried.items())) or "none"


def _last_flow_run_state(name: str):  # type: ignore[no-untyped-def]
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName
    from prefect.client.schemas.sorting import FlowRunSort

    with get_client(sync_client=True) as client:
        (run,) = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=[name])),
                                       sort=FlowRunSort.START_TIME_DESC, limit=1)
    return run.state


def test_contract_batch_rides_out_a_postgresql_restart(
    coop_env, mail_sink, prefect_harness, pg_cluster, faults_report
) -> None:  # type: ignore[no-untyped-def]
    from flows.contract_batch import BatchParameters, contract_batch

    seed = faults_seed()
    rng = random.Random(seed)
    ids = pending_declarations(30)
    archive = coop_env.archive
    stop = _stop_point(rng, ("documents", 3 * len(ids), archive),
                       (2 * len(ids) - 5, mail_sink.directory))
    with RestartWhen(pg_cluster, stop.reached, rng.uniform(1.0, 5.0)) as restart:
        state = contract_batch(BatchParameters(chunk_size=10), return_state=True)
    assert restart.error is None, restart.error
    assert restart.fired_at is not None, "the batch finished before the stop"
    assert state.is_completed(), state.message
    retried = _retried_task_runs(state.state_details.flow_run_id)
    done = assert_batch_complete(ids, archive, mail_sink.directory)
    faults_report.add(
        f"database: contract batch, {len(ids)} declarations, PostgreSQL restarted "
        f"(seed {seed})",
        attempts=1, faults=1,
        outcome=f"stopped at {stop.point} {stop.phase}, down {restart.downtime:.1f}s; flow completed; "
                f"retries: {_retries_text(retried)}; "
                f"{done.documents}/{done.expected_documents} documents, {done.mails} e-mails, "
                "register ok",
        lost=done.lost, duplicated=done.duplicated)


def test_ga_convening_rides_out_a_postgresql_restart(
    coop_env, mail_sink, prefect_harness, pg_cluster, faults_report
) -> None:  # type: ignore[no-untyped-def]
    from flows.assembly_convening import ConveningParameters, assembly_convening

    seed = faults_seed()
    rng = random.Random(seed)
    convening = assembly_to_convene()
    with_email = convening.with_email
    archive = coop_env.archive
    stop = _stop_point(rng, ("ballots", convening.shareholders, archive),
                       (with_email - 3, mail_sink.directory))
    with RestartWhen(pg_cluster, stop.reached, rng.uniform(1.0, 5.0)) as restart:
        state = assembly_convening(
            ConveningParameters(assembly_id=convening.assembly_id, chunk_size=10, connections=2),
            return_state=True)
    assert restart.error is None, restart.error
    assert restart.fired_at is not None, "the convening finished before the stop"
    assert state.is_completed(), state.message
    retried = _retried_task_runs(state.state_details.flow_run_id)
    found, missing = assert_convened(convening, mail_sink.directory)
    assert found.duplicates == 0  # nothing was in flight at a kill: no redelivery either
    faults_report.add(
        f"database: GA convening, {convening.shareholders} shareholders, PostgreSQL restarted "
        f"(seed {seed})",
        attempts=1, faults=1,
        outcome=f"stopped at {stop.point} {stop.phase}, down {restart.downtime:.1f}s; flow completed; "
                f"retries: {_retries_text(retried)}; {found.distinct}/{with_email} sent, "
                "register ok",
        lost=missing, duplicated=found.duplicates)


def test_transition_campaign_rides_out_a_postgresql_restart(
    coop_env, mail_sink, prefect_harness, pg_cluster, faults_report
) -> None:  # type: ignore[no-untyped-def]
    """The flow that writes the most register entries: a subscription per member, a letter
    with its payment QR, an e-mail; PostgreSQL restarted while letters or e-mails go out."""
    from transition_helpers import import_sample

    from flows.transition_campaign import TransitionParameters, transition_campaign

    seed = faults_seed()
    rng = random.Random(seed)
    import_sample(40, without_email_every=8)  # 35 by e-mail, 5 by post
    letters = coop_env.archive / "transition"
    stop = _stop_point(rng, ("letters", 40, letters), (32, mail_sink.directory))
    params = TransitionParameters(
        name="Restart test", deadline=date(2027, 1, 31), reminder_days=[10],
        restriction_on=date(2027, 3, 1), staff="anna", as_of=date(2026, 12, 1), chunk_size=10)
    with RestartWhen(pg_cluster, stop.reached, rng.uniform(1.0, 5.0)) as restart:
        state = transition_campaign(params, return_state=True)
    assert restart.error is None, restart.error
    assert restart.fired_at is not None, "the campaign finished before the stop"
    assert state.is_completed(), state.message
    retried = _retried_task_runs(state.state_details.flow_run_id)
    found = arrivals(mail_sink.directory)
    invited = {k for k in found.keys if ":invitation:" in k}
    with UnitOfWork() as uow:
        subscribers = list(uow.session.scalars(select(ShareSubscription.member_id)))
    assert len(subscribers) == len(set(subscribers)) == 40  # one subscription each, no more
    assert len(invited) == 35 and found.duplicates == 0
    assert documents_on_disk(letters) >= 40
    register = consistent_register()
    faults_report.add(
        f"database: transition campaign, 40 members, PostgreSQL restarted (seed {seed})",
        attempts=1, faults=1,
        outcome=f"stopped at {stop.point} {stop.phase}, down {restart.downtime:.1f}s; flow completed; "
                f"retries: {_retries_text(retried)}; 40 subscriptions (one each, "
                f"{register.entries} register entries verified), {len(invited)}/35 invitations",
        lost=35 - len(invited), duplicated=found.duplicates)


def test_contract_batch_fails_cleanly_when_postgresql_stays_down_then_a_rerun_completes(
    coop_env, mail_sink, prefect_harness, pg_cluster, faults_report
) -> None:  # type: ignore[no-untyped-def]
    from prefect.settings import PREFECT_API_URL

    from flows.contract_batch import BatchParameters, contract_batch

    seed = faults_seed()
    rng = random.Random(seed)
    ids = pending_declarations(30)
    archive = coop_env.archive
    point = rng.randrange(1, 3 * len(ids))

    def stop_until_it_gives_up(child: subprocess.Popen[bytes]) -> None:
        pg_cluster.stop()
        try:
            child.wait(120)  # every task retry (shortened below) meets a closed port
        finally:
            pg_cluster.start()

    started = time.monotonic()
    run = contract_batch_child(
        lambda: documents_on_disk(archive) >= point, stop_until_it_gives_up,
        str(PREFECT_API_URL.value()), env={"COOP_IO_RETRY_DELAYS_SECONDS": "[0.5, 1, 1]"})
    gave_up_after = time.monotonic() - started
    assert run.fired, "the batch finished before the stop"
    assert run.returncode != 0
    state = _last_flow_run_state("contract-batch")
    assert state.is_failed(), state
    assert "OperationalError" in (state.message or "") or "connection" in (state.message or "")
    by_status = never_half_written(ids, archive)
    # the re-run: what the failed run had claimed in the outbox is released at once (its
    # process is gone, on this host); past the lease any host would release it too
    contract_batch(BatchParameters(chunk_size=10))
    delivery.release_abandoned(get_settings(), now=utcnow() + LEASE + timedelta(seconds=1))
    contract_batch(BatchParameters(chunk_size=10))
    done = assert_batch_complete(ids, archive, mail_sink.directory)
    faults_report.add(
        f"database: contract batch, PostgreSQL down past every retry (seed {seed})",
        attempts=2, faults=1,
        outcome=f"stopped at {point} documents; flow Failed after {gave_up_after:.0f}s "
                f"(3 retries); left: {by_status.get('approved', 0)} approved "
                f"({by_status['undocumented']} listed for documents), "
                f"{by_status.get('submitted', 0)} untouched, nothing half-written; re-run: "
                f"{done.documents}/{done.expected_documents} documents, {done.mails} e-mails",
        lost=done.lost, duplicated=done.duplicated)
