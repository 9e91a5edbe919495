"""Applying for membership in the portal: the form, its refusals in the applicant's language,
the one process started per form, the status page and the answer to staff's question that
wakes the waiting run. The real app, real SMTP sink, real database."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient
from portal_kit import ONCE, RecordingStarter, csrf, portal_client, sign_in
from sqlalchemy import select

from governance.db.models import DecisionRequest, TimelineEvent
from governance.db.models.onboarding import Application as ApplicationRow
from governance.db.models.onboarding import InformationRequest
from governance.db.uow import UnitOfWork
from governance.members.rules.onboarding import ApplicationStatus, ReviewChoice
from governance.members.use_cases import onboarding_review, onboarding_screening

NN = "85.07.30-033.28"
NN_DIGITS = "85073003328"
RUN_ID = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"


def person(**changes: str) -> dict[str, str]:
    data = {
        "kind": "person",
        "first_name": "Zoë",
        "last_name": "D'Hondt",
        "birth_date": "1985-07-30",
        "national_number": NN,
        "attestation": "none",
        "street": "Rue Coenraets 72",
        "postcode": "1060",
        "city": "Saint-Gilles",
        "country": "BE",
        "phone": "+32 2 542 10 80",
        "language": "fr",
        "office": "bruxelles",
        "share_class": "A",
        "shares": "2",
        "iban": "BE48 3200 7018 4927",
        "privacy_policy_accepted_at": "yes",
        "internal_rules_accepted_at": "yes",
        "capital_risk_accepted_at": "yes",
    }
    data.update(changes)
    return data


def form_tokens(page: str) -> dict[str, str]:
    once = ONCE.search(page)
    assert once, "no once token on the form"
    return {"csrf": csrf(page), "once": once.group(1)}


def applicant(mail_sink: Any, email: str, starter: RecordingStarter | None = None) -> TestClient:
    return sign_in(portal_client(starter), mail_sink, email)


def post_application(client: TestClient, **changes: str) -> Any:
    page = client.get("/apply")
    assert page.status_code == 200, page.text
    return client.post("/apply", data={**person(**changes), **form_tokens(page.text)})


def applications() -> list[Any]:
    """The stored applications, as plain snapshots of their columns."""
    with UnitOfWork() as uow:
        rows = uow.session.scalars(select(ApplicationRow).order_by(ApplicationRow.id))
        return [
            SimpleNamespace(**{c.key: getattr(r, c.key) for c in ApplicationRow.__table__.columns})
            for r in rows
        ]


def labelled(page: Any) -> None:
    """Unique ids; every box has its label; every aria-describedby points at something."""
    ids = re.findall(r' id="([^"]+)"', page.text)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    boxes = re.findall(r'<(?:input|select|textarea)\b(?![^>]*type="hidden")[^>]*\sid="([^"]+)"',
                       page.text)
    assert boxes and all(f'for="{box}"' in page.text for box in boxes)
    for described in re.findall(r'aria-describedby="([^"]+)"', page.text):
        assert all(part in ids for part in described.split()), described


def no_national_number(*pages: Any) -> None:
    for page in pages:
        assert NN not in page.text and NN_DIGITS not in page.text and "033.28" not in page.text


def test_an_applicant_applies_and_the_onboarding_process_starts_once(  # type: ignore[no-untyped-def]
    coop_env, mail_sink
) -> None:
    starter = RecordingStarter()
    client = applicant(mail_sink, "zoe.dhondt@example.org", starter)
    form = client.get("/apply")
    assert 'id="signed-in-email"' in form.text and "zoe.dhondt@example.org" in form.text
    assert 'name="email"' not in form.text  # the signed-in address, not a box
    assert '<label for="national_number">' in form.text and 'name="once"' in form.text
    labelled(form)
    done = client.post("/apply", data={**person(), **form_tokens(form.text)})
    assert done.status_code == 200 and str(done.url).endswith("/application")
    assert "Nous avons bien reçu votre demande" in done.text
    [row] = applications()
    assert row.status is ApplicationStatus.SUBMITTED and row.request_key.startswith("portal:apply:")
    assert row.submitted_by == "zoe.dhondt@example.org" and row.email == "zoe.dhondt@example.org"
    assert row.national_number_enc and NN_DIGITS not in row.national_number_enc
    assert row.privacy_policy_accepted_at is not None and row.shares == 2
    [(deployment, parameters)] = list(starter.started.values())
    assert deployment == "member-onboarding" and list(starter.started) == [row.request_key]
    assert parameters == {"params": {"application_id": row.id, "staff": "portal"}}
    with UnitOfWork() as uow:
        [event] = uow.session.scalars(select(TimelineEvent)).all()
        assert (event.action, event.actor_kind, event.actor) == (
            "application_submitted", "member", "zoe.dhondt@example.org")
    # the dashboard's link now leads to the status, and a new form is not offered
    again = client.get("/apply")
    assert str(again.url).endswith("/application")
    no_national_number(form, done, again)


def test_the_parameters_pass_the_process_parameter_model(coop_env, mail_sink) -> None:  # type: ignore[no-untyped-def]
    from flows.member_onboarding import OnboardingParameters

    starter = RecordingStarter()
    post_application(applicant(mail_sink, "zoe.dhondt@example.org", starter))
    [parameters] = starter.runs("member-onboarding")
    checked = OnboardingParameters.model_validate(parameters["params"])
    assert checked.application_id == applications()[0].id and checked.application is None


def test_the_same_form_sent_twice_stores_and_starts_one(coop_env, mail_sink) -> None:  # type: ignore[no-untyped-def]
    starter = RecordingStarter()
    client = applicant(mail_sink, "zoe.dhondt@example.org", starter)
    page = client.get("/apply")
    data = {**person(), **form_tokens(page.text)}
    first = client.post("/apply", data=data)
    second = client.post("/apply", data=data)
    assert str(first.url).endswith("/application") and str(second.url).endswith("/application")
    assert len(applications()) == 1 and len(starter.started) == 1
    # another form (new once) while the first is under way: sent to its status, nothing new
    other = client.post("/apply", data={**person(first_name="Zoé"), **form_tokens(page.text),
                                         "once": "another-once-token"})
    assert str(other.url).endswith("/application")
    assert len(applications()) == 1 and len(starter.started) == 1


def test_refused_fields_are_explained_in_french_and_kept_as_typed(  # type: ignore[no-untyped-def]
    coop_env, mail_sink
) -> None:
    starter = RecordingStarter()
    client = applicant(mail_sink, "zoe.dhondt@example.org", starter)
    refused = post_application(
        client, national_number="85.07.30-033.29", iban="BE48 3200 7018 4928",
        capital_risk_accepted_at="", street="Rue <b>Coenraets</b> 72", shares="deux")
    assert refused.status_code == 400
    text = refused.text
    assert "Corrigez ces points" in text
    assert "ce n&#39;est pas un numéro de registre national ou BIS valable" in text
    assert "ce n&#39;est pas un IBAN valable" in text
    assert "cochez cette case" in text
    assert "écrivez un nombre entier de parts" in text
    # the other fields as typed (escaped), the national number never
    assert 'value="Rue &lt;b&gt;Coenraets&lt;/b&gt; 72"' in text and 'value="Zoë"' in text
    assert 'value="BE48 3200 7018 4928"' in text and 'value="deux"' in text
    assert re.search(r'id="national_number" name="national_number" value=""', text)
    assert 'aria-invalid="true"' in text and 'href="#iban"' in text
    assert "85.07.30-033.29" not in text and "85073003329" not in text
    labelled(refused)
    assert applications() == [] and starter.started == {}
    # the domain's own checks (after the form's): a birth date not matching the number
    mismatch = post_application(client, birth_date="1985-07-31")
    assert mismatch.status_code == 400 and "vérifiez la date" in mismatch.text
    assert "tapez-le à nouveau" in mismatch.text  # a valid number typed is asked again
    no_national_number(refused, mismatch)
    assert applications() == []


def test_refused_fields_are_explained_in_dutch(coop_env, mail_sink) -> None:  # type: ignore[no-untyped-def]
    client = applicant(mail_sink, "zoe.dhondt@example.org")
    page = client.get("/me")
    client.post("/language", data={"csrf": csrf(page.text), "lang": "nl", "back": "/apply"})
    refused = post_application(client, postcode="106", first_name="", kind="company",
                               company_name="Klang SRL", company_number="0403.019.262")
    assert refused.status_code == 400 and 'lang="nl"' in refused.text
    assert "Verbeter deze punten" in refused.text
    assert "dit is geen geldig ondernemingsnummer" in refused.text
    assert "een Belgische postcode heeft 4 cijfers" in refused.text
    # a company's form does not ask for the person's boxes (the name left empty is fine)
    assert 'id="first_name-error"' not in refused.text
    assert applications() == []
    no_national_number(refused)


def test_a_company_applies(coop_env, mail_sink) -> None:  # type: ignore[no-untyped-def]
    client = applicant(mail_sink, "contact@klang.example.org")
    done = post_application(client, kind="company", company_name="Klang & Bühne SRL",
                            company_number="0403.019.261", vat_number="BE 0403 019 261",
                            language="de", office="eupen", postcode="4700", city="Eupen")
    assert str(done.url).endswith("/application")
    [row] = applications()
    assert (row.kind, row.company_number, row.national_number_enc, row.first_name) == (
        "company", "0403019261", None, None)


def test_a_form_without_its_token_stores_nothing(coop_env, mail_sink) -> None:  # type: ignore[no-untyped-def]
    starter = RecordingStarter()
    client = applicant(mail_sink, "zoe.dhondt@example.org", starter)
    page = client.get("/apply")
    refused = client.post("/apply", data={**person(), "csrf": "0" * 64,
                                           "once": form_tokens(page.text)["once"]})
    assert refused.status_code == 400
    assert applications() == [] and starter.started == {}
    no_national_number(refused)


def test_the_pages_need_a_signed_in_person(coop_env, mail_sink) -> None:  # type: ignore[no-untyped-def]
    client = portal_client()
    assert client.get("/apply").status_code == 401
    assert client.get("/application").status_code == 401


def _ask_question(app_id: int, question: str, run_id: str | None = RUN_ID) -> None:
    """Staff's side: the review asks the applicant a question, the run waits on the answer."""
    with UnitOfWork() as uow:
        onboarding_screening.screen_application(uow, app_id)
        onboarding_review.open_review(uow, app_id)
        onboarding_review.record_review(uow, app_id, 1, choice=ReviewChoice.REQUEST_INFO,
                                 staff="anna", note=question)
        onboarding_review.open_information_wait(uow, app_id, flow_run_id=run_id)


