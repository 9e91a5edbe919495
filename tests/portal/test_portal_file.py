"""My file in the portal: what I see, my documents (mine only), my contact details (a new
e-mail address only once proven), all my data as one file, and my request to be erased."""

from __future__ import annotations

import html
import itertools
import json
import re

from portal_kit import ONCE, RecordingStarter, csrf, last_link, portal_client, sign_in
from sqlalchemy import select

from documents.archive import store
from governance.db.models import Document, Member, TimelineEvent
from governance.db.models.portal import PortalSession
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import DocumentFormat, Language, MemberKind, MemberStatus, Office
from governance.members.rules.members import MemberFacts
from governance.members.use_cases import members
from governance.register.use_cases import shares

_n = itertools.count(1)


def _member(email: str, language: Language = Language.FR, *, with_shares: bool = False) -> int:
    facts = MemberFacts(
        kind=MemberKind.PERSON, first_name="Amélie", last_name=f"Lefèvre{next(_n)}",
        language=language, office=Office.BRUXELLES, email=email, street="Rue Haute 1",
        postcode="1000", city="Bruxelles", phone="+32 2 123 45 67",
    )
    with UnitOfWork() as uow:
        member = members.create_member(uow.session, facts, Actor.staff("anna.peeters"),
                                       MemberStatus.ACTIVE, national_number_enc="SECRET-NN")
        members.assign_member_number(uow.session, member.id)
        if with_shares:
            shares.subscribe(uow.session, member_id=member.id, share_class="A", shares=2,
                             actor=Actor.system())
        uow.commit()
        return member.id


def _document(member_id: int, template: str = "welcome_letter") -> int:
    with UnitOfWork() as uow:
        archive = uow.settings.resolved_archive_dir()
        kept = store(archive, "letters", f"{template}-{member_id}.pdf", b"%PDF-1.4 my letter")
        doc = Document(idempotency_key=f"t:{template}:{member_id}", template=template,
                       template_version="1", language=Language.FR, format=DocumentFormat.PDF,
                       path=kept.relative_path, sha256=kept.sha256, size_bytes=kept.size_bytes,
                       member_id=member_id, subject_type="member", subject_id=str(member_id))
        uow.session.add(doc)
        uow.commit()
        return doc.id


def _signed_in(mail_sink, email: str, starter: RecordingStarter | None = None):  # type: ignore[no-untyped-def]
    return sign_in(portal_client(starter), mail_sink, email)


def test_my_file_shows_my_facts_documents_mails_and_timeline_in_my_words(mail_sink) -> None:  # type: ignore[no-untyped-def]
    member_id = _member("amelie@example.be", with_shares=True)
    doc = _document(member_id)
    client = _signed_in(mail_sink, "amelie@example.be")
    page = client.get("/file")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Mon dossier" in text and "membre actif" in text and "M0000001" in text
    assert "Rue Haute 1" in text and "+32 2 123 45 67" in text and "français" in text
    assert "2 part(s) en attente de paiement" in text and 'href="/shares"' in text
    assert "Lettre de bienvenue" in text and f'href="/file/documents/{doc}"' in text
    assert "Votre dossier a été ouvert." in text and "Connexion à l'espace membre." in text
    assert "l'équipe de SMart" in text and "vous" in text
    assert "anna.peeters" not in text  # never a staff login
    assert "SECRET-NN" not in text
    assert 'name="once"' in text and 'name="csrf"' in text


