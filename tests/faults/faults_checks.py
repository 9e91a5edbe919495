"""What the crash and database-restart tests share: a day of contract declarations, and the
checks that, after a fault and a re-run, everything exists exactly once and nothing is
half-written (register chain, outbox, documents on disk)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from contracts_helpers import add_member, client, declaration
from faults_smtp import Arrivals, arrivals
from sqlalchemy import func, select
from test_assembly_convening import new_assembly, shareholders

from governance.contracts.use_cases import contracts
from governance.db.models import Document, OutboxMessage
from governance.db.models.assembly import AssemblyVoter
from governance.db.repositories import register
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language

# Read at import: the coop_env fixture clears every COOP_* variable before a test body runs.
_REPLAY_SEED = os.environ.get("COOP_FAULTS_SEED")
CONTRACT_MAIL = "mail:contract:"
CONTRACT_DOCS = "doc:contract:"


def faults_seed() -> int:
    """A random seed per run, printed in the report; COOP_FAULTS_SEED replays one."""
    return int(_REPLAY_SEED or time.time_ns() % 1_000_000)


def consistent_register() -> register.VerifyReport:
    """The register's hash chain and projection verify."""
    with UnitOfWork() as uow:
        report = register.verify(uow.session)
    assert report.ok, report.problem
    return report


def redelivered() -> set[str]:
    """Outbox keys flagged as possibly sent twice (a claim released after its owner died)."""
    with UnitOfWork() as uow:
        return set(uow.session.scalars(select(OutboxMessage.idempotency_key).where(
            OutboxMessage.redelivered.is_(True))))


def outbox_statuses(prefix: str) -> dict[str, int]:
    with UnitOfWork() as uow:
        rows = uow.session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.idempotency_key.startswith(prefix))
            .group_by(OutboxMessage.status)).all()
    return {str(s): int(n) for s, n in rows}


def _client(n: int):  # type: ignore[no-untyped-def]
    """A client of its own per declaration (one client's unpaid invoices would need review)."""
    first = f"{4030192 + n:08d}"
    number = first + f"{97 - int(first) % 97:02d}"
    return client(name=f"Client {n}", enterprise_number=number, vat_number=f"BE{number}")


def pending_declarations(count: int) -> list[int]:
    """`count` members, each with a declaration for a client of its own, waiting for the batch."""
    members = [add_member() for _ in range(count)]
    with UnitOfWork() as uow:
        return contracts.submit_many(
            uow, [declaration(m, external_ref=f"F{m}", client=_client(i))
                  for i, m in enumerate(members)],
            Actor.system("import"))


def documents_on_disk(archive: Path) -> int:
    return sum(1 for _ in archive.rglob("*.docx")) if archive.exists() else 0


def never_half_written(ids: list[int], archive: Path) -> dict[str, int]:
    """After a failed run: each declaration is untouched or approved; every document row has
    its file; every sent message's attachments exist; the register verifies. Returns the
    declarations by status, and under "undocumented" the approved ones the next batch will
    document."""
    consistent_register()
    with UnitOfWork() as uow:
        by_status: dict[str, int] = {}
        for i in ids:
            status = str(contracts.view(uow.session, i).status)
            by_status[status] = by_status.get(status, 0) + 1
        paths = list(uow.session.scalars(select(Document.path).where(
            Document.idempotency_key.startswith(CONTRACT_DOCS))))
        undocumented = set(contracts.undocumented_ids(uow.session, None))
        sent = list(uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.idempotency_key.startswith(CONTRACT_MAIL),
            OutboxMessage.status == "sent")))
        documented = set(uow.session.scalars(select(Document.idempotency_key)))
    assert set(by_status) <= {"submitted", "approved"}, by_status
    assert all((archive / p).exists() for p in paths), "a document row without its file"
    assert undocumented <= set(ids)
    assert all(set(m.attachment_keys) <= documented for m in sent), "sent without a document"
    return {**by_status, "undocumented": len(undocumented)}


@dataclass
class BatchOutcome:
    documents: int
    expected_documents: int
    mails: int
    lost: int
    duplicated: int


