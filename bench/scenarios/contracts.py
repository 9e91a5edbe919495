"""Contract batch: 2,000 declarations checked and documented (3 DOCX each) by `contract-batch`.

Also measured: the Prefect orchestration share (time of the run outside any task run), plain
docxtpl on a sample (the baseline, extrapolated), and the e-mail delivery of the approvals.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.orchestration import task_coverage
from bench.result import Result, Stopwatch
from bench.workspace import Workspace, workspace
from governance.clock import brussels_date, business_today, utcnow
from governance.kernel.rules import mail_keys


def _enterprise_number(rng: random.Random) -> str:
    base = rng.randrange(2_000_000, 9_999_999)
    return f"{base:08d}{97 - base % 97:02d}"


def _seed(ws: Workspace, declarations: int) -> list[Any]:
    """Members holding shares, and one declaration per line (distinct clients, all auto-approvable)."""
    from governance.contracts.rules.contracts import ClientFacts, ContractDeclaration
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor
    from governance.kernel.rules.enums import Language
    from governance.members.use_cases import members
    from governance.register.use_cases import share_payments, shares

    member_ids = ws.seed_members(max(declarations // 5, 10))
    now = utcnow()
    with UnitOfWork() as uow:
        views = {m: members.get_member(uow.session, m) for m in member_ids}
        for member_id in member_ids:
            sub = shares.subscribe(
                uow.session,
                member_id=member_id,
                share_class="A",
                shares=2,
                actor=Actor.system("bench"),
                now=now,
            )
            share_payments.record_payment(
                uow.session,
                subscription_id=sub.id,
                amount_cents=sub.amount_cents,
                paid_on=brussels_date(now),
                actor=Actor.system("bench"),
                bank_reference=f"B{member_id}",
            )
        uow.commit()
    rng = random.Random(2026)
    languages = list(Language)
    lines = []
    for i in range(declarations):
        member = views[member_ids[i % len(member_ids)]]
        first = business_today() + timedelta(days=3 + i % 20)
        days = 1 + i % 3
        lines.append(
            ContractDeclaration(
                member_id=member.id,
                client=ClientFacts(
                    name=f"Client {i} & Co",
                    enterprise_number=_enterprise_number(rng),
                    email=f"client{i}@example.org",
                    language=languages[i % 4],
                    street="Rue Haute 1",
                    postcode="1000",
                    city="Bruxelles",
                ),
                function="Sound engineer",
                description=f"Concert {i} <live> & rehearsal",
                work_days=[first + timedelta(days=d) for d in range(days)],
                work_city=member.city,
                amount_excl_vat_cents=50_000 * days + i,
                office=member.office,
                employment_language=Language.FR if member.language is Language.EN else None,
                external_ref=f"BENCH-{i}",
            )
        )
    return lines


def _submit(lines: list[Any]) -> None:
    from governance.contracts.use_cases import contracts
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor

    with UnitOfWork() as uow:
        contracts.submit_many(uow, lines, Actor.system("bench"))


def run(quick: bool) -> list[Result]:
    size = 200 if quick else 2_000
    chunk = 250
    from documents import workers
    from flows.contract_batch import BatchParameters, contract_batch
    from governance.contracts.use_cases import contract_paperwork
    from governance.db.uow import UnitOfWork
    from tasks.mail import deliver_pending

    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp, workspace(Path(tmp)) as ws:
        # DOCX only, as the other mass scenarios: PDF conversion is measured in scenarios/pdf.py
        os.environ["COOP_PDF_OUTPUT"] = "false"
        from governance.config import reset_settings

        reset_settings()
        lines = _seed(ws, size)
        watch = Stopwatch()
        with watch("Prefect temporary server start (excluded)"):
            from prefect import flow

            flow(name="bench-warm-up")(lambda: None)()
        workers.pool().submit(int, 0).result()  # spawn the render workers before timing
        flow_start = time.perf_counter()
        with watch("import (one transaction)"):
            _submit(lines)
        with watch("contract-batch flow (checks + 3 DOCX each)"):
            state = contract_batch(
                BatchParameters(chunk_size=chunk, deliver_mail=False), return_state=True
            )
            counts = state.result()
        flow_seconds = time.perf_counter() - flow_start
        with watch("e-mails to the SMTP sink (2 per contract)"):
            mail = deliver_pending(keys_prefix=mail_keys.contracts(), batch_size=500)
        with UnitOfWork() as uow:
            sample_ids = list(range(1, 21))
            papers = contract_paperwork.paperwork(uow.session, sample_ids)
        # plain docxtpl on a sample: the baseline, extrapolated to every document
        from documents.contexts import Coop
        from documents.contract_papers import requests_for
        from documents.render import render_docx
        from governance.config import get_settings

        coop = Coop.from_settings(get_settings())
        sample = [r for p in papers for r in requests_for(p, coop, business_today())]
        t0 = time.perf_counter()
        for r in sample:
            render_docx(r.template, str(r.language), r.context)
        per_doc = (time.perf_counter() - t0) / max(len(sample), 1)
        documents = counts["documents"]
        results.append(
            Result(
                f"contract-batch: {size} declarations, checks + 3 DOCX each "
                f"({workers.worker_count()} render processes)",
                size,
                flow_seconds,
                target="< 120 s for 2,000 declarations",
                baseline_seconds=per_doc * documents + watch.phases["import (one transaction)"],
                breakdown=dict(watch.phases),
                notes=f"{counts.get('approved', 0)} approved, {documents} documents; baseline = plain "
                f"docxtpl {per_doc * 1000:.1f} ms/doc × {documents} on a {len(sample)}-doc sample; "
                f"{mail.sent} e-mails sent after the flow",
            )
        )
        task_runs, covered, flow_run_seconds = task_coverage(state.state_details.flow_run_id)
    workers.shutdown()
    idle = max(flow_run_seconds - covered, 0.0)
    results.append(
        Result(
            "Prefect orchestration share of the contract-batch run",
            size,
            flow_run_seconds,
            breakdown={
                "inside tasks": covered,
                "outside any task (orchestration + flow code)": idle,
            },
            notes=f"{task_runs} task runs for {size} declarations (chunks of {chunk}, never one "
            f"task per document); outside-task time = {idle / flow_run_seconds:.1%} of the run",
        )
    )
    return results
