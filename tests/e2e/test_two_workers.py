"""A convening on two worker processes, as production runs it on two machines (PostgreSQL only:
two processes writing one SQLite file is not a production set-up).

The convening starts one run of `assembly-convening-part` per part; both workers take parts; every
shareholder receives exactly one convocation; the parent ends Completed only once every e-mail is
sent.
"""

from __future__ import annotations

import email
import os
from collections import Counter
from collections.abc import Iterator
from datetime import date
from email import policy
from pathlib import Path
from typing import Any

import pytest
from e2e_stack import Stack, running_stack

from governance.clock import utcnow
from governance.db.uow import UnitOfWork
from governance.domain.actor import Actor
from governance.services import assembly as service
from governance.services import register_import
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


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("two-workers"), workers=2, worker_limit=2) as s:
        yield s


def draft_assembly(stack: Stack) -> int:
    text = shareholders_csv(SHAREHOLDERS, date(2026, 1, 15), seed=77, prefix="W")
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


def convocations(stack: Stack) -> Counter[str]:
    received: Counter[str] = Counter()
    for path in Path(stack.sink.directory).glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        received[str(message["To"])] += 1
    return received


def test_the_parts_of_a_convening_run_on_both_workers_and_everyone_is_mailed_once(
    stack: Stack,
) -> None:
    assembly_id = draft_assembly(stack)
    run_id = stack.start(
        "assembly-convening",
        {"params": {"assembly_id": assembly_id, "chunk_size": CHUNK, "chunks_per_part": 1}},
    )
    stack.wait_completed(run_id, timeout=600)

    parts = part_runs(stack, run_id)
    assert len(parts) == SHAREHOLDERS // CHUNK
    assert all(r.state is not None and r.state.is_completed() for r in parts)
    share = Counter(r.labels.get("prefect.worker.name") for r in parts)
    assert set(share) == {"worker-1", "worker-2"}, share
    assert min(share.values()) >= 2, f"one worker took almost everything: {share}"

    received = convocations(stack)
    assert set(received.values()) == {1}, received  # nobody twice
    with UnitOfWork(stack.settings) as uow:
        progress = service.mailing_progress(uow.session, assembly_id)
    assert progress.waiting == 0 and progress.sent == len(received)
    assert progress.sent + progress.postal == SHAREHOLDERS  # no e-mail address: by post
