"""Demo: votes on the ballot page (real HTTP forms), on paper and by proxy; closing with
the count, the draft minutes and the results e-mails; then an independent verify."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from governance.assembly.rules.voting import AgendaItem
from governance.assembly.use_cases import voting
from governance.assembly.use_cases.assembly import get_assembly
from governance.assembly.use_cases.ballot_keys import ballot_codes
from governance.clock import utcnow
from governance.db.uow import UnitOfWork
from governance.kernel.rules.staff import DecisionKind
from seeding.demo_steps import picks
from seeding.demo_steps.staff import PHONES
from seeding.voting import seed_assembly

VOTERS = 60


def _form(choices: dict[str, Any]) -> dict[str, Any]:
    form: dict[str, Any] = {}
    for code, value in choices.items():
        form[f"e_{code}" if isinstance(value, list) else f"r_{code}"] = value
    return form


def _random_ballot(rng: random.Random, agenda: list[AgendaItem]) -> dict[str, Any]:
    ballot: dict[str, Any] = {}
    for item in agenda:
        if item.is_election:
            ballot[item.code] = rng.sample(list(item.candidates), rng.randint(0, item.seats))
        else:
            ballot[item.code] = rng.choices(["for", "against", "abstain"], [6, 3, 1])[0]
    return ballot


def _voting_assembly(ctx: Any) -> tuple[int, list[int], dict[int, str], datetime]:
    """The assembly convened by the previous demo step (its voters and their codes, and a
    moment inside its voting window), or a sample assembly when there is none."""
    assembly_id = ctx.state.get("assembly_id")
    if assembly_id is not None:
        ids = picks.voters(int(assembly_id), VOTERS)
        with UnitOfWork() as uow:
            assembly = get_assembly(uow.session, int(assembly_id))
            codes = ballot_codes(uow.settings, assembly.id, ids)
        # The demo's clock jumps to the middle of the voting window.
        moment = (
            assembly.voting_opens_at + (assembly.voting_closes_at - assembly.voting_opens_at) / 2
        )
        return assembly.id, ids, codes, moment
    now = utcnow()
    ids = picks.active_members(VOTERS)
    with UnitOfWork() as uow:
        sample = seed_assembly(uow, ids, now=now)
    ctx.state["assembly_id"] = sample.assembly_id
    return sample.assembly_id, ids, sample.codes, now


def cast_votes(ctx: Any) -> None:
    from fastapi.testclient import TestClient

    from coopflow_cli.ballot_web.app import create_app

    assembly_id, ids, by_member, now = _voting_assembly(ctx)
    with UnitOfWork() as uow:
        agenda = voting.agenda_items(uow.session, assembly_id)
    rng = random.Random(2026)
    codes = [by_member[m] for m in ids]
    # Proxies: voter 0 -> voter 1 (a shareholder); voter 2 -> a non-shareholder.
    keeper = PHONES.prove("demo.staff", DecisionKind.PROXY, f"proxy:{assembly_id}")
    with UnitOfWork() as uow:
        voting.give_proxy(uow, assembly_id, ids[0], holder_member_id=ids[1], staff=keeper)
    keeper = PHONES.prove("demo.staff", DecisionKind.PROXY, f"proxy:{assembly_id}")
    with UnitOfWork() as uow:
        voting.give_proxy(uow, assembly_id, ids[2], holder_name="Maître A. Dupont", staff=keeper)
    client = TestClient(create_app(clock=lambda: now))
    web = 0
    for code in codes[:30]:  # the proxy holders vote with the givers' codes (0 and 2) here
        assert client.get(f"/b/{code}").status_code == 200
        form = {"code": code, **_form(_random_ballot(rng, agenda))}
        assert client.post("/confirm", data=form).status_code == 200
        page = client.post("/cast", data=form)
        assert page.status_code == 200 and 'id="receipt"' in page.text, page.text[-500:]
        web += 1
    refused = client.post("/cast", data={"code": codes[5], **_form(_random_ballot(rng, agenda))})
    paper = 0
    for code in codes[30:40]:
        keeper = PHONES.prove("demo.staff", DecisionKind.PAPER_BALLOT, "paper-ballot")
        with UnitOfWork() as uow:
            voting.enter_paper_ballot(uow, code, _random_ballot(rng, agenda), staff=keeper, now=now)
        paper += 1
    for member_id in ids[40:43]:
        with UnitOfWork() as uow:
            voting.record_presence(uow, assembly_id, member_id, staff="demo.staff")
    ctx.report("assembly-voting", "ballots cast on the web page (HTTP forms, receipts)", web)
    ctx.report("assembly-voting", "of which by proxy (a member; a non-shareholder)", 2)
    ctx.report("assembly-voting", "paper ballots entered by staff", paper)
    ctx.report("assembly-voting", "second use of a code refused (HTTP status)", refused.status_code)
    ctx.report("assembly-voting", "present at the meeting without voting", len(ids[40:43]))


def close_assembly(ctx: Any) -> None:
    from flows.assembly_closing import assembly_closing
    from governance.assembly.use_cases import voting_closing, voting_early_close, voting_results

    assembly_id = int(ctx.state["assembly_id"])
    # the board decides to close before the announced end, proven like every decision
    board = PHONES.prove("board.secretary", DecisionKind.ASSEMBLY_EARLY_CLOSE, "close-early")
    with UnitOfWork() as uow:
        voting_early_close.decide_early_close(uow, assembly_id, board, "demo: every vote is in")
    result = assembly_closing(assembly_id=assembly_id, close_early=True, staff="demo.staff")
    again = assembly_closing(assembly_id=assembly_id, close_early=True, staff="demo.staff")
    with UnitOfWork() as uow:
        report = voting_closing.verify(uow, assembly_id, published_seal=str(result["seal"]))
    with UnitOfWork() as uow:
        view = voting_results.closed_assembly(uow, assembly_id)
    adopted = sum(1 for r in view.result["resolutions"] if r.get("adopted"))
    motions = sum(1 for r in view.result["resolutions"] if r["kind"] != "election")
    ctx.report(
        "assembly-closing",
        "ballots counted (seal " + str(result["seal"])[:12] + "…)",
        result["ballots"],
    )
    ctx.report("assembly-closing", "resolutions adopted / motions", f"{adopted}/{motions}")
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
