"""Demo: the cooperative transition — old members imported, invited, some pay by bank
statement, one says "not now", one resigns, reminders, then restriction of the rest."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

SIZE = 60


def transition_campaign(ctx: Any) -> None:
    from flows.share_register_daily import DailyParameters, share_register_daily
    from flows.transition_campaign import TransitionParameters, transition_campaign
    from governance.config import get_settings
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor
    from governance.members.use_cases.member_import import import_members
    from governance.register.use_cases import shares
    from governance.transition.rules.transition import InviteeResponse
    from governance.transition.use_cases.transition import progress
    from governance.transition.use_cases.transition_followup import record_response
    from seeding.camt import Credit, statement_xml
    from seeding.demo_steps import picks
    from seeding.transition import members_csv

    csv_file = ctx.out / "old-system-members.csv"
    csv_file.write_text(members_csv(SIZE, without_email_every=10), encoding="utf-8")
    with UnitOfWork() as uow:
        summary = import_members(uow, csv_file.read_text("utf-8"), actor=Actor.staff("demo.staff"))
    ctx.report("transition", "old-system members imported (coop import members)", summary.imported)

    today = shares.brussels_today()
    params = TransitionParameters(
        name=f"Transition {today.year + 1}",
        deadline=today + timedelta(days=30),
        reminder_days=[14],
        restriction_on=today + timedelta(days=45),
        staff="demo.staff",
        as_of=today,
        chunk_size=20,
    )
    first = transition_campaign(params)
    campaign_id = int(first["campaign_id"])  # type: ignore[call-overload]
    ctx.report("transition", "members invited (letter with EPC QR + e-mail)", first["invited"])
    with UnitOfWork() as uow:
        state = progress(uow.session, campaign_id)
    invitees = picks.invitees(campaign_id)
    ctx.report("transition", "invitations on the postal list (no e-mail)", state.postal)

    # A third of the members pay by bank transfer: the bank's camt.053 statement is imported.
    credits = []
    with UnitOfWork() as uow:
        for n, (_member_id, sub_id) in enumerate(invitees[::3]):
            if sub_id is None:  # no invitation sent yet: nothing to pay
                continue
            view = shares.get_subscription(uow.session, sub_id)
            digits = "".join(ch for ch in view.structured_communication if ch.isdigit())
            credits.append(
                Credit(view.amount_cents, f"Payer {n}", "BE68539007547034", f"DEMO{sub_id}", digits)
            )
    inbox = ctx.out / "bank" / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    statement = inbox / "transition-statement.camt053.xml"
    statement.write_bytes(
        statement_xml(
            get_settings().coop_iban, "DEMO-TRANSITION-1", today + timedelta(days=5), credits
        )
    )
    # The register's morning flow imports the file: shares issued, certificates e-mailed.
    daily = share_register_daily(DailyParameters(inbox=str(inbox), today=today + timedelta(days=5)))
    ctx.report("transition", "paid through the bank statement (shares issued)", daily["issued"])
    ctx.report(
        "transition", "share certificates e-mailed by the register flow", daily["certificates"]
    )
    with UnitOfWork() as uow:
        record_response(uow, member_id=invitees[1][0], response=InviteeResponse.NOT_NOW,
                        staff="demo.staff", today=today)  # fmt: skip
    with UnitOfWork() as uow:
        record_response(uow, member_id=invitees[2][0], response=InviteeResponse.RESIGN,
                        staff="demo.staff", today=today)  # fmt: skip

    later = transition_campaign(params.model_copy(update={"as_of": today + timedelta(days=16)}))
    ctx.report("transition", "reminders (payers and answers skipped)", later["reminded"])
    again = transition_campaign(params.model_copy(update={"as_of": today + timedelta(days=17)}))
    ctx.report("transition", "reminders on a re-run the next day", again["reminded"])
    last = transition_campaign(params.model_copy(update={"as_of": params.restriction_on}))
    ctx.report("transition", "members restricted on the restriction date", last["restricted"])
    conversion = last["conversion"]
    assert isinstance(conversion, dict)
    ctx.report(
        "transition",
        "conversion (board report fr/nl + chart archived)",
        f"{conversion['paid']}/{conversion['invited']} ({conversion['percent_paid']} %)",
    )
