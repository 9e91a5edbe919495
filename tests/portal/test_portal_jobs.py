"""Declare a job and follow it in the portal: the checks shown before anything is stored,
the submission handed to contract-approval once, the member's own documents only."""

from __future__ import annotations

import html
import itertools
import re
from datetime import timedelta
from typing import Any

import pytest
from portal_kit import ONCE, RecordingStarter, active_member, csrf, portal_client, sign_in
from sqlalchemy import func, select

from coopflow_cli.portal.processes import ProcessNotStarted
from governance.clock import business_today
from governance.contracts.rules.contracts import DeclarationStatus
from governance.contracts.rules.staff_decisions import DecisionAction
from governance.contracts.use_cases import contract_checks, contract_decisions
from governance.db.models.contracts import Declaration, Invoice
from governance.db.uow import UnitOfWork
from governance.kernel.rules.documents import ArchivedDocument
from governance.kernel.rules.enums import Language
from governance.kernel.use_cases.documents import record_documents

pytestmark = pytest.mark.usefixtures("coop_env")
_numbers = itertools.count(1)
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')


def add_member(email: str, language: Language = Language.FR, shares_held: int = 3) -> int:
    """An active member with this e-mail address (and paid shares subscribed this year)."""
    return active_member(email, language, shares_held)


def job(**changes: str) -> dict[str, str]:
    """The form as a member fills it: a Belgian company, two days from ten days on."""
    first = business_today() + timedelta(days=10)
    values = {
        "known_client": "", "client_kind": "company", "client_name": "Théâtre <Nomade> & Co",
        "client_enterprise_number": "0403.019.261", "client_vat_number": "BE0403019261",
        "client_street": "Rue Haute 5", "client_postcode": "1000", "client_city": "Bruxelles",
        "client_country": "BE", "client_email": "booking@nomade.example",
        "client_language": "fr", "function": "Ingénieur du son", "description": "Concert",
        "work_days": f"{first:%d/%m/%Y}\n{first + timedelta(days=1):%d/%m/%Y}",
        "work_country": "BE", "work_city": "Gent", "risks": "", "amount": "800",
        "vat_regime": "standard_21", "office": "gent", "employment_language": "",
    }
    values.update(changes)
    return values


def signed_in(mail_sink: Any, email: str, starter: RecordingStarter | None = None) -> Any:
    return sign_in(portal_client(starter), mail_sink, email)


def check(client: Any, **changes: str) -> Any:
    """Open the form, type the job, press Check."""
    page = client.get("/jobs/new")
    once = ONCE.search(page.text)
    assert once, page.text
    form = {**job(**changes), "csrf": csrf(page.text), "once": once.group(1)}
    return client.post("/jobs/check", data=form)


def submit_form(page: str) -> dict[str, str]:
    """The hidden fields the Submit button sends (the checked form, unchanged)."""
    section = page.split('id="submit-form"', 1)[1].split("</form>", 1)[0]
    return {name: html.unescape(value) for name, value in HIDDEN.findall(section)}


def declarations() -> int:
    with UnitOfWork() as uow:
        return int(uow.session.scalar(select(func.count(Declaration.id))) or 0)


def set_language(client: Any, lang: str, back: str = "/jobs/new") -> None:
    page = client.get(back)
    client.post("/language", data={"csrf": csrf(page.text), "lang": lang, "back": back})


def test_the_checks_are_shown_before_submitting_in_the_members_language(mail_sink) -> None:  # type: ignore[no-untyped-def]
    add_member("ana@example.be")
    client = signed_in(mail_sink, "ana@example.be")
    page = check(client)
    assert page.status_code == 200
    assert "Tout est en ordre" in page.text and "Vos parts couvrent les années" in page.text
    assert "Moins de 2" in page.text and 'id="submit-job"' in page.text
    assert "Théâtre &lt;Nomade&gt; &amp; Co" in page.text  # the form kept, escaped
    assert "The member" not in page.text and "client.vat_number" not in page.text
    set_language(client, "nl")
    page = check(client, work_country="fr", amount="3000")
    assert "U kunt uw aangifte versturen" in page.text
    assert "A1-detacheringsattest" in page.text and "2.500,00 keurt een medewerker" in page.text
    assert "Tout est en ordre" not in page.text
    assert declarations() == 0


