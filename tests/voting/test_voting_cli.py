"""Staff commands of the vote: proxies by member number; `coop assembly close --early` is the
closing flow (minutes and result e-mails), not a shortcut that only counts."""

from __future__ import annotations

from sqlalchemy import select
from typer.testing import CliRunner

from coopflow_cli.main import app
from governance.assembly.use_cases import voting as service
from governance.db.models import Document
from governance.db.models.voting import Proxy
from governance.db.uow import UnitOfWork
from governance.members.use_cases import members


def _number(member_id: int) -> str:
    with UnitOfWork() as uow:
        number = members.assign_member_number(uow.session, member_id)
        uow.commit()
    return number


def test_staff_record_a_proxy_with_the_member_numbers_the_documents_show(
    convene, staff_phones
) -> None:
    ga = convene(3)
    giver, holder = _number(ga.member_ids[0]), _number(ga.member_ids[1])
    result = CliRunner().invoke(app, [
        "assembly", "give-proxy", "--assembly", str(ga.assembly_id), "--giver", giver,
        "--holder", holder.lower(), "--staff", "anne.staff",
        "--code", staff_phones.code("anne.staff")])
    assert result.exit_code == 0, result.output
    with UnitOfWork() as uow:
        proxy = uow.session.scalar(select(Proxy))
        assert proxy is not None
        assert (proxy.giver_member_id, proxy.holder_member_id) == tuple(ga.member_ids[:2])
    unknown = CliRunner().invoke(app, [
        "assembly", "give-proxy", "--assembly", str(ga.assembly_id), "--giver", "M9999999",
        "--holder-name", "Jan Peeters", "--staff", "anne.staff",
        "--code", staff_phones.code("anne.staff")])
    assert unknown.exit_code == 2 and "no member numbered M9999999" in unknown.output


def test_closing_early_from_the_command_line_writes_the_minutes_and_mails_the_results(
    convene, coop_env, mail_sink, prefect_harness, staff_phones
) -> None:
    ga = convene(3)
    with UnitOfWork() as uow:
        service.cast_ballot(uow, ga.code(0), {"R1": "for", "R2": "for", "R3": "for", "E1": []},
                            now=ga.now)
    result = CliRunner().invoke(app, [
        "assembly", "close", "--assembly", str(ga.assembly_id), "--staff", "anne.staff",
        "--early", "--code", staff_phones.code("anne.staff")])
    assert result.exit_code == 0, result.output
    assert "closed: 1 ballots" in result.output and "minutes" in result.output
    with UnitOfWork() as uow:
        minutes = uow.session.scalars(select(Document).where(
            Document.template == "assembly_minutes")).all()
    assert minutes and mail_sink.parsed()


def test_staff_see_the_live_turnout_as_a_count_and_nothing_of_the_choices(convene) -> None:
    ga = convene(4)
    for n in range(3):
        with UnitOfWork() as uow:
            service.cast_ballot(uow, ga.code(n), {"R1": "for", "R2": "against", "R3": "for",
                                                  "E1": ["C1"]}, now=ga.now)
    result = CliRunner().invoke(app, ["assembly", "turnout", "--assembly", str(ga.assembly_id)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        f"assembly {ga.assembly_id} (voting open): 3 of 4 voted (75.0 %)")