def test_the_applicant_answers_staff_question_and_the_waiting_run_is_woken(  # type: ignore[no-untyped-def]
    coop_env, mail_sink
) -> None:
    from flows.human import ask_staff
    from flows.member_onboarding import InformationInput

    starter = RecordingStarter()
    client = applicant(mail_sink, "zoe.dhondt@example.org", starter)
    post_application(client, national_number="")
    app_id = applications()[0].id
    _ask_question(app_id, "Quelle attestation avez-vous ? <script>")
    page = client.get("/application")
    assert "Nous attendons votre réponse" in page.text
    assert "Quelle attestation avez-vous ? &lt;script&gt;" in page.text
    assert '<label for="answer">' in page.text
    too_short = client.post("/application/answer", data={
        "csrf": csrf(page.text), "application": str(app_id), "round": "1", "answer": " x "})
    assert too_short.status_code == 400
    assert "votre réponse doit compter entre 2 et 4000 caractères" in too_short.text
    assert 'aria-invalid="true"' in too_short.text and starter.resumed == []
    labelled(page)
    labelled(too_short)
    answer = "Une attestation ordinaire,\r\nvalable jusqu'en 2027."
    data = {"csrf": csrf(page.text), "application": str(app_id), "round": "1", "answer": answer}
    done = client.post("/application/answer", data=data)
    assert done.status_code == 200 and str(done.url).endswith("/application")
    assert "en cours d&#39;examen" in done.text and "valable jusqu&#39;en 2027." in done.text
    again = client.post("/application/answer", data=data)  # a double click: nothing new
    assert again.status_code == 200
    stored = "Une attestation ordinaire,\nvalable jusqu'en 2027."
    expected = {"staff": "applicant", "one_time_code": "", "answer": stored}
    # woken by the answer; the status page shown next tries again until the run takes it up
    # (a run woken already refuses: harmless), the double click adds nothing of its own
    assert starter.resumed[0] == (RUN_ID, expected)
    assert all(call == (RUN_ID, expected) for call in starter.resumed)
    # the input passes the resume form's schema, which the server checks
    jsonschema.validate(expected, InformationInput.model_json_schema())
    key = onboarding_review.info_key(app_id, 1)
    with UnitOfWork() as uow:
        row = uow.session.get(ApplicationRow, app_id)
        assert row is not None and row.status is ApplicationStatus.IN_REVIEW
        assert row.review_round == 2
        info = uow.session.scalars(select(InformationRequest)).one()
        assert (info.answer, info.answered_by) == (stored, "applicant")
        request = uow.session.scalars(
            select(DecisionRequest).where(DecisionRequest.key == key)).one()
        assert (request.status, request.decided_by) == ("decided", "applicant")
        events = uow.session.scalars(
            select(TimelineEvent).where(TimelineEvent.action.in_(
                ["decision_taken", "information_received"]))).all()
        assert {(e.action, e.actor_kind, e.actor) for e in events} == {
            ("decision_taken", "staff", "anna"),  # the review that asked the question
            ("decision_taken", "member", "zoe.dhondt@example.org"),
            ("information_received", "member", "zoe.dhondt@example.org"),
        }
        # the process, reading the question again, finds the answer recorded and valid
        recorded = ask_staff(InformationInput, key=key, question="",
                             answered=uow.decisions.find(key))
        assert (recorded.answer, recorded.staff) == (stored, "applicant")
        # ...and its step that records it changes nothing more (same answer, same decider)
        onboarding_review.record_information(uow, app_id, 1, answer=recorded.answer,
                                      staff=recorded.staff)
        pending = onboarding_review.open_information_wait(uow, app_id)  # a run arriving late
        assert (pending.round, pending.decision) == (1, {"answer": stored})
    with UnitOfWork() as uow:
        assert uow.session.get(ApplicationRow, app_id).review_round == 2  # type: ignore[union-attr]


