"""member-onboarding: from an application to a welcomed member with a share subscription."""

# No `from __future__ import annotations` here: a deployment's runner must resolve the
# parameter model from the annotation (a string annotation fails parameter validation).

from typing import Annotated

from prefect import flow, runtime
from prefect.states import Failed
from pydantic import Field, model_validator

from flows.forms import PaperForm, as_typed, titled
from flows.human import StaffInput, ask_staff
from governance.kernel.rules import mail_keys
from governance.kernel.rules.staff import DecisionKind
from governance.kernel.rules.text import OneLineText, Text
from governance.members.rules.application_form import Application
from governance.members.rules.onboarding import ApplicationStatus, ReviewChoice
from tasks import onboarding as steps
from tasks.mail import deliver_outbox
from tasks.runs import explain_refusal, name_run
from tasks.shares import start_subscription


class ApplicationForm(PaperForm, Application):
    """The membership application, as on the paper form (persons: name and birth date;
    companies: name and enterprise number)."""


class OnboardingParameters(PaperForm):
    """Either fill in a new application, or give the id of one already stored (CLI, import)."""

    staff: OneLineText = Field(
        ...,
        title="Your staff login",
        description="Who enters the application (e.g. anna.peeters), for the member's timeline",
        min_length=2,
        max_length=40,
    )
    application: ApplicationForm | None = Field(
        None, title="New application", description="Leave empty to take a stored application"
    )
    application_id: int | None = Field(
        None,
        title="Stored application number",
        description="Only to continue an application already stored (CLI, import); "
        "leave empty when you fill in a new one",
        ge=1,
    )

    @model_validator(mode="after")
    def _one_source(self) -> "OnboardingParameters":
        if (self.application is None) == (self.application_id is None):
            raise ValueError("give either a new application or a stored application number")
        return self


class ReviewInput(StaffInput):
    """The staff review form (constraints in the JSON schema: the server enforces them)."""

    decision_kind = DecisionKind.ONBOARDING_REVIEW

    choice: ReviewChoice = Field(
        ...,
        title="Decision",
        description="approve: the applicant is admitted; reject: the reason is e-mailed; "
        "ask for information: the question is e-mailed and the file waits for the answer",
    )
    note: Text = Field(
        ...,
        title="Reason, question or note",
        description="Reject: the reason, e-mailed to the applicant. Ask for information: the "
        "question, e-mailed. Approve: a note for the file.",
        min_length=2,
        max_length=2000,
    )


class InformationInput(StaffInput):
    decision_kind = DecisionKind.ONBOARDING_REVIEW

    answer: Text = Field(..., title="The applicant's answer", min_length=2, max_length=4000)


def _run_name() -> str:
    params = runtime.flow_run.parameters.get("params") or {}
    stored = params.get("application_id") if isinstance(params, dict) else None
    return f"onboarding · application {stored}" if stored else "onboarding · new application"


FORM = titled("Membership application", "A new application, or a stored one to continue")


@flow(name="member-onboarding", flow_run_name=_run_name, log_prints=True)
def member_onboarding(params: Annotated[OnboardingParameters, FORM]) -> str:
    """Check, review when needed, then admit: member number, shares, welcome pack."""
    run_id = str(runtime.flow_run.id) if runtime.flow_run.id else None
    if params.application is not None and run_id:
        steps.forget_national_number(run_id)  # before the checks: gone on every outcome
    received = steps.receive_application(
        params.application, params.application_id, params.staff, f"flow-run:{run_id}"
    )
    if received.application_id is None:
        # A returned Failed state ends the run with this line as its message (no traceback);
        # a direct Python caller gets it raised.
        refused = "Application not accepted: " + "; ".join(received.problems)
        typed = as_typed(params, exclude={"application": {"national_number"}})
        explain_refusal("Application not accepted", received.problems, {"params": typed})
        return Failed(message=refused)  # type: ignore[return-value]
    app_id = received.application_id
    name_run(f"onboarding · application {app_id}")
    view = steps.screen_application(app_id)
    mail = mail_keys.onboarding(app_id)
    while view.status in (ApplicationStatus.IN_REVIEW, ApplicationStatus.INFO_REQUESTED):
        if view.status is ApplicationStatus.IN_REVIEW:
            pending = steps.open_review(app_id, run_id)
            review = ask_staff(
                ReviewInput, key=pending.key, question=pending.description, answered=pending
            )
            view = steps.record_review(
                app_id, pending.round, review.choice, review.note, review.staff
            )
        else:
            pending = steps.open_information_wait(app_id, run_id)
            info = ask_staff(
                InformationInput, key=pending.key, question=pending.description, answered=pending
            )
            view = steps.record_information(app_id, pending.round, info.answer, info.staff)
        deliver_outbox(keys_prefix=mail)
    if view.status in (ApplicationStatus.APPROVED, ApplicationStatus.ADMITTED):
        staff = view.decided_by or params.staff
        member_id = steps.admit_applicant(app_id, staff)
        subscription = start_subscription(
            member_id, view.share_class, view.shares, f"onboarding:{app_id}", staff
        )
        steps.record_subscription(app_id, subscription, staff)
        steps.produce_welcome_pack(app_id)
        deliver_outbox(keys_prefix=mail_keys.welcome(member_id))
        deliver_outbox(keys_prefix=mail_keys.share_payment_instructions(subscription))
        view = steps.screen_application(app_id)  # the status after admission
    deliver_outbox(keys_prefix=mail)
    return str(view.status)
