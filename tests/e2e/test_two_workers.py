"""A convening on two worker processes, as production runs it on two machines (PostgreSQL only:
two processes writing one SQLite file is not a production set-up).

The convening starts one run of `assembly-convening-part` per part; both workers take parts; every
shareholder receives exactly one convocation; the parent ends Completed only once every e-mail is
sent. Then a machine is lost in the middle of a convening: one worker and its flow runs are killed
with SIGKILL; the lost-run automation marks its part Crashed once the heartbeats stop, the parent
starts that part again on whichever worker is free, and every shareholder still holds one
message, with no operator action (a copy the server had accepted just before the kill is sent
again with the same Message-ID, flagged redelivered: README, "which side we err on"). Last, the
machine running the parent itself is lost: the parent is marked Crashed, the restart automation
starts the convening again with the same parameters, and the new run finishes the job, again
with nobody mailed twice and no operator action.
"""

from __future__ import annotations

import email
import os
import signal
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from email import policy
from pathlib import Path
from typing import Any

import pytest
from e2e_stack import Stack, running_stack
from sqlalchemy import select

from governance.assembly.use_cases import assembly as service
from governance.assembly.use_cases.progress import mailing_progress
from governance.clock import utcnow
from governance.db.models import OutboxMessage
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.register.use_cases import register_import
from seeding.assembly import sample_assembly
from seeding.register import shareholders_csv