def test_a_blocking_check_stores_nothing_and_offers_no_submit(mail_sink) -> None:  # type: ignore[no-untyped-def]
    add_member("bert@example.be", shares_held=0)
    starter = RecordingStarter()
    client = signed_in(mail_sink, "bert@example.be", starter)
    today = business_today()
    page = check(client, work_days=f"{today:%d/%m/%Y}")
    assert page.status_code == 200
    assert "ne peut pas être envoyée" in page.text and 'id="submit-job"' not in page.text
    assert "Aucune part ne couvre" in page.text
    assert "La déclaration est arrivée le premier jour de travail" in page.text
    # sending it anyway (an old tab, a crafted request) is refused the same way
    form = {**job(work_days=f"{today:%d/%m/%Y}"), "csrf": csrf(page.text), "once": "x1"}
    refused = client.post("/jobs", data=form)
    assert refused.status_code == 422 and "Aucune part ne couvre" in refused.text
    assert declarations() == 0 and starter.started == {}


def test_wrong_fields_are_named_in_two_languages_and_kept(mail_sink) -> None:  # type: ignore[no-untyped-def]
    add_member("carla@example.be")
    client = signed_in(mail_sink, "carla@example.be")
    bad = {"client_enterprise_number": "0403.019.262", "amount": "huit cents",
           "work_days": "31/02/2027", "function": "", "client_email": "booking@"}
    page = check(client, **bad)
    assert page.status_code == 400
    for name in ("client_enterprise_number", "amount", "work_days", "function", "client_email"):
        assert f'id="{name}-error"' in page.text
        assert re.search(rf'id="{name}"[^>]*aria-invalid="true"', page.text), name
    assert "10 chiffres commençant par 0 ou 1" in page.text
    assert "écrivez le montant en euros" in page.text and "Écrivez le montant en euros" in page.text
    assert 'value="huit cents"' in page.text and 'value="0403.019.262"' in page.text
    assert 'href="#amount"' in page.text  # listed at the top, linked to the field
    set_language(client, "de")
    page = check(client, **bad)
    assert "10 Ziffern, beginnend mit 0 oder 1" in page.text
    assert "schreiben Sie den Betrag in Euro" in page.text
    assert declarations() == 0


def test_a_double_submit_makes_one_declaration_and_one_run(mail_sink) -> None:  # type: ignore[no-untyped-def]
    member_id = add_member("dirk@example.be")
    starter = RecordingStarter()
    client = signed_in(mail_sink, "dirk@example.be", starter)
    checked = check(client)
    form = {**submit_form(checked.text), "csrf": csrf(checked.text)}
    assert form["client_name"] == "Théâtre <Nomade> & Co"
    first = client.post("/jobs", data=form)
    second = client.post("/jobs", data=form)
    assert first.status_code == second.status_code == 200
    assert str(first.url) == str(second.url) and re.search(r"/jobs/\d+$", str(first.url))
    assert declarations() == 1
    with UnitOfWork() as uow:
        row = uow.session.scalar(select(Declaration))
        assert row is not None and row.member_id == member_id
        assert row.status is DeclarationStatus.SUBMITTED and row.amount_excl_vat_cents == 80_000
        assert row.facts["client"]["enterprise_number"] == "0403.019.261"
        declaration_id = row.id
    assert starter.runs("contract-approval") == [{"params": {"declaration_id": declaration_id}}]
    assert "Envoyée" in first.text and "ses vérifications sont en cours" in first.text
    client.get(f"/jobs/{declaration_id}")  # the status page starts it again with the same key
    assert len(starter.started) == 1
    listing = client.get("/jobs")
    assert "Ingénieur du son" in listing.text and "Théâtre &lt;Nomade&gt; &amp; Co" in listing.text


