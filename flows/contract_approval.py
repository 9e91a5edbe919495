"""contract-approval: a declared job is checked, decided (by rule or by staff), documented, mailed."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from prefect import flow
from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator

from flows.forms import PaperForm, days_listed, titled
from flows.human import StaffInput, ask_staff
from governance.contracts.rules.contracts import ClientFacts, ContractDeclaration, DeclarationStatus
from governance.contracts.rules.staff_decisions import DecisionAction
from governance.kernel.rules import mail_keys
from governance.kernel.rules.staff import DecisionKind
from governance.kernel.rules.text import OneLineText, Text
from tasks.contracts import (
    check_contracts,
    contract_status,
    open_contract_decision,
    produce_contract_documents,
    publish_checks,
    record_contract_decision,
    submit_contract,
)
from tasks.invoices import issue_einvoices, send_einvoices
from tasks.mail import deliver_outbox
from tasks.runs import name_run


class ContractDecisionInput(StaffInput):
    """The staff answer to a contract declaration (four-eyes: two different verified people)."""

    decision_kind = DecisionKind.CONTRACT_APPROVAL

    action: DecisionAction = Field(
        ..., title="Decision", description="approve, reject, or ask the member to correct"
    )
    staff: OneLineText = Field(
        ...,
        min_length=2,
        max_length=120,
        title="Your staff login",
        description="Your lower-case login, e.g. anna.peeters; four-eyes needs two "
        "different people, each with their own code",
    )
    reason: Text = Field(
        "",
        max_length=2000,
        title="Reason",
        description="Required to reject or to ask a correction: the member reads it",
    )


class ClientForm(PaperForm, ClientFacts):
    """The client, as the member declares it."""


class DeclarationForm(PaperForm, ContractDeclaration):
    """A job declared by a member, as on the paper declaration."""

    client: ClientForm = Field(..., title="Client")
    work_days: Annotated[
        list[date],
        WithJsonSchema({"type": "array", "items": {"type": "string"}}),
        BeforeValidator(days_listed),
    ] = Field(
        ...,
        min_length=1,
        max_length=60,
        title="Days worked",
        description="Each date worked, one per line (day/month/year, e.g. 12/01/2027)",
    )


class ApprovalParameters(PaperForm):
    declaration_id: int | None = Field(
        None,
        title="Declaration",
        description="An existing declaration's id (or fill in a new declaration below)",
    )
    declaration: DeclarationForm | None = Field(None, title="New declaration")
    staff: OneLineText = Field(
        "member", title="Entered by", description="Staff login when staff enter it for the member"
    )

    @model_validator(mode="after")
    def _one_of(self) -> ApprovalParameters:
        if (self.declaration_id is None) == (self.declaration is None):
            raise ValueError("give either declaration_id or a new declaration")
        return self


FORM = titled("Contract declaration", "A new declaration, or a stored one to check again")


@flow(name="contract-approval", flow_run_name="contract · new declaration", log_prints=True)
def contract_approval(params: Annotated[ApprovalParameters, FORM]) -> str:
    """Check → auto-approve or staff decision (four-eyes above the threshold) → documents → e-mails."""
    declaration_id = params.declaration_id or submit_contract(params.declaration, params.staff)  # type: ignore[arg-type]
    name_run(f"contract · declaration {declaration_id}")
    view = check_contracts([declaration_id])[0]
    publish_checks(view)
    while view.status is DeclarationStatus.AWAITING_DECISION:
        request = open_contract_decision(declaration_id)
        if request is None:
            break
        answer = ask_staff(  # a decision given elsewhere (CLI, inbox) is used at once
            ContractDecisionInput,
            key=f"{request.key}-{view.refused_inputs}",
            question=request.question,
            answered=request,
        )
        record_contract_decision(declaration_id, answer.action, answer.staff, answer.reason)
        view = contract_status(declaration_id)
    if view.status is DeclarationStatus.APPROVED:
        produce_contract_documents([declaration_id])
        issue_einvoices()  # a business client's Peppol UBL, validated or held for staff
        send_einvoices()
    deliver_outbox(keys_prefix=mail_keys.contracts(declaration_id))
    return view.status.value