pytestmark = [
    pytest.mark.workers2,
    pytest.mark.xdist_group("workers2"),
    pytest.mark.skipif(
        not os.environ.get("COOP_TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="two workers share a PostgreSQL database (CI's PostgreSQL step)",
    ),
]
SHAREHOLDERS = 90
CHUNK = 10  # 9 chunks, one part each
LOST_AFTER = 45  # seconds without a heartbeat (every 30 s) before a run is marked Crashed


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(
        tmp_path_factory.mktemp("two-workers"), workers=2, worker_limit=2, lost_after=LOST_AFTER
    ) as s:
        yield s


def draft_assembly(stack: Stack, seed: int) -> int:
    text = shareholders_csv(SHAREHOLDERS, date(2026, 1, 15), seed=seed, prefix=f"W{seed}-")
    with UnitOfWork(stack.settings) as uow:
        register_import.import_register(uow.session, text, actor=Actor.system("e2e"))
        uow.commit()
    with UnitOfWork(stack.settings) as uow:
        return service.create_assembly(uow, sample_assembly(utcnow()), Actor.staff("e2e"))


def part_runs(stack: Stack, parent: Any) -> list[Any]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName

    with stack.client_settings(), get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(
                name=DeploymentFilterName(any_=["assembly-convening-part"])
            )
        )
    return [r for r in runs if r.idempotency_key and r.idempotency_key.startswith(str(parent))]


def run_labels(stack: Stack, run_id: Any) -> dict[str, Any]:
    from prefect.client.orchestration import get_client

    with stack.client_settings(), get_client(sync_client=True) as client:
        return dict(client.read_flow_run(run_id).labels)


def convocations(stack: Stack, assembly_id: int) -> dict[str, list[str]]:
    """Each convocation of this assembly that arrived (by its key: one per shareholder), with
    the Message-ID of every copy."""
    prefix = mail_keys.assembly_convocation(assembly_id)
    received: dict[str, list[str]] = {}
    for path in Path(stack.sink.directory).glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if str(message.get("X-Coop-Key", "")).startswith(prefix):
            key = str(message["X-Coop-Key"])
            received.setdefault(key, []).append(str(message["Message-ID"]))
    return received


def each_mailed_once_after_a_lost_machine(stack: Stack, assembly_id: int) -> None:
    """Each shareholder has one message: a copy sent again (the server had accepted it just
    before the kill, unrecorded) carries the same Message-ID, which mailboxes fold, and is
    flagged redelivered; at most one per SMTP connection of the lost run was on the wire."""
    received = convocations(stack, assembly_id)
    assert {len(set(copies)) for copies in received.values()} == {1}, received
    twice = {to for to, copies in received.items() if len(copies) > 1}
    assert len(twice) <= 3, twice
    with UnitOfWork(stack.settings) as uow:
        progress = mailing_progress(uow.session, assembly_id)
        flagged = set(uow.session.scalars(select(OutboxMessage.idempotency_key).where(
            OutboxMessage.idempotency_key.startswith(mail_keys.assembly_convocation(assembly_id)),
            OutboxMessage.redelivered.is_(True))))
    assert twice <= flagged, (twice, flagged)
    assert progress.waiting == 0 and progress.sent == len(received)
    assert progress.sent + progress.postal == progress.voters


def worker_of(name: str | None) -> str:
    """worker-1 or worker-2 (supervised workers are named <host>-worker-N)."""
    return "-".join(name.rsplit("-", 2)[-2:]) if name else "?"


def test_the_parts_of_a_convening_run_on_both_workers_and_everyone_is_mailed_once(
    stack: Stack,
) -> None:
    assembly_id = draft_assembly(stack, seed=77)
    run_id = stack.start(
        "assembly-convening",
        {"params": {"assembly_id": assembly_id, "chunk_size": CHUNK, "chunks_per_part": 1}},
    )
    stack.wait_completed(run_id, timeout=600)

    with UnitOfWork(stack.settings) as uow:
        voters = mailing_progress(uow.session, assembly_id).voters
    parts = part_runs(stack, run_id)
    assert len(parts) == -(-voters // CHUNK)  # one part per chunk
    assert all(r.state is not None and r.state.is_completed() for r in parts)
    share = Counter(worker_of(r.labels.get("prefect.worker.name")) for r in parts)
    assert set(share) == {"worker-1", "worker-2"}, share
    assert min(share.values()) >= 2, f"one worker took almost everything: {share}"

    received = convocations(stack, assembly_id)
    assert {len(copies) for copies in received.values()} == {1}, received  # nobody twice
    with UnitOfWork(stack.settings) as uow:
        progress = mailing_progress(uow.session, assembly_id)
    assert progress.waiting == 0 and progress.sent == len(received)
    assert progress.sent + progress.postal == progress.voters  # no e-mail address: by post


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_a_machine_lost_mid_convening_its_part_is_finished_elsewhere_and_nobody_mailed_twice(
    stack: Stack,
) -> None:
    assembly_id = draft_assembly(stack, seed=78)
    run_id = stack.start(  # parts of 45 shareholders: a few seconds each, time to lose one
        "assembly-convening",
        {"params": {"assembly_id": assembly_id, "chunk_size": 15, "chunks_per_part": 3}},
    )
    stack.wait_for(run_id, lambda s: s.is_running(), "running", timeout=120)
    parent_on = worker_of(run_labels(stack, run_id).get("prefect.worker.name"))
    lost = "worker-1" if parent_on == "worker-2" else "worker-2"  # a machine without the parent
    victim = None
    deadline = time.monotonic() + 240
    while victim is None and time.monotonic() < deadline:  # a part running on that machine
        for run in part_runs(stack, run_id):
            name = worker_of(run.labels.get("prefect.worker.name"))
            pid = (run.infrastructure_pid or "").rsplit(":", 1)[-1]
            if run.state and run.state.is_running() and name == lost and pid.isdigit():
                victim = run
                break
        time.sleep(0.5)
    assert victim is not None, f"no part ran on {lost}"
    flow_pid = int((victim.infrastructure_pid or "").rsplit(":", 1)[-1])
    worker = _parent(flow_pid)  # the prefect worker, below its supervisor
    for group in {os.getpgid(worker), os.getpgid(flow_pid)}:  # the machine goes: no one reports
        os.killpg(group, signal.SIGKILL)

    stack.wait_completed(run_id, timeout=LOST_AFTER + 420)

    runs = part_runs(stack, run_id)
    lost = next(r for r in runs if r.id == victim.id)
    assert lost.state is not None and lost.state.is_crashed(), lost.state
    again = [
        r
        for r in runs
        if r.idempotency_key
        and r.idempotency_key.startswith(f"{run_id}:{victim.idempotency_key.split(':')[1]}:")
    ]
    assert len(again) >= 2 and any(r.state and r.state.is_completed() for r in again), again
    each_mailed_once_after_a_lost_machine(stack, assembly_id)


def convenings_of(stack: Stack, assembly_id: int) -> list[Any]:
    """Every run of assembly-convening for this assembly, oldest first."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName
    from prefect.client.schemas.sorting import FlowRunSort

    with stack.client_settings(), get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(
                name=DeploymentFilterName(any_=["assembly-convening"])
            ),
            sort=FlowRunSort.EXPECTED_START_TIME_ASC,
        )
    return [r for r in runs if r.parameters.get("params", {}).get("assembly_id") == assembly_id]


def lose_machine_of(flow_pid: int) -> None:
    """The machine running `flow_pid` goes: its worker and every flow run under that worker
    (each in a session of its own) are killed at once; no one reports."""
    from coopflow_cli.fleet import descendants

    worker = _parent(flow_pid)  # the prefect worker, below its supervisor
    groups = {os.getpgid(worker), *(os.getpgid(p) for p in descendants(worker))}
    for group in groups:
        os.killpg(group, signal.SIGKILL)


def test_a_machine_lost_under_the_parent_run_the_job_is_started_again_and_finished(
    stack: Stack,
) -> None:
    assembly_id = draft_assembly(stack, seed=79)
    params = {"assembly_id": assembly_id, "chunk_size": 15, "chunks_per_part": 1}
    run_id = stack.start("assembly-convening", {"params": params})
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not any(  # mid-mailing: the parts are out
        r.state and r.state.is_running() for r in part_runs(stack, run_id)
    ):
        time.sleep(0.5)
    parent = next(r for r in convenings_of(stack, assembly_id) if r.id == run_id)
    pid = (parent.infrastructure_pid or "").rsplit(":", 1)[-1]
    assert parent.state.is_running() and pid.isdigit(), parent.state
    lose_machine_of(int(pid))

    state = stack.wait_for(run_id, lambda s: s.is_crashed(), "crashed", timeout=LOST_AFTER + 120)
    assert "No heartbeat" in (state.message or ""), state.message
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(convenings_of(stack, assembly_id)) < 2:
        time.sleep(1)  # started again by the restart automation: no operator
    runs = convenings_of(stack, assembly_id)
    assert [r.id for r in runs] == [run_id, runs[-1].id], runs  # one run started again
    again = runs[1]
    assert again.parameters == {"params": parent.parameters["params"], "restarts": 1}
    assert again.created_by is not None and again.created_by.type == "AUTOMATION"
    stack.wait_completed(again.id, timeout=420)

    each_mailed_once_after_a_lost_machine(stack, assembly_id)
