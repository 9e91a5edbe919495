"""grant-awarding: one run per call, from the closed call to letters, instalments and payments.

Waits (reviews, board, reports) suspend the run without holding a worker; on resume the run
starts again from the top and every step before the wait is a no-op (the database says so).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from prefect import flow
from pydantic import Field

from flows.forms import PaperForm, titled
from flows.grant_inputs import BoardInput, ReportDecisionInput, ReviewRoundInput, wait_for
from governance.clock import utcnow
from governance.config import get_settings
from governance.kernel.rules import mail_keys
from governance.placeholders import require_ready
from tasks import grants as t
from tasks.mail import deliver_outbox


class GrantAwardingParameters(PaperForm):
    call_id: int = Field(..., title="Grant call", description="The call's id (coop grants calls)")
    now: datetime | None = Field(
        None, title="Clock", description="Leave empty for the real time (set only in tests/demo)"
    )


FORM = titled("Grant call", "The call to take from screening to payments")


@flow(name="grant-awarding", flow_run_name="grant call {params.call_id}", log_prints=True)
def grant_awarding(params: Annotated[GrantAwardingParameters, FORM]) -> dict[str, Any]:
    """Screen, review, rank, let the board decide, write letters, pay instalments."""
    require_ready(
        get_settings(), "award grants and mail the letters"
    )  # production: no placeholder settings
    call, now = params.call_id, params.now or utcnow()
    mail = mail_keys.grants(call)
    screening = t.screen_applications(call, now)
    if not screening["closed"]:
        return {"stage": "call still open", **screening}
    t.assign_reviewers(call, now)
    deliver_outbox(keys_prefix=mail)
    if not t.reviews_done(call, now, _run_id()):
        closing = wait_for(f"grants-{call}-reviews", ReviewRoundInput, "Close the review round")
        if closing is None:
            return {"stage": "waiting for reviews", **screening}
        t.close_review_round(call, closing.staff, closing.note, now)
    ranking = t.rank_and_pack(call, now)
    deliver_outbox(keys_prefix=mail)
    if t.board_decision(call, now, _run_id()) is None:
        board = wait_for(f"grants-{call}-board", BoardInput, "Approve the awards")
        if board is None:
            return {"stage": "waiting for the board", **ranking}
        t.record_board_decision(call, board.staff, board.change_dicts(), board.note, now)
    letters = t.award_and_letters(call, now)
    files = t.write_payment_files(call, now)
    deliver_outbox(keys_prefix=mail)
    while (gate := t.report_gate(call, now, _run_id()))["waiting"]:
        answer = wait_for(gate["key"].replace(":", "-"), ReportDecisionInput, "Decide a report")
        if answer is None:
            return {"stage": "waiting for reports", **letters, "payment_files": files, **gate}
        t.decide_report(answer.report_id, answer.staff, answer.accepted, answer.note, now)
        files += t.write_payment_files(call, now)
        deliver_outbox(keys_prefix=mail)
    return {"stage": "closed", **letters, "payment_files": files}


def _run_id() -> str | None:
    from prefect.runtime import flow_run

    return str(flow_run.id) if flow_run.id else None