def test_another_applicants_application_is_not_found(coop_env, mail_sink) -> None:  # type: ignore[no-untyped-def]
    owner = applicant(mail_sink, "zoe.dhondt@example.org")
    post_application(owner, national_number="")
    app_id = applications()[0].id
    _ask_question(app_id, "Which attestation?")
    starter = RecordingStarter()
    other = applicant(mail_sink, "someone.else@example.org", starter)
    page = other.get("/me")
    for target in (str(app_id), "999999", "abc"):
        refused = other.post("/application/answer", data={
            "csrf": csrf(page.text), "application": target, "round": "1", "answer": "Mine now"})
        assert refused.status_code == 404
    assert "Which attestation?" not in other.get("/application").text
    with UnitOfWork() as uow:
        assert uow.session.scalars(select(InformationRequest)).one().answer is None
    assert starter.resumed == []


def test_a_refusal_shows_its_reason_and_a_new_application_is_possible(  # type: ignore[no-untyped-def]
    coop_env, mail_sink
) -> None:
    client = applicant(mail_sink, "zoe.dhondt@example.org")
    post_application(client, national_number="")
    app_id = applications()[0].id
    with UnitOfWork() as uow:
        onboarding_screening.screen_application(uow, app_id)
        onboarding_review.open_review(uow, app_id)
        onboarding_review.record_review(uow, app_id, 1, choice=ReviewChoice.REJECT, staff="anna",
                                 note="Vous êtes déjà membre sous un autre nom.")
    page = client.get("/application")
    assert "Votre demande a été refusée." in page.text
    assert "Vous êtes déjà membre sous un autre nom." in page.text and 'href="/apply"' in page.text
    form = client.get("/apply")
    assert str(form.url).endswith("/apply") and "Votre demande précédente a été refusée." in form.text