def assert_batch_complete(ids: list[int], archive: Path, mail_dir: Path) -> BatchOutcome:
    """Every declaration approved, its three documents once each and on disk, each contract
    e-mail arrived (a double only where the outbox flagged a redelivery), the register verifies."""
    expected_docs = {k for i in ids for k in contracts.document_keys(i).values()}
    with UnitOfWork() as uow:
        keys = list(uow.session.scalars(select(Document.idempotency_key).where(
            Document.idempotency_key.startswith(CONTRACT_DOCS))))
        paths = list(uow.session.scalars(select(Document.path).where(
            Document.idempotency_key.startswith(CONTRACT_DOCS))))
        statuses = {str(v.status) for v in (contracts.view(uow.session, i) for i in ids)}
        mails = set(uow.session.scalars(select(OutboxMessage.idempotency_key).where(
            OutboxMessage.idempotency_key.startswith(CONTRACT_MAIL))))
    assert statuses == {"approved"}, statuses
    assert sorted(keys) == sorted(expected_docs)  # none missing, none twice
    assert all((archive / p).exists() for p in paths)
    statuses_by_count = outbox_statuses(CONTRACT_MAIL)
    assert statuses_by_count.keys() == {"sent"}, statuses_by_count
    found = arrivals(mail_dir)
    contract_mail = {k for k in found.keys if k.startswith(CONTRACT_MAIL)}
    missing = mails - contract_mail
    doubles = {k for k, n in found.keys.items() if n > 1}
    assert not missing and doubles <= redelivered()
    consistent_register()
    return BatchOutcome(documents=len(keys), expected_documents=len(expected_docs),
                        mails=len(contract_mail),
                        lost=len(missing) + len(expected_docs - set(keys)),
                        duplicated=found.duplicates)


CONTRACT_RUNNER = (
    "from flows.contract_batch import BatchParameters, contract_batch\n"
    "contract_batch(BatchParameters(chunk_size=10))\n"
)


@dataclass
class ChildRun:
    fired: bool  # the condition held while the batch ran, and `then` was done
    returncode: int


def contract_batch_child(
    condition: Callable[[], bool],
    then: Callable[[subprocess.Popen[bytes]], None],
    api_url: str,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> ChildRun:
    """The daily batch in a child process of its own session (process group), on the given
    Prefect API; as soon as `condition` holds, `then(child)` (kill it, stop its database...).
    The child is always gone on return."""
    child_env = dict(os.environ, PREFECT_API_URL=api_url, PREFECT_LOGGING_LEVEL="ERROR",
                     **(env or {}))
    child = subprocess.Popen([sys.executable, "-c", CONTRACT_RUNNER], env=child_env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    fired = False
    try:
        deadline = time.monotonic() + timeout
        while child.poll() is None and time.monotonic() < deadline:
            if condition():
                then(child)
                fired = True
                break
            time.sleep(0.02)
        child.wait(max(1.0, deadline - time.monotonic()))
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    return ChildRun(fired, child.returncode)


@dataclass
class Convening:
    """A general assembly of 36 shareholders in four languages, a third without e-mail."""

    shareholders: int
    assembly_id: int
    with_email: int
    register_entries: int


def assembly_to_convene() -> Convening:
    ids = shareholders([Language.FR, Language.NL, Language.DE, Language.EN] * 9,
                       email_every=False)
    with UnitOfWork() as uow:  # the convening helper appends entries without the projection
        register.rebuild_holdings(uow.session)
        uow.commit()
    entries = consistent_register().entries
    return Convening(len(ids), new_assembly(), len(ids) - len(ids) // 3, entries)


def assert_convened(convening: Convening, mail_dir: Path) -> tuple[Arrivals, int]:
    """Every shareholder with an address got the convocation (a double only where the outbox
    flagged a redelivery), the outbox says sent, the register is untouched. (arrivals, missing)"""
    found = arrivals(mail_dir)
    with UnitOfWork() as uow:
        expected = {e for e in uow.session.scalars(select(AssemblyVoter.email)) if e}
    assert len(expected) == convening.with_email
    missing = expected - set(found.recipients)
    doubles = {k for k, n in found.keys.items() if n > 1}
    assert not missing
    assert doubles <= redelivered()
    prefix = mail_keys.assembly_convocation(convening.assembly_id)
    assert outbox_statuses(prefix) == {"sent": convening.with_email}
    assert consistent_register().entries == convening.register_entries  # no share entry
    return found, len(missing)
