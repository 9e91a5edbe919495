"""Demo: votes on the ballot page (real HTTP forms), on paper and by proxy; closing with
the count, the draft minutes and the results e-mails; then an independent verify."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from coopflow_cli.voting_sample import random_choices, seed_assembly
from governance.db.models import Member
from governance.db.uow import UnitOfWork
from governance.domain.enums import MemberStatus
from governance.services import voting

VOTERS = 60


def _form(choices: dict[str, Any]) -> dict[str, Any]:
    form: dict[str, Any] = {f"r_{k}": v for k, v in choices.items() if isinstance(v, str)}
    form["e_E1"] = choices.get("E1", [])
    return form


def cast_votes(ctx: Any) -> None:
    from fastapi.testclient import TestClient

    from coopflow_cli.ballot_web.app import create_app

    now = datetime.now(UTC)
    with UnitOfWork() as uow:
        ids = list(
            uow.session.scalars(
                select(Member.id)
                .where(Member.status == MemberStatus.ACTIVE)
                .order_by(Member.id)
                .limit(VOTERS)
            )
        )
        sample = seed_assembly(uow.session, uow.settings, ids, now=now)
        uow.commit()
    ctx.state["assembly_id"] = sample.assembly_id
    rng = random.Random(2026)
    codes = [sample.codes[m] for m in ids]
    # Proxies: member 0 -> member 1 (a shareholder); member 2 -> a non-shareholder.
    with UnitOfWork() as uow:
        voting.give_proxy(
            uow, sample.assembly_id, ids[0], holder_member_id=ids[1], staff="demo.staff"
        )
    with UnitOfWork() as uow:
        voting.give_proxy(
            uow, sample.assembly_id, ids[2], holder_name="Maître A. Dupont", staff="demo.staff"
        )
    client = TestClient(create_app())
    web = 0
    for code in codes[:30]:  # the proxy holders vote with the givers' codes (0 and 2) here
        assert client.get(f"/b/{code}").status_code == 200
        form = {"code": code, **_form(random_choices(rng))}
        assert client.post("/confirm", data=form).status_code == 200
        page = client.post("/cast", data=form)
        assert page.status_code == 200 and 'id="receipt"' in page.text, page.text[-500:]
        web += 1
    refused = client.post("/cast", data={"code": codes[5], **_form(random_choices(rng))})
    paper = 0
    for code in codes[30:40]:
        with UnitOfWork() as uow:
            voting.enter_paper_ballot(uow, code, random_choices(rng), staff="demo.staff", now=now)
        paper += 1
    for member_id in ids[40:43]:
        with UnitOfWork() as uow:
            voting.record_presence(uow, sample.assembly_id, member_id, staff="demo.staff")
    ctx.report("assembly-voting", "ballots cast on the web page (HTTP forms, receipts)", web)
    ctx.report("assembly-voting", "of which by proxy (a member; a non-shareholder)", 2)
    ctx.report("assembly-voting", "paper ballots entered by staff", paper)
    ctx.report("assembly-voting", "second use of a code refused (HTTP status)", refused.status_code)
    ctx.report("assembly-voting", "present at the meeting without voting", 3)


def close_assembly(ctx: Any) -> None:
    from flows.assembly_closing import assembly_closing
    from governance.services import voting_closing

    assembly_id = int(ctx.state["assembly_id"])
    result = assembly_closing(assembly_id=assembly_id, close_early=True, staff="demo.staff")
    again = assembly_closing(assembly_id=assembly_id, close_early=True, staff="demo.staff")
    with UnitOfWork() as uow:
        report = voting_closing.verify(uow, assembly_id, published_seal=str(result["seal"]))
    with UnitOfWork() as uow:
        view = voting_closing.closed_assembly(uow, assembly_id)
    adopted = sum(1 for r in view.result["resolutions"] if r.get("adopted"))
    ctx.report(
        "assembly-closing",
        "ballots counted (seal " + str(result["seal"])[:12] + "…)",
        result["ballots"],
    )
    ctx.report("assembly-closing", "resolutions adopted / motions", f"{adopted}/3")
    minutes: Any = result["minutes"]
    second_mail: Any = again["mail"]
    ctx.report("assembly-closing", "draft minutes (one per voters' language)", len(minutes))
    ctx.report("assembly-closing", "results e-mails queued", result["mails_queued"])
    ctx.report("assembly-closing", "second run: e-mails sent again", second_mail["sent"])
    ctx.report(
        "assembly-closing",
        "verify: recount from stored ballots",
        "OK" if report.ok else "; ".join(report.problems),
    )
