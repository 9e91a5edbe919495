"""What a member's mail client shows: replies go to their office, a plain-text and an HTML
part, attachments named in the member's language. Both delivery paths, real SMTP."""

from __future__ import annotations

import pytest

from documents.produce import DocumentRequest
from documents.template_sources.welcome_letter import sample
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
from governance.kernel.use_cases import outbox
from governance.members.rules.members import MemberFacts
from governance.members.use_cases import members
from tasks.documents import produce
from tasks.mail import deliver_pending, deliver_prefix


def _queue(prefix: str, office: Office, language: Language) -> None:
    with UnitOfWork() as uow:
        member = members.create_member(uow.session, MemberFacts(
            kind=MemberKind.PERSON, first_name="Zoë", last_name="D'Hondt", language=language,
            office=office, email="zoe@example.org"), Actor.system(), MemberStatus.ACTIVE)
        uow.commit()
        member_id = member.id
    produce([DocumentRequest(key=f"{prefix}:letter", template="welcome_letter",
                             language=language, context=sample(str(language)),
                             subject_type="member", subject_id=str(member_id),
                             member_id=member_id)], want_pdf=False)
    with UnitOfWork() as uow:
        outbox.enqueue(uow.session, key=f"{prefix}:mail", to="zoe@example.org",
                       template="welcome", language=language, member_id=member_id,
                       context={"name": "Zoë D'Hondt", "member_number": "M1"},
                       attachment_keys=[f"{prefix}:letter"])
        outbox.enqueue(uow.session, key=f"{prefix}:staff", to="staff@example.org",
                       template="welcome", language=language,
                       context={"name": "Staff", "member_number": "-"})
        uow.commit()


@pytest.mark.parametrize("bulk", [False, True], ids=["outbox", "bulk"])
def test_a_member_mail_replies_to_the_office_and_names_its_attachment(
    coop_env, mail_sink, bulk: bool  # type: ignore[no-untyped-def]
) -> None:
    _queue("form", Office.GENT, Language.NL)
    report = deliver_prefix("form:") if bulk else deliver_pending()
    assert report.sent == 2
    by_to = {m["To"]: m for m in mail_sink.parsed()}
    mail = by_to["zoe@example.org"]
    assert mail["Reply-To"] == "gent@smart.coop"  # the domain of COOP_MAIL_SENDER
    assert by_to["staff@example.org"]["Reply-To"] == "backoffice@smart.coop"
    plain = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Het team van SmartCoop SC" in plain
    assert "Het team van SmartCoop SC" in html and "<br>" in html
    names = [part.get_filename() for part in mail.iter_attachments()]
    assert names == ["Welkomstbrief.docx"]
    assert not any("welcome_letter" in (n or "") for n in names)


def test_an_office_mailbox_from_the_settings_and_a_french_name(
    coop_env, mail_sink, monkeypatch  # type: ignore[no-untyped-def]
) -> None:
    from governance.config import reset_settings

    monkeypatch.setenv("COOP_OFFICE_REPLY_TO", '{"liege": "liege@smartbe.be"}')
    reset_settings()
    _queue("fr", Office.LIEGE, Language.FR)
    assert deliver_prefix("fr:").sent == 2
    mail = {m["To"]: m for m in mail_sink.parsed()}["zoe@example.org"]
    assert mail["Reply-To"] == "liege@smartbe.be"
    assert [p.get_filename() for p in mail.iter_attachments()] == ["Lettre de bienvenue.docx"]


def test_a_name_with_accents_reaches_the_mail_client_intact() -> None:
    import email
    from email import policy

    from documents.bulk_mail import compose
    from governance.kernel.rules.delivery import ClaimedMessage

    message = ClaimedMessage(1, "k:1", "t", "a@example.org", "welcome", Language.FR, {}, [],
                             False, None)
    data = compose("Coop <noreply@smart.coop>", message, "Sujet", "Texte", [
        ("Récapitulatif de votre adhésion.pdf", "JVBERi0="),
    ], "bruxelles@smart.coop")
    parsed = email.message_from_bytes(data.encode(), policy=policy.default)
    assert [p.get_filename() for p in parsed.iter_attachments()] == [
        "Récapitulatif de votre adhésion.pdf"]
    assert parsed["Reply-To"] == "bruxelles@smart.coop"


def test_a_client_writing_about_a_contract_reaches_the_member_office(coop_env, mail_sink) -> None:  # type: ignore[no-untyped-def]
    with UnitOfWork() as uow:  # a client is no member: the message names the office instead
        outbox.enqueue(uow.session, key="client:1", to="booking@example.org",
                       template="welcome", language=Language.DE,
                       context={"name": "Klang & Bühne GmbH", "member_number": "-",
                                "reply_office": "eupen"})
        uow.commit()
    assert deliver_pending().sent == 1
    (mail,) = mail_sink.parsed()
    assert mail["Reply-To"] == "eupen@smart.coop"


def test_attachment_names_carry_the_reference_of_documents_a_member_holds_several_of() -> None:
    from documents.attachment_names import attachment_names

    paths = ["contract/42/employment_contract-42-ab12cd.nl.pdf",
             "contract/42/client_agreement-42-ff00aa.nl.pdf",
             "grant_application/G001-0007/grant_award-G001-0007-abcdef.fr.pdf",
             "contract/42/invoice-42-0a0b0c.nl.pdf", "contract/43/invoice-43-0d0e0f.nl.pdf",
             "assembly/1/postal-letters.fr.docx"]
    assert attachment_names(paths, "nl") == [
        "Arbeidsovereenkomst C-000042.pdf", "Overeenkomst van dienstverlening C-000042.pdf",
        "Toekenningsbrief beurs G001-0007.pdf", "Factuur.pdf", "Factuur (2).pdf",
        "postal-letters.fr.docx"]