def test_a_document_streams_to_its_owner_and_any_other_id_is_not_found(mail_sink) -> None:  # type: ignore[no-untyped-def]
    mine = _member("owner@example.be")
    other = _member("other@example.be")
    my_doc = _document(mine)
    their_doc = _document(other, "share_certificate")
    client = _signed_in(mail_sink, "owner@example.be")
    got = client.get(f"/file/documents/{my_doc}")
    assert got.status_code == 200 and got.content == b"%PDF-1.4 my letter"
    assert got.headers["content-type"] == "application/pdf"
    assert re.search(r'filename="?welcome_letter-\d{4}-\d\d-\d\d-\d+\.pdf', got.headers["content-disposition"])
    theirs = client.get(f"/file/documents/{their_doc}")
    missing = client.get("/file/documents/99999")
    odd = client.get("/file/documents/..%2F..%2Fetc")
    assert theirs.status_code == missing.status_code == odd.status_code == 404
    assert "n'existe pas ou ne vous concerne pas" in html.unescape(theirs.text)
    said = re.compile(r'<p class="message".*?</p>')
    assert said.findall(theirs.text) == said.findall(missing.text)


def test_an_applicant_has_no_file_page(mail_sink) -> None:  # type: ignore[no-untyped-def]
    client = _signed_in(mail_sink, "nobody@example.be")
    assert client.get("/file").status_code == 404


def _contact_form(client) -> dict[str, str]:  # type: ignore[no-untyped-def]
    page = client.get("/file/contact")
    assert page.status_code == 200
    return {"csrf": csrf(page.text), "language": "nl", "street": "Kerkstraat 5",
            "postcode": "9000", "city": "Gent", "country": "be", "phone": "",
            "email": re.search(r'id="email" name="email" value="([^"]*)"', page.text).group(1)}  # type: ignore[union-attr]


def test_a_contact_change_is_saved_with_a_timeline_event(mail_sink) -> None:  # type: ignore[no-untyped-def]
    member_id = _member("move@example.be")
    client = _signed_in(mail_sink, "move@example.be")
    done = client.post("/file/contact", data=_contact_form(client))
    assert done.status_code == 200 and "/file" in str(done.url)
    assert "Vos coordonnées sont enregistrées." in done.text and "Kerkstraat 5" in done.text
    with UnitOfWork() as uow:
        row = uow.session.get(Member, member_id)
        assert row is not None
        assert (row.street, row.postcode, row.city, row.country, row.phone, row.language) == (
            "Kerkstraat 5", "9000", "Gent", "BE", None, Language.NL)
        event = uow.session.scalars(select(TimelineEvent).where(
            TimelineEvent.member_id == member_id,
            TimelineEvent.action == "member_contact_changed")).one()
        assert event.details["fields"] == ["city", "language", "phone", "postcode", "street"]


def test_bad_contact_fields_are_named_in_my_language_and_the_rest_is_kept(mail_sink) -> None:  # type: ignore[no-untyped-def]
    member_id = _member("typo@example.be")
    client = _signed_in(mail_sink, "typo@example.be")
    form = {**_contact_form(client), "postcode": "12", "phone": "12", "city": "",
            "email": "not-an-address", "street": "Kerkstraat 77"}
    refused = client.post("/file/contact", data=form)
    assert refused.status_code == 400
    assert "écrivez un code postal valable" in refused.text
    assert "au moins 8 chiffres" in refused.text and "à remplir." in refused.text
    assert "écrivez une adresse complète" in refused.text
    assert 'value="Kerkstraat 77"' in refused.text and 'aria-invalid="true"' in refused.text
    assert 'href="#postcode"' in refused.text
    in_dutch = client.post("/file/contact?lang=nl", data=form)
    assert "schrijf een geldige postcode" in in_dutch.text and "moet ingevuld worden." in in_dutch.text
    with UnitOfWork() as uow:
        row = uow.session.get(Member, member_id)
        assert row is not None and row.street == "Rue Haute 1" and row.email == "typo@example.be"


