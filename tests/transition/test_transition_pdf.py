"""Transition invitations as PDF through the converter pool: indexed, checked, DOCX kept."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from stdnum.be import ogm_vcs
from transition_helpers import import_sample

from documents import pdf_pool
from governance.config import reset_settings
from governance.db.models import Document, ShareSubscription
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.transition.use_cases import transition as campaigns

START = date(2026, 12, 1)

pytestmark = [
    pytest.mark.pdf,
    pytest.mark.skipif(
        not pdf_pool.engine_available(), reason="LibreOffice (with its UNO bridge) not installed"
    ),
]


def test_invitations_are_checked_pdfs_with_their_docx_beside(coop_env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tasks.transition import invite_next_chunk

    monkeypatch.setenv("COOP_PDF_OUTPUT", "true")
    monkeypatch.setenv("COOP_PDF_CONVERTERS", "2")
    reset_settings()
    import_sample(4)
    with UnitOfWork() as uow:
        campaign = campaigns.open_campaign(
            uow, name="T", share_class="A", deadline=date(2027, 1, 31), reminder_days=[3],
            restriction_on=date(2027, 3, 1), actor=Actor.staff("anna"), today=START)
    with UnitOfWork() as uow:
        campaigns.enrol_members(uow, campaign.id)
    try:
        result = invite_next_chunk(campaign.id, 10, "anna", START)
    finally:
        pdf_pool.shutdown()
    assert result["chunk"] == 4 and result["not_pdf"] == 0
    with UnitOfWork() as uow:
        docs = {
            d.member_id: (d.format, d.path)
            for d in uow.session.scalars(select(Document))
            if d.template == "transition_invitation"
        }
        communications = {
            s.member_id: s.structured_communication
            for s in uow.session.scalars(select(ShareSubscription))
        }
    assert len(docs) == 4
    for member_id, (fmt, path) in docs.items():
        pdf_file = coop_env.archive / path
        assert fmt == "pdf" and pdf_file.read_bytes().startswith(b"%PDF-")
        assert pdf_file.with_suffix(".docx").exists()  # the source of record
        printed = ogm_vcs.format(communications[member_id])  # +++ddd/dddd/ddddd+++
        assert printed in pdf_pool.pdf_text(pdf_file)
