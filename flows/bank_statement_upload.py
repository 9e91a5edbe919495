"""bank-statement-upload: staff paste a bank statement (camt.053) into a form of the Prefect UI;
it is checked, kept once in the database (every worker reaches it) and its payments imported
as the daily run imports them: exact payments issue shares, the others go to staff."""

# No `from __future__ import annotations`: the deployment's runner resolves the parameter
# model from the annotation.

from typing import Annotated, Any

from prefect import flow
from prefect.client.schemas.objects import State
from prefect.states import Completed, Failed
from pydantic import Field

from flows.forms import PaperForm, titled
from governance.kernel.rules.text import Text
from tasks.bank_statements import (
    explain_statement_refusal,
    import_received_statement,
    receive_bank_statement,
)
from tasks.payment_reviews import start_payment_reviews
from tasks.share_register import wake_waiting_subscriptions


class StatementUpload(PaperForm):
    # A plain string: the UI draws it as a text box that grows with what is pasted.
    statement: Text = Field(
        ...,
        title="Bank statement (camt.053 XML)",
        description="The end-of-day statement as the bank exported it (camt.053, .xml): open "
        "the file in a text editor, copy all of it and paste it here",
    )


FORM = titled("Bank statement", "One statement of the cooperative's account, pasted whole")


@flow(name="bank-statement-upload", flow_run_name="bank statement · upload", log_prints=True)
def bank_statement_upload(upload: Annotated[StatementUpload, FORM]) -> State[Any]:
    """Check the statement, keep it once, import its payments once, start the staff reviews
    and wake the subscriptions it paid."""
    received = receive_bank_statement(upload.statement)
    if "problems" in received:
        explain_statement_refusal(received["problems"])
        problems = "\n".join(f"- {p}" for p in received["problems"])
        return Failed(message=f"Bank statement not taken in, nothing was stored:\n{problems}")
    imported = import_received_statement(received["id"])
    if imported["refused"]:
        return Failed(message=f"Bank statement kept, not imported: {imported['refused'][0]}")
    start_payment_reviews()  # a run with its form for each payment held for staff
    wake_waiting_subscriptions(imported["issued"])
    if received["new"]:
        entries = received["entries"]
        kept = f"Statement {received['statement_ids']} kept ({entries} entr{'y' if entries == 1 else 'ies'})"
    else:
        kept = (
            f"Statement {received['statement_ids']} was already received on "
            f"{received['received_at'][:10]}: kept once"
        )
    counts = ", ".join(f"{n} {imported[n]}" for n in ("exact", "under", "over", "unknown"))
    message = f"{kept}; payments imported now: {counts}, already imported {imported['duplicates']}"
    if not imported["files"]:
        message = f"{kept}; its payments were imported before, nothing imported twice"
    print(message)
    return Completed(message=message, data={**imported, "new": received["new"]})