def _approved_with_a_document(client: Any, archive: Any) -> int:
    checked = check(client)
    done = client.post("/jobs", data={**submit_form(checked.text), "csrf": csrf(checked.text)})
    declaration_id = int(str(done.url).rsplit("/", 1)[1])
    with UnitOfWork() as uow:  # what the contract-approval run does
        assert contract_checks.check_declarations(uow, [declaration_id])[0].status == "approved"
    relative = f"contracts/{declaration_id}/employment_contract.docx"
    (archive / relative).parent.mkdir(parents=True, exist_ok=True)
    (archive / relative).write_bytes(b"PK-the-contract")
    with UnitOfWork() as uow:
        record_documents(uow.session, [ArchivedDocument(
            key=f"doc:contract:{declaration_id}:employment_contract",
            template="employment_contract", template_version="t", language=Language.NL,
            format="docx", path=relative, sha256="0" * 64, size_bytes=15,  # type: ignore[arg-type]
            member_id=None, subject_type="contract", subject_id=str(declaration_id))])
        uow.commit()
    return declaration_id


def test_an_approved_job_shows_its_invoice_and_only_its_owner_downloads(mail_sink, coop_env) -> None:  # type: ignore[no-untyped-def]
    add_member("eva@example.be")
    add_member("finn@example.be")
    client = signed_in(mail_sink, "eva@example.be")
    declaration_id = _approved_with_a_document(client, coop_env.archive)
    page = client.get(f"/jobs/{declaration_id}")
    assert "Approuvée" in page.text and "Numéro de facture" in page.text
    assert f'href="/jobs/{declaration_id}/documents/contract"' in page.text
    assert "documents/agreement" not in page.text  # not archived: not offered
    listing = client.get("/jobs")
    assert f'href="/jobs/{declaration_id}/documents/contract"' in listing.text
    with UnitOfWork() as uow:
        number = uow.session.scalar(select(Invoice.number))
    assert number and f"<td>{number}</td>" in listing.text and number in page.text
    download = client.get(f"/jobs/{declaration_id}/documents/contract")
    assert download.status_code == 200 and download.content == b"PK-the-contract"
    assert "attachment" in download.headers["content-disposition"]
    assert client.get(f"/jobs/{declaration_id}/documents/agreement").status_code == 404
    assert client.get(f"/jobs/{declaration_id}/documents/secret").status_code == 404
    other = signed_in(mail_sink, "finn@example.be")
    missing = other.get(f"/jobs/{declaration_id + 100}")
    theirs = other.get(f"/jobs/{declaration_id}")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.text.replace(f"/jobs/{declaration_id}", "") == missing.text.replace(
        f"/jobs/{declaration_id + 100}", "")  # the same page (its language form comes back)
    assert other.get(f"/jobs/{declaration_id}/documents/contract").status_code == 404
    assert "Ingénieur du son" not in other.get("/jobs").text


def test_a_known_client_is_offered_and_only_the_members_own(mail_sink) -> None:  # type: ignore[no-untyped-def]
    add_member("gus@example.be")
    add_member("hana@example.be")
    client = signed_in(mail_sink, "gus@example.be")
    _approved = check(client)
    client.post("/jobs", data={**submit_form(_approved.text), "csrf": csrf(_approved.text)})
    with UnitOfWork() as uow:
        client_id = uow.session.scalar(select(Declaration.client_id))
    page = client.get("/jobs/new")
    assert f'<option value="{client_id}">Théâtre &lt;Nomade&gt; &amp; Co (Bruxelles)' in page.text
    empty = dict.fromkeys([k for k in job() if k.startswith("client_")], "")
    page = check(client, known_client=str(client_id), **empty)
    assert page.status_code == 200 and "Tout est en ordre" in page.text
    other = signed_in(mail_sink, "hana@example.be")
    assert "Théâtre" not in other.get("/jobs/new").text
    page = check(other, known_client=str(client_id), **empty)
    assert page.status_code == 400 and "choisissez un de vos clients" in page.text


