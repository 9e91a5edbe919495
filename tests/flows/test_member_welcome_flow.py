"""The member-welcome flow under Prefect: letter archived, e-mail at the sink, run twice = once."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from flows.member_welcome import WelcomeParameters, member_welcome
from governance.db.models import Document, Member, TimelineEvent
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
from governance.members.rules.members import MemberFacts
from governance.members.use_cases import members


def test_welcome_flow_archives_the_letter_and_mails_it_once(coop_env, mail_sink, monkeypatch,
                                                           prefect_harness) -> None:
    from documents import pdf
    from governance.config import reset_settings

    if pdf.available():  # the real path: the attachment is the archived PDF
        monkeypatch.setenv("COOP_PDF_OUTPUT", "true")
        reset_settings()
    with UnitOfWork() as uow:
        member = members.create_member(uow.session, MemberFacts(
            kind=MemberKind.PERSON, first_name="Käthe", last_name="Müller & Söhne",
            language=Language.DE, office=Office.EUPEN, email="kaethe@example.org",
            street="Kirchstraße 3", postcode="4700", city="Eupen"), Actor.system(),
            MemberStatus.ACTIVE)
        uow.commit()
    params = WelcomeParameters(member_id=member.id, shares=2, amount_cents=6000, staff="anna")
    number = member_welcome(params)
    assert member_welcome(params) == number == "M0000001"
    messages = mail_sink.parsed()
    assert len(messages) == 1
    assert messages[0]["Subject"].startswith("Willkommen bei")
    attachments = list(messages[0].iter_attachments())
    assert len(attachments) == 1 and attachments[0].get_filename().endswith((".pdf", ".docx"))
    with UnitOfWork() as uow:
        docs = uow.session.scalars(select(Document)).all()
        assert len(docs) == 1
        assert docs[0].format == ("pdf" if pdf.available() else "docx")
        stored = (coop_env.archive / docs[0].path).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == docs[0].sha256
        assert attachments[0].get_content() == stored
        actions = uow.session.scalars(select(TimelineEvent.action).where(
            TimelineEvent.member_id == member.id)).all()
        assert {"member_created", "member_welcomed", "document_generated"} <= set(actions)
        row = uow.session.get(Member, member.id)
        assert row is not None and row.member_number == "M0000001"
