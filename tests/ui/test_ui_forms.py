"""Every form staff fill in the Prefect UI (deployment parameters, resume forms) has only
fields the UI's form builder shows as a paper form would: choices as filled dropdowns with
readable words, optional fields as plain boxes, every field titled, the login first."""

from __future__ import annotations

from typing import Any

import pytest
from form_schemas import deployment_schemas, resume_form_schema, resume_forms, ui_problems
from pydantic import ValidationError

from flows.contract_approval import ContractDecisionInput
from flows.member_onboarding import ApplicationForm, ReviewInput
from flows.share_payment_review import PaymentReviewInput
from governance.contracts.rules.staff_decisions import DecisionAction
from governance.members.rules.onboarding import ReviewChoice

DEPLOYMENTS = deployment_schemas()
FORMS = resume_forms()


def _titled_everywhere(schema: dict[str, Any]) -> list[str]:
    untitled = []
    for where in [
        schema,
        *schema.get("definitions", {}).values(),
        *schema.get("$defs", {}).values(),
    ]:
        for name, prop in where.get("properties", {}).items():
            if not prop.get("title") or prop["title"] == name:
                untitled.append(name)
    return untitled


def test_the_audit_finds_the_shapes_the_ui_cannot_show() -> None:
    broken = {
        "properties": {
            "choice": {"$ref": "#/$defs/Choice"},
            "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        },
        "$defs": {"Choice": {"enum": ["a", "b"], "type": "string"}},
    }
    assert len(ui_problems(broken)) == 2


@pytest.mark.parametrize("name", sorted(DEPLOYMENTS))
def test_a_deployment_form_has_no_empty_dropdown_nor_type_toggle(name: str) -> None:
    assert ui_problems(DEPLOYMENTS[name]) == []


@pytest.mark.parametrize("name", sorted(FORMS))
def test_a_resume_form_has_no_empty_dropdown_nor_type_toggle(name: str) -> None:
    assert ui_problems(resume_form_schema(FORMS[name])) == []


@pytest.mark.parametrize("name", sorted(DEPLOYMENTS))
def test_every_deployment_field_has_a_title_and_the_form_is_not_called_params(name: str) -> None:
    schema = DEPLOYMENTS[name]
    assert _titled_everywhere(schema) == [], f"{name}: fields shown by their Python name"


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_resume_form_asks_the_staff_login_first_with_its_hint(name: str) -> None:
    schema = resume_form_schema(FORMS[name])
    first = next(iter(schema["properties"]))
    assert first == "staff" and "login" in schema["properties"]["staff"]["title"].lower()
    assert "e.g." in schema["properties"]["staff"]["description"]
    assert "pattern" not in schema["properties"]["staff"], "a regular expression staff cannot read"
    assert _titled_everywhere(schema) == []


def test_a_choice_is_shown_by_its_words_and_read_back_as_its_value() -> None:
    choice = resume_form_schema(ReviewInput)["properties"]["choice"]
    assert choice["enum"] == ["approve", "reject", "ask the applicant for information"]
    answer = ReviewInput(
        staff="anna.peeters",
        one_time_code="123 456",
        choice="ask the applicant for information",
        note="Which office?",
    )
    assert answer.choice is ReviewChoice.REQUEST_INFO
    assert ReviewInput(
        staff="anna.peeters", one_time_code="123456", choice="request_info", note="x?"
    ).choice is (ReviewChoice.REQUEST_INFO)  # a decision stored by the CLI still reads back
    action = resume_form_schema(ContractDecisionInput)["properties"]["action"]
    assert "ask the member to correct it" in action["enum"]
    assert ContractDecisionInput(
        staff="jan", one_time_code="123456", action="ask the member to correct it"
    ).action is (DecisionAction.CORRECT)


def test_a_blank_optional_box_means_not_given() -> None:
    form = ApplicationForm.model_validate(
        {
            "email": "a@example.org",
            "street": "Rue 1",
            "postcode": "1060",
            "city": "Bruxelles",
            "iban": "BE48 3200 7018 4927",
            "national_number": "",
            "birth_date": "",
            "phone": None,
            "first_name": "Zoë",
        }
    )
    assert (form.national_number, form.birth_date, form.phone) == (None, None, None)
    assert (
        PaymentReviewInput(
            staff="anna.peeters", one_time_code="123456", decision="apply", subscription_id=""
        ).subscription_id
        is None
    )


def test_a_bad_staff_login_is_refused_in_words() -> None:
    with pytest.raises(ValidationError) as caught:
        ReviewInput(staff="Anna Peeters", one_time_code="12345x", choice="approve", note="ok")
    message = str(caught.value)
    assert "lower case" in message and "e.g. anna.peeters" in message and "^[" not in message
    assert "6 digits your authenticator app shows now" in message  # the code, in words too


@pytest.mark.parametrize("name", sorted(deployment_schemas()))
def test_every_run_is_named_after_its_subject_or_its_day(name: str) -> None:
    """Staff tell runs apart by name (`closing · assembly 3`, `contract batch · 05/12/2026`),
    never by Prefect's generated `gamma45-sacul`."""
    from form_schemas import deployments, flow_of

    [deployment] = [d for d in deployments() if d["name"] == name]
    named = flow_of(deployment).flow_run_name
    assert named, f"{name}: no flow_run_name"
    if callable(named):
        assert " · " in named()