def test_a_staff_refusal_shows_its_reason(mail_sink) -> None:  # type: ignore[no-untyped-def]
    add_member("ines@example.be", language=Language.EN)
    client = signed_in(mail_sink, "ines@example.be")
    checked = check(client, amount="3000")
    assert "a staff member approves the declaration" in checked.text
    done = client.post("/jobs", data={**submit_form(checked.text), "csrf": csrf(checked.text)})
    declaration_id = int(str(done.url).rsplit("/", 1)[1])
    with UnitOfWork() as uow:
        contract_checks.check_declarations(uow, [declaration_id])
    assert "In review" in client.get("/jobs").text
    with UnitOfWork() as uow:
        contract_decisions.decide(uow, declaration_id, DecisionAction.REJECT, "anna", "Dates overlap")
    page = client.get(f"/jobs/{declaration_id}")
    assert "Refused" in page.text and "Reason given: Dates overlap" in page.text


def test_a_form_without_its_token_stores_nothing(mail_sink) -> None:  # type: ignore[no-untyped-def]
    add_member("jan@example.be")
    starter = RecordingStarter()
    client = signed_in(mail_sink, "jan@example.be", starter)
    refused = client.post("/jobs", data={**job(), "csrf": "0" * 64, "once": "abc"})
    assert refused.status_code == 400
    assert declarations() == 0 and starter.started == {}


def test_an_applicant_has_no_jobs_pages(mail_sink) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(mail_sink, "new.applicant@example.be")
    assert client.get("/jobs").status_code == 404
    assert client.get("/jobs/new").status_code == 404


class AwayThenBack(RecordingStarter):
    """The orchestration server is down for the first start, up afterwards."""

    away: bool = True

    def start(self, deployment: str, parameters: dict[str, Any], key: str) -> str:
        if self.away:
            self.away = False
            raise ProcessNotStarted("server away")
        return super().start(deployment, parameters, key)


def test_a_declaration_is_kept_when_the_process_cannot_start_and_starts_later(mail_sink) -> None:  # type: ignore[no-untyped-def]
    add_member("kim@example.be")
    starter = AwayThenBack()
    client = signed_in(mail_sink, "kim@example.be", starter)
    checked = check(client)
    saved = client.post("/jobs", data={**submit_form(checked.text), "csrf": csrf(checked.text)})
    assert saved.status_code == 503 and "Votre demande est enregistrée" in saved.text
    assert declarations() == 1 and starter.started == {}
    with UnitOfWork() as uow:
        declaration_id = uow.session.scalar(select(Declaration.id))
    page = client.get(f"/jobs/{declaration_id}")
    assert page.status_code == 200 and "Envoyée" in page.text
    assert starter.runs("contract-approval") == [{"params": {"declaration_id": declaration_id}}]


def test_every_check_has_member_words_in_the_four_languages() -> None:
    from coopflow_cli.portal.jobs import check_sentence
    from coopflow_cli.portal.labels import jobs as job_labels
    from governance.contracts.rules.declaration_checks import CheckCode

    assert {len(words) for words in job_labels.LABELS.values()} == {len(job_labels.LABELS["en"])}
    assert all(set(words) == set(job_labels.LABELS["en"]) for words in job_labels.LABELS.values())
    can_review = {"work_abroad_a1", "client_outstanding", "approval_level"}
    for lang in ("fr", "nl", "de", "en"):
        for code in CheckCode:
            outcomes = ["pass"] + (["review"] if code.value in can_review else ["fail"])
            for outcome in outcomes:
                sentence = check_sentence(code.value, outcome, lang)
                assert sentence.rstrip(".").lower() != code.value.replace("_", " ")
                assert "_" not in sentence and "{" not in sentence