class AwayThenBack(RecordingStarter):
    """The orchestration server away for the first call, then back."""

    away = True

    def start(self, deployment: str, parameters: dict[str, Any], key: str) -> str:
        if self.away:
            from coopflow_cli.portal.processes import ProcessNotStarted

            self.away = False
            raise ProcessNotStarted("connection refused")
        return super().start(deployment, parameters, key)


def test_a_server_away_keeps_the_application_and_the_status_page_starts_it(  # type: ignore[no-untyped-def]
    coop_env, mail_sink
) -> None:
    starter = AwayThenBack()
    client = applicant(mail_sink, "zoe.dhondt@example.org", starter)
    saved = post_application(client)
    assert saved.status_code == 503 and "Votre demande est enregistrée" in saved.text
    [row] = applications()
    assert starter.started == {}
    status = client.get("/application")
    assert status.status_code == 200 and list(starter.started) == [row.request_key]
    client.get("/application")  # again: the same key, still one run
    assert len(starter.started) == 1
    no_national_number(saved, status)


def test_the_real_process_takes_the_portal_answer_on_resume(  # type: ignore[no-untyped-def]
    coop_env, mail_sink, prefect_harness, monkeypatch
) -> None:
    """The real flow, started with the portal's parameters: it asks staff, staff ask the
    applicant, the run stops at the question (as a suspension does); the applicant answers in
    the portal; the run, started again from the top as on resume, goes on to the next review
    with the answer and admits the applicant."""
    import flows.member_onboarding as onboarding_flow
    from flows.member_onboarding import OnboardingParameters, member_onboarding

    class Suspended(Exception):
        pass

    asked: list[str] = []
    runs: list[str] = []

    def staff_side(form_cls: Any, *, key: str, question: str, answered: Any) -> Any:
        from prefect import runtime

        asked.append(key.split(":", 2)[2])
        if answered.decision is not None:
            return form_cls.recorded(answered.decision, answered.decided_by)
        if key.endswith("info:1"):
            runs.append(str(runtime.flow_run.id))
            raise Suspended()  # the run waits for the applicant
        decision = ({"choice": "request_info", "note": "Quelle attestation ?"}
                    if key.endswith("review:1") else {"choice": "approve", "note": "Vu."})
        with UnitOfWork() as uow:
            uow.decisions.decide(key=key, decision=decision, staff="anna")
            uow.commit()
        return form_cls.recorded(decision, "anna")

    monkeypatch.setattr(onboarding_flow, "ask_staff", staff_side)
    starter = RecordingStarter()
    client = applicant(mail_sink, "zoe.dhondt@example.org", starter)
    post_application(client, national_number="")
    [parameters] = starter.runs("member-onboarding")
    params = OnboardingParameters.model_validate(parameters["params"])
    with pytest.raises(Suspended):
        member_onboarding(params)
    page = client.get("/application")
    assert "Quelle attestation ?" in page.text
    client.post("/application/answer", data={
        "csrf": csrf(page.text), "application": str(params.application_id), "round": "1",
        "answer": "Une attestation ordinaire."})
    run_id, run_input = starter.resumed[0]
    assert run_id == runs[0]  # the run suspended on the question is the one woken
    jsonschema.validate(run_input, onboarding_flow.InformationInput.model_json_schema())
    assert member_onboarding(params) == "admitted"  # the re-run from the top
    assert asked == ["review:1", "info:1", "review:2"]
    welcome = client.get("/application")
    assert "Bienvenue ! Vous êtes membre" in welcome.text and "M0000001" in welcome.text
    with UnitOfWork() as uow:
        row = uow.session.get(ApplicationRow, params.application_id)
        assert row is not None and row.status is ApplicationStatus.ADMITTED
        assert any(r.get("answer") == "Une attestation ordinaire." for r in row.review_reasons)
    no_national_number(page, welcome)
