"""Register-wide tasks: bank statements, waking waiting flow runs, SEPA repayments, export."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from prefect import task

from documents import archive, labels
from documents.contexts import Coop
from documents.contexts import register as ctx
from documents.private_files import write_private
from documents.produce import DocumentRequest
from documents.register_xlsx import workbook_bytes
from documents.sepa import credit_transfer_xml
from governance.clock import business_today
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language
from governance.kernel.rules.errors import RuleViolation
from governance.kernel.rules.staff import SYSTEM_RESUME_CODE
from governance.kernel.use_cases import decisions
from governance.register.queries import register_export
from governance.register.rules.extract import Extract
from governance.register.use_cases import (
    bank_statements,
    payments,
    refunds,
    unpaid_subscriptions,
)
from governance.statutes import get_statutes
from tasks.bank_statements import import_pending, new_totals
from tasks.common import IO_RETRIES, run_log
from tasks.documents import produce

FOLDER = Actor.system("bank-import")


@task(name="import-bank-statements", **IO_RETRIES)
def import_bank_statements(inbox: str) -> dict[str, Any]:
    """Keep every camt.053 file of `inbox` in the database (then move it to inbox/done), and
    import every kept statement not imported yet, whichever door brought it (twice = once)."""
    folder = Path(inbox)
    done = folder / "done"
    totals = new_totals()
    for path in sorted(folder.glob("*.xml")) if folder.exists() else []:
        try:
            payments.check_file_size(path.stat().st_size)
            with UnitOfWork() as uow:
                bank_statements.receive(
                    uow, path.read_bytes(), actor=FOLDER, source="inbox", file_name=path.name
                )
        except RuleViolation as exc:  # not the coop's, not a supported statement, too large
            _set_aside(folder / "refused", path, exc.message)
            totals["refused"].append(f"{path.name}: {exc.message}")
            run_log().error("bank statement %s refused: %s", path.name, exc.message)
            continue
        done.mkdir(exist_ok=True)
        shutil.move(str(path), done / path.name)
    import_pending(totals)
    run_log().info("bank statements: %s", totals)
    return totals


def _set_aside(refused: Path, path: Path, reason: str) -> None:
    """Move a refused file out of the inbox, with the reason beside it for staff."""
    refused.mkdir(exist_ok=True)
    shutil.move(str(path), refused / path.name)
    (refused / f"{path.name}.reason.txt").write_text(reason + "\n", encoding="utf-8")


@task(name="wake-waiting-subscriptions", **IO_RETRIES)
def wake_waiting_subscriptions(subscription_ids: list[int]) -> int:
    """Subscriptions settled outside their flow (bank import, lapse): close the staff request
    and resume the suspended flow run so it finishes (certificate or nothing)."""
    from prefect.flow_runs import resume_flow_run

    woken = 0
    for sub_id in subscription_ids:
        with UnitOfWork() as uow:
            waiting = unpaid_subscriptions.answer_for_waiting_run(uow, sub_id)
        if waiting is None:
            continue
        try:
            resume_flow_run(
                UUID(waiting.flow_run_id),
                run_input={
                    **waiting.answer,
                    "staff": "system",
                    "one_time_code": SYSTEM_RESUME_CODE,
                },
            )
            woken += 1
        except Exception as exc:  # the run may be gone or no longer suspended
            run_log().warning("could not resume %s: %s", waiting.flow_run_id, exc)
    return woken


@task(name="write-repayment-batch", **IO_RETRIES)
def write_repayment_batch(batch_id: str, execution_date: date) -> str | None:
    """The pain.001 SEPA credit transfer file for the repayments and refunds due; None if
    nothing is due."""
    with UnitOfWork() as uow:
        due = refunds.repayment_batch(uow, batch_id=batch_id, actor=Actor.system("repayments"))
        settings = uow.settings
    if not due:
        return None
    xml = credit_transfer_xml(f"REPAY-{batch_id}", due, settings, execution_date)
    # written again by a retry of the same batch (as before the database store): replaced
    stored = archive.store(settings, "sepa", f"repayments-{batch_id}.xml", xml, replace=True)
    return str(settings.resolved_archive_dir() / stored.relative_path)


def extract_context(extract: Extract, language: Language, coop: Coop) -> ctx.RegisterExtract:
    statutes = get_statutes()
    lang = str(language)
    return ctx.RegisterExtract(
        language=language,
        coop=coop,
        today=business_today(),
        as_at=extract.as_at,
        voting=labels.voting_rule(statutes.voting.basis, statutes.voting.cap_fraction, lang),
        transfer_rule=labels.transfer_rule(statutes.transfer_rule, lang),
        classes=[
            ctx.ExtractClass(
                **{**c.__dict__, "label": statutes.share_class(c.share_class).label_in(lang)}
            )
            for c in extract.classes
        ],
        rows=[ctx.ExtractHolder(**r.__dict__) for r in extract.rows],
        transfers=[ctx.ExtractTransfer(**t.__dict__) for t in extract.transfers],
        last_sequence=extract.last_sequence,
    )


@task(name="export-register", **IO_RETRIES)
def export_register(
    as_at: date,
    out_dir: str,
    share_class: str | None = None,
    language: Language = Language.FR,
    document: bool = True,
) -> list[str]:
    """The legal register as at a date: XLSX in out_dir, and the archived document."""
    with UnitOfWork() as uow:
        extract = register_export.extract(uow.session, as_at, share_class)
        coop = Coop.from_settings(uow.settings)
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    suffix = f"{as_at.isoformat()}{'-' + share_class if share_class else ''}"
    xlsx = target / f"register-{suffix}.xlsx"
    write_private(xlsx, workbook_bytes(extract, coop.name, language))  # names and addresses
    written = [str(xlsx)]
    if document:
        key = f"doc:register_extract:{suffix}:{extract.last_sequence}:{language}"
        produce(
            [
                DocumentRequest(
                    key,
                    "register_extract",
                    language,
                    extract_context(extract, language, coop),
                    "register",
                    suffix,
                )
            ]
        )
        with UnitOfWork() as uow:
            path = register_export.archived_path(uow.session, key)
            settings = uow.settings
        if path:
            source = archive.local_path(settings, path)
            copy = target / f"register-{suffix}{source.suffix}"
            write_private(copy, source.read_bytes())
            written.append(str(copy))
    return written


def _approval_key(request_key: str) -> str:
    return f"share-transfer-approval:{request_key}"


@task(name="ask-board", **IO_RETRIES)
def ask_board(transfer: dict[str, Any]) -> dict[str, str] | None:
    """Open the board's approval request (once); returns {decision, staff} if already taken."""
    question = decisions.Question(
        key=_approval_key(transfer["request_key"]),
        process="share-transfer",
        subject_type="member",
        subject_id=transfer["from_member_id"],
        member_id=transfer["from_member_id"],
        question=(
            f"Approve the transfer of {transfer['shares']} class "
            f"{transfer['share_class']} share(s) from member "
            f"{transfer['from_member_id']} to member {transfer['to_member_id']} "
            f"dated {transfer['effective_on']}?"
        ),
        due_in=timedelta(days=30),
    )
    with UnitOfWork() as uow:
        view, _ = decisions.ask(uow, question)
    if view.decision is None:
        return None
    return {"decision": str(view.decision.get("decision")), "staff": view.decided_by or ""}


@task(name="record-board-decision", **IO_RETRIES)
def record_board_decision(request_key: str, decision: str, note: str, staff: str) -> dict[str, str]:
    with UnitOfWork() as uow:
        decisions.answer(
            uow,
            key=_approval_key(request_key),
            decision={"decision": decision, "note": note},
            staff=staff,
        )
    return {"decision": decision, "staff": staff}
