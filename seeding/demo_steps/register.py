"""Demo: share subscriptions paid through a generated bank statement (exact, partial,
unknown), certificates e-mailed, a board-approved transfer, a resignation, the register
verified and exported to the demo folder."""

from __future__ import annotations

from typing import Any

from governance.clock import business_today
from governance.db.repositories import register
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.enums import Language
from governance.kernel.rules.staff import DecisionKind
from governance.register.use_cases import shares
from seeding.camt import Credit, statement_xml
from seeding.demo_steps import picks
from seeding.demo_steps.staff import PHONES


def subscribe_and_pay(ctx: Any) -> None:
    from flows.bank_statement_upload import StatementUpload, bank_statement_upload
    from flows.share_register_daily import DailyParameters, share_register_daily
    from tasks.mail import deliver_pending
    from tasks.shares import start_subscription_now

    members = picks.with_email_per_language(2, skip=2)
    subs = [
        start_subscription_now(m, "A", 1 + i % 3, f"demo:{m}", "demo.staff")
        for i, m in enumerate(members)
    ]
    deliver_pending(keys_prefix=mail_keys.share_payment_instructions())
    ctx.report("share-subscription", "subscriptions, payment instructions e-mailed", len(subs))
    with UnitOfWork() as uow:
        views = [shares.get_subscription(uow.session, s) for s in subs]
        iban = uow.settings.coop_iban
    digits = ["".join(c for c in v.structured_communication if c.isdigit()) for v in views]
    credits = [
        Credit(
            v.amount_cents, f"Payer {v.member_id}", "BE05068123456775", f"DEMO{i:04d}", digits[i]
        )
        for i, v in enumerate(views[:-2])
    ]
    credits.append(
        Credit(
            views[-2].amount_cents // 2,
            "Partial payer",
            "BE05068123456775",
            "DEMO-PARTIAL",
            None,
            f"parts {views[-2].structured_communication}",
        )
    )
    credits.append(
        Credit(4500, "Nobody Known", "BE05068123456775", "DEMO-UNKNOWN", None, "cotisation")
    )
    # one statement pasted by staff in the upload form, the day's others left in the folder
    pasted = statement_xml(iban, "DEMO-STATEMENT-0", business_today(), credits[:1])
    uploaded = bank_statement_upload(StatementUpload(statement=pasted.decode()), return_state=True)
    ctx.report("bank-statement-upload", f"pasted in the form: {uploaded.message}", uploaded.name)
    inbox = ctx.out / "bank" / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "statement-demo.xml").write_bytes(
        statement_xml(iban, "DEMO-STATEMENT-1", business_today(), credits[1:])
    )
    result = share_register_daily(DailyParameters(inbox=str(inbox)))
    ctx.report("share-subscription", "camt.053 imported: exact → shares issued", result["issued"])
    ctx.report(
        "share-subscription", "share certificates produced and e-mailed", result["certificates"]
    )
    ctx.report(
        "share-subscription", "partial + unknown payments → staff review items", result["reviews"]
    )
    ctx.state["register_subscriptions"] = subs


def review_held_payments(ctx: Any) -> None:
    """Staff answer the held payments' forms (here given through the service, as the form
    would), then each share-payment-review run carries it out: partial applied, unknown
    refunded."""
    from flows.share_payment_review import PaymentReviewParameters, share_payment_review
    from governance.register.use_cases import payment_reviews

    held = picks.held_payments()
    outcomes: dict[str, int] = {}
    for payment_id, subscription_id in held:
        with UnitOfWork() as uow:
            payment_reviews.decide(
                uow,
                payment_id,
                decision="apply" if subscription_id else "refund",
                staff=PHONES.prove("demo.staff", DecisionKind.PAYMENT_REVIEW),
            )
        status = share_payment_review(PaymentReviewParameters(payment_id=payment_id))
        outcomes[status] = outcomes.get(status, 0) + 1
    ctx.report(
        "share-payment-review",
        "held payments decided: "
        + ", ".join(f"{n} {status}" for status, n in sorted(outcomes.items())),
        len(held),
    )
    owed = picks.refund_statuses()
    ctx.report(
        "share-payment-review",
        "refunds owed (the next SEPA batch, or waiting for an IBAN)",
        ", ".join(f"{owed.count(s)} {s}" for s in sorted(set(owed))) or "0",
    )


def transfer_and_resign(ctx: Any) -> None:
    from flows.share_resignation import ResignationParameters, resignation
    from flows.share_transfer import TransferParameters, share_transfer
    from tasks.share_register import ask_board, record_board_decision

    with UnitOfWork() as uow:
        holders = sorted(
            {h.member_id for h in shares.holdings_as_at(uow.session, business_today())}
        )
    giver, receiver = holders[0], picks.with_email_per_language(1, skip=6)[0]
    params = TransferParameters(
        from_member_id=giver,
        to_member_id=receiver,
        share_class="A",
        shares=1,
        effective_on=business_today(),
        request_key="demo-deed-1",
    )
    ask_board.fn(params.model_dump(mode="json"))  # the request staff see in the UI
    secretary = PHONES.prove("board.secretary", DecisionKind.SHARE_TRANSFER)
    record_board_decision.fn("demo-deed-1", "approved", "board minutes (demo)", secretary)
    ctx.report(
        "share-transfer", "board-approved transfer, both parties notified", share_transfer(params)
    )
    asked = resignation(
        ResignationParameters(
            member_id=holders[1],
            requested_on=business_today(),
            iban="BE71096123456769",
            request_key="demo-resignation-1",
            staff="demo.staff",
        )
    )
    what = (
        "accepted, shares cancelled at the end of the window"
        if asked["accepted"]
        else f"refused outside the window, next possible {asked['next_possible']}"
    )
    ctx.report("resignation", what, 1)


def verify_and_export(ctx: Any) -> None:
    from tasks.share_register import export_register

    with UnitOfWork() as uow:
        report = register.verify(uow.session)
    ctx.report(
        "share-register",
        "coop register verify: " + ("OK" if report.ok else "FAILED"),
        report.entries,
    )
    files = export_register.fn(business_today(), str(ctx.out / "register"), None, Language.FR, True)
    ctx.report("share-register", "legal register as at today (XLSX + document)", len(files))