def test_a_new_address_changes_nothing_until_its_link_is_used_then_the_old_one_is_told(mail_sink) -> None:  # type: ignore[no-untyped-def]
    member_id = _member("old@example.be")
    client = _signed_in(mail_sink, "old@example.be")
    form = {**_contact_form(client), "email": "New@Example.be"}
    asked = client.post("/file/contact", data=form)
    assert asked.status_code == 200 and "new@example.be" in asked.text
    with UnitOfWork() as uow:
        row = uow.session.get(Member, member_id)
        assert row is not None and row.email == "old@example.be"  # nothing changed yet
    link = last_link(mail_sink, "new@example.be")
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    page = client.get(path)
    done = client.post(path, data={"csrf": csrf(page.text)})
    assert done.status_code == 200 and "/file" in str(done.url)
    assert "nous vous écrivons désormais à votre nouvelle adresse" in done.text
    assert "new@example.be" in done.text
    with UnitOfWork() as uow:
        row = uow.session.get(Member, member_id)
        assert row is not None and row.email == "new@example.be"
        old_sessions = uow.session.scalars(select(PortalSession).where(
            PortalSession.email == "old@example.be")).all()
        assert old_sessions and all(s.ended_at is not None for s in old_sessions)
    notice = [m for m in mail_sink.parsed() if "old@example.be" in str(m["To"])][-1]
    assert "werd gewijzigd" in str(notice["Subject"])  # the letters' language chosen: nl
    assert client.get("/file").status_code == 200  # signed in with the new address


def test_my_data_comes_as_one_json_attachment_without_the_national_number(mail_sink) -> None:  # type: ignore[no-untyped-def]
    member_id = _member("export@example.be", with_shares=True)
    _document(member_id)
    client = _signed_in(mail_sink, "export@example.be")
    got = client.get("/file/export")
    assert got.status_code == 200
    assert got.headers["content-disposition"].startswith("attachment;")
    assert "SECRET-NN" not in got.text
    data = json.loads(got.text)
    assert data["member"]["email"] == "export@example.be"
    assert "national_number_enc" not in data["member"] and "encrypted" in data["national_number"]
    assert data["share_subscriptions"][0]["shares"] == 2
    assert data["documents"][0]["kind"] == "welcome_letter"
    assert {"register_entries", "contracts", "grant_applications", "emails"} <= set(data)
    assert all(e["by"] in ("member", "staff", "system") for e in data["timeline"])


def test_asking_for_erasure_twice_records_one_request_and_starts_one_run(mail_sink) -> None:  # type: ignore[no-untyped-def]
    member_id = _member("forget@example.be")
    starter = RecordingStarter()
    client = _signed_in(mail_sink, "forget@example.be", starter)
    page = client.get("/file")
    form = {"csrf": csrf(page.text), "once": ONCE.search(page.text).group(1)}  # type: ignore[union-attr]
    first = client.post("/file/erasure", data=form)
    again = client.post("/file/erasure", data=form)
    assert first.status_code == again.status_code == 200
    text = html.unescape(again.text)
    assert "Votre demande d'effacement est enregistrée." in text
    assert re.search(r"Demandé le \d+ \w+ \d{4} : un membre de l'équipe décide", text)
    runs = starter.runs("member-erasure")
    assert len(runs) == 1
    assert runs[0]["params"]["member"] == "M0000001"
    with UnitOfWork() as uow:
        asked = uow.decisions.waiting("member-erasure")
        assert [d.member_id for d in asked] == [member_id]
        assert runs[0]["params"]["request"] == asked[0].key
    client.get("/file")  # the run was not linked yet: started again with the same key, once
    assert len(starter.started) == 1


def test_a_form_without_its_token_changes_nothing(mail_sink) -> None:  # type: ignore[no-untyped-def]
    member_id = _member("csrf@example.be")
    starter = RecordingStarter()
    client = _signed_in(mail_sink, "csrf@example.be", starter)
    form = {**_contact_form(client), "csrf": "0" * 64}
    assert client.post("/file/contact", data=form).status_code == 400
    assert client.post("/file/erasure", data={"csrf": "0" * 64, "once": "x"}).status_code == 400
    assert starter.started == {}
    with UnitOfWork() as uow:
        row = uow.session.get(Member, member_id)
        assert row is not None and row.street == "Rue Haute 1"
        assert uow.decisions.waiting("member-erasure") == []
