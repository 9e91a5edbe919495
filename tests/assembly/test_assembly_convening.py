"""Convening through the services and tasks: refusals, the record-date snapshot, ballots in
four languages with unique codes stored only as hashes, the postal pack."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import docx
import pytest
from business_clock import at_split_instants
from sqlalchemy import select

from documents import assembly_docs
from documents.bulk_render import bulk_template, qr_png
from documents.render import LANGUAGES, render_docx
from governance.assembly.rules import assembly as rules
from governance.assembly.use_cases import assembly as service
from governance.assembly.use_cases.ballot_keys import ballot_codes, ballot_hash_key
from governance.assembly.use_cases.convening import ConveningPlan, open_convening
from governance.clock import brussels_date, business_today, utcnow
from governance.db.models import Document, Member, OutboxMessage, TimelineEvent
from governance.db.models.assembly import Assembly, AssemblyVoter
from governance.db.repositories import register
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import DocumentFormat, Language, MemberKind, MemberStatus, Office
from governance.register.rules.register import EntryKind
from seeding.assembly import sample_assembly

STAFF = Actor.staff("ga.staff")
CODE = re.compile(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){6}\b")


def add_member(session, name: str, language: Language, email: str | None) -> int:  # type: ignore[no-untyped-def]
    member = Member(
        kind=MemberKind.PERSON, status=MemberStatus.ACTIVE, first_name=name, last_name="Test",
        email=email, street="Rue 1", postcode="1000", city="Bruxelles", country="BE",
        language=language, office=Office.BRUXELLES, member_number=f"M{name}",
    )
    session.add(member)
    session.flush()
    return member.id


def issue(session, member_id: int, on: date, shares: int = 1) -> None:  # type: ignore[no-untyped-def]
    register.append(
        session, register.lock_head(session),
        [register.NewEntry(EntryKind.ISSUE, on, member_id, "A", shares, amount_cents=3000 * shares)],
    )


def shareholders(languages: list[Language], email_every: bool = True) -> list[int]:
    with UnitOfWork() as uow:
        ids = []
        for i, language in enumerate(languages):
            email = None if (not email_every and i % 3 == 2) else f"s{i}@example.org"
            ids.append(add_member(uow.session, f"S{i}", language, email))
            issue(uow.session, ids[-1], date(2026, 1, 5), 1 + i % 3)
        uow.commit()
    return ids


def new_assembly(days_ahead: int = 20, **changes) -> int:  # type: ignore[no-untyped-def]
    data = sample_assembly(utcnow(), days_ahead=days_ahead).model_copy(update=changes)
    with UnitOfWork() as uow:
        return service.create_assembly(uow, data, STAFF)


def convene(assembly_id: int, chunk_size: int = 500) -> ConveningPlan:
    with UnitOfWork() as uow:
        return open_convening(
            uow, assembly_id, now=utcnow(), actor=STAFF, chunk_size=chunk_size
        )


def test_a_meeting_less_than_fifteen_days_away_is_refused_and_nothing_is_written(coop_env) -> None:  # type: ignore[no-untyped-def]
    shareholders([Language.FR])
    assembly_id = new_assembly(days_ahead=10)
    with pytest.raises(rules.ConvocationTooLate) as caught:
        convene(assembly_id)
    assert "at least 15 days" in caught.value.message
    with UnitOfWork() as uow:
        a = uow.session.get(Assembly, assembly_id)
        assert a is not None and a.status == "draft"
        assert uow.session.scalars(select(AssemblyVoter)).all() == []


def test_an_object_change_without_the_board_report_is_refused(coop_env) -> None:  # type: ignore[no-untyped-def]
    data = sample_assembly(utcnow())
    change = service.ResolutionInput(
        code="R9", kind=rules.ResolutionKind.OBJECT_CHANGE, board_report=True,
        title={k: "Objet" for k in LANGUAGES}, text={k: "Nouvel objet" for k in LANGUAGES},
    )
    data = data.model_copy(update={"resolutions": [*data.resolutions, change]})
    with UnitOfWork() as uow, pytest.raises(rules.BoardReportMissing) as caught:
        service.create_assembly(uow, data, STAFF)
    assert caught.value.field == "board_report_document_key"


def test_the_record_date_decides_who_votes(coop_env) -> None:  # type: ignore[no-untyped-def]
    record = business_today() - timedelta(days=3)
    with UnitOfWork() as uow:
        s = uow.session
        before = add_member(s, "Before", Language.FR, "b@example.org")
        after = add_member(s, "After", Language.NL, "a@example.org")
        resigned = add_member(s, "Resigned", Language.DE, "r@example.org")
        later = add_member(s, "LaterResigned", Language.EN, "l@example.org")
        for member in (before, resigned, later):
            issue(s, member, record - timedelta(days=30), 2)
        issue(s, after, record + timedelta(days=1))  # bought after the record date
        issue(s, before, record + timedelta(days=1), 5)  # more shares after: not counted
        for member, on in ((resigned, record - timedelta(days=1)), (later, record + timedelta(days=1))):
            register.append(
                s, register.lock_head(s),
                [register.NewEntry(EntryKind.RESIGNATION, on, member, "A", 2, amount_cents=6000)],
            )
        uow.commit()
    assembly_id = new_assembly(record_date=record)
    plan = convene(assembly_id)
    assert plan.voters == 2
    with UnitOfWork() as uow:
        voters = {
            v.member_id: (v.shares, v.weight, v.shares_by_class)
            for v in uow.session.scalars(select(AssemblyVoter))
        }
    assert set(voters) == {before, later}
    assert voters[before] == (2, 1, {"A": 2})  # one member, one vote; later shares not counted
    assert convene(assembly_id).first_time is False  # a second call changes nothing


def test_ballots_in_four_languages_carry_unique_codes_stored_only_as_hashes(coop_env) -> None:  # type: ignore[no-untyped-def]
    from tasks.assembly import prepare_chunk, prepare_shared_documents

    ids = shareholders([Language.FR, Language.NL, Language.DE, Language.EN] * 6)
    assembly_id = new_assembly()
    plan = convene(assembly_id, chunk_size=10)
    assert plan.chunks == [0, 1, 2]
    prepare_shared_documents.fn(assembly_id)
    for number in plan.chunks:
        prepare_chunk.fn(assembly_id, number)
        prepare_chunk.fn(assembly_id, number)  # safe twice
    hash_key = ballot_hash_key(coop_env.settings)
    archive = coop_env.archive
    codes = {}
    with UnitOfWork() as uow:
        stored = {
            v.member_id: (str(v.language), v.ballot_code_hash)
            for v in uow.session.scalars(select(AssemblyVoter))
        }
        queued = [
            (m.context, m.attachment_keys) for m in uow.session.scalars(select(OutboxMessage))
        ]
        events = [e.details for e in uow.session.scalars(select(TimelineEvent))]
    for member_id in ids:
        path = next(archive.glob(f"assembly/{assembly_id}/ballots/*/assembly_ballot-{member_id}.*.docx"))
        document = docx.Document(str(path))
        text = "\n".join(p.text for p in document.paragraphs)
        lang = stored[member_id][0]
        assert path.name.endswith(f".{lang}.docx")
        assert assembly_docs.CHOICES[lang] in "\n".join(
            c.text for t in document.tables for r in t.rows for c in r.cells
        )
        assert len(document.inline_shapes) == 1  # the QR code
        (code,) = set(CODE.findall(text))  # for the web, and again on the paper ballot
        assert rules.ballot_code_hash(hash_key, code) == stored[member_id][1]
        codes[member_id] = code
    assert len(set(codes.values())) == len(ids)
    # the codes appear nowhere in the database: not in the e-mails' rows, not in the timeline
    dumped = repr(queued) + repr(events)
    assert not any(c in dumped or c.replace("-", "") in dumped for c in codes.values())
    assert len(queued) == len(ids)
    assert all(len(keys) == 3 for _context, keys in queued)
    from documents.email import render_email

    for context, _keys in queued:  # the e-mail gives the opening of the vote, not only its end
        for lang in LANGUAGES:
            body = render_email("assembly_convocation", lang, context).text
            assert context["opens"] in body and context["closes"] in body
    # what members read, through the real path: nothing a proofreader would strike out (the
    # test settings point the ballot page at this machine, which production refuses)
    from documents.proofread import proofread

    def struck(text: str, lang: str) -> list[str]:
        return [str(f) for f in proofread(text, lang) if f.check != "local address"]

    for member_id in ids:
        lang = stored[member_id][0]
        path = next(archive.glob(f"assembly/{assembly_id}/ballots/*/assembly_ballot-{member_id}.*.docx"))
        document = docx.Document(str(path))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        assert struck("\n".join([p.text for p in document.paragraphs] + cells), lang) == []
    from governance.db.models import Document

    with UnitOfWork() as uow:
        shared = uow.session.execute(
            select(Document.path, Document.language).where(
                Document.template.in_(("assembly_convocation", "assembly_proxy"))
            )
        ).all()
    assert len(shared) == 8  # two papers in four languages
    for path, language in shared:
        document = docx.Document(str(archive / path))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        text = "\n".join([p.text for p in document.paragraphs] + cells)
        assert struck(text, str(language)) == [], path
    for context, keys in queued:
        lang = keys[0].rsplit(":", 1)[-1] if ":" in keys[0] else "fr"
        mail = render_email("assembly_convocation", lang, context)
        assert struck(mail.subject + "\n" + mail.text, lang) == [], lang


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_bulk_path_gives_the_same_document_as_docxtpl(language: str) -> None:
    from documents.template_sources import assembly_ballot, assembly_convocation

    for name, context, images in (
        ("assembly_ballot", assembly_ballot.sample(language), {"qr": qr_png("https://x/b/1")}),
        ("assembly_convocation", assembly_convocation.sample(language), {}),
    ):
        slow = docx.Document(io.BytesIO(render_docx(name, language, context, images)))
        fast = docx.Document(io.BytesIO(bulk_template(name, language).render(context, images)))
        for a, b in ((slow, fast),):
            assert [p.text for p in a.paragraphs] == [p.text for p in b.paragraphs]
            assert [c.text for t in a.tables for r in t.rows for c in r.cells] == [
                c.text for t in b.tables for r in t.rows for c in r.cells
            ]
            assert [p.text for p in a.sections[0].header.paragraphs] == [
                p.text for p in b.sections[0].header.paragraphs
            ]
            assert len(a.inline_shapes) == len(b.inline_shapes)


def test_the_qr_png_is_segno_s_code_pixel_for_pixel() -> None:
    import segno
    from PIL import Image, ImageChops

    url = "http://127.0.0.1:8765/b/7K3MQ9TDABCDEFGHJKMNPQRSTVWX"
    ours = Image.open(io.BytesIO(qr_png(url))).convert("L")
    theirs = io.BytesIO()
    segno.make(url, error="m", mask=2, micro=False).save(theirs, kind="png", scale=4, border=4)
    assert ImageChops.difference(ours, Image.open(theirs).convert("L")).getbbox() is None


def test_shareholders_without_email_go_to_the_postal_pack(coop_env) -> None:  # type: ignore[no-untyped-def]
    from tasks.assembly import prepare_chunk, write_postal_pack

    F, N, D = Language.FR, Language.NL, Language.DE
    ids = shareholders([F, N, D, N, D, F, D, F, N], email_every=False)  # 2, 5, 8: by post
    assembly_id = new_assembly()
    plan = convene(assembly_id)
    assert plan.postal == 3
    prepare_chunk.fn(assembly_id, 0)
    counts = write_postal_pack.fn(assembly_id)
    assert counts == {"postal": 3, "fr": 1, "nl": 1, "de": 1, "en": 0}
    folder = coop_env.archive / f"assembly/{assembly_id}/postal"
    rows = list(csv.DictReader(io.StringIO((folder / "postal-addresses.csv").read_text("utf-8-sig"))))
    assert sorted(r["member_number"] for r in rows) == ["MS2", "MS5", "MS8"]
    assert rows[0]["street"] == "Rue 1"
    merged = docx.Document(str(folder / "postal-letters.nl.docx"))
    text = "\n".join(p.text for p in merged.paragraphs)
    assert "Persoonlijk stembiljet" in text and "Volmacht —" in text
    assert "Agenda en voorstellen tot besluit" in text and len(merged.inline_shapes) == 1
    with UnitOfWork() as uow:
        queued = uow.session.scalars(select(OutboxMessage.member_id)).all()
        indexed = dict(uow.session.execute(select(Document.path, Document.format)).tuples().all())
    assert len(queued) == len(ids) - 3
    assert indexed[f"assembly/{assembly_id}/postal/postal-addresses.csv"] == DocumentFormat.CSV
    assert indexed[f"assembly/{assembly_id}/postal/postal-letters.nl.docx"] == DocumentFormat.DOCX


@pytest.mark.pdf
def test_ballots_are_pdf_when_libreoffice_is_installed(coop_env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from documents import pdf_pool
    from governance.config import reset_settings
    from governance.db.models import Document
    from tasks.assembly import prepare_chunk

    if not pdf_pool.engine_available():
        pytest.skip("LibreOffice (with its UNO bridge) is not installed")
    monkeypatch.setenv("COOP_PDF_OUTPUT", "true")
    monkeypatch.setenv("COOP_PDF_CONVERTERS", "2")
    reset_settings()
    shareholders([Language.FR, Language.DE, Language.NL])
    assembly_id = new_assembly()
    convene(assembly_id)
    try:
        assert prepare_chunk.fn(assembly_id, 0) == {"prepared": 3, "not_pdf": 0}
    finally:
        pdf_pool.shutdown()
    with UnitOfWork() as uow:
        docs = [(d.format, d.path) for d in uow.session.scalars(select(Document))]
        numbers = {m.id: m.member_number for m in uow.session.scalars(select(Member))}
    assert [f for f, _p in docs] == ["pdf", "pdf", "pdf"]
    for _f, path in docs:
        pdf_file = coop_env.archive / path
        assert pdf_file.read_bytes().startswith(b"%PDF-")
        assert pdf_file.with_suffix(".docx").exists()  # the source of record stays beside it
        member_id = int(pdf_file.name.split("-")[1].split(".")[0])
        assert numbers[member_id] in pdf_pool.pdf_text(pdf_file)


@pytest.mark.pdf
def test_a_ballot_without_a_checked_pdf_is_counted_and_stays_docx(coop_env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from documents import pdf_pool
    from governance.config import reset_settings
    from governance.db.models import Document
    from tasks.assembly import prepare_chunk

    if not pdf_pool.engine_available():
        pytest.skip("LibreOffice (with its UNO bridge) is not installed")
    monkeypatch.setenv("COOP_PDF_OUTPUT", "true")
    monkeypatch.setenv("COOP_PDF_CONVERTERS", "1")
    reset_settings()
    real_check = pdf_pool.check_pdf

    def check(path, expect=""):  # type: ignore[no-untyped-def]
        real_check(path, expect)
        if expect and expect == failing[0]:  # as if the German ballot lost its code
            raise pdf_pool.PdfConversionError(f"{path.name}: {expect!r} is not in the PDF's text")
        return 1

    from governance.assembly.rules.assembly import format_ballot_code

    shareholders([Language.FR, Language.DE])
    assembly_id = new_assembly()
    convene(assembly_id)
    with UnitOfWork() as uow:
        german = next(
            v.member_id for v in uow.session.scalars(select(AssemblyVoter)) if v.language == "de"
        )
    codes = ballot_codes(coop_env.settings, assembly_id, [german])
    failing = [format_ballot_code(codes[german])]
    monkeypatch.setattr(pdf_pool, "check_pdf", check)
    try:
        assert prepare_chunk.fn(assembly_id, 0) == {"prepared": 2, "not_pdf": 1}
    finally:
        pdf_pool.shutdown()
    with UnitOfWork() as uow:
        docs = {d.member_id: d.format for d in uow.session.scalars(select(Document))}
    assert docs[german] == "docx"  # sent as DOCX, with notice
    assert sorted(docs.values()) == ["docx", "pdf"]


@at_split_instants
def test_a_convocation_sent_at_night_counts_fifteen_brussels_days(business_clock, coop_env) -> None:  # type: ignore[no-untyped-def]
    """Sent at 23:30 UTC in winter is sent on the next Brussels day: a meeting 14 Brussels
    days later is refused, 15 days later is accepted."""
    shareholders([Language.FR])
    with pytest.raises(rules.ConvocationTooLate, match="at least 15 days"):
        convene(new_assembly(days_ahead=14))
    plan = convene(new_assembly(days_ahead=15))
    with UnitOfWork() as uow:
        a = uow.session.get(Assembly, plan.assembly_id)
        assert a is not None and a.status != "draft"
        assert brussels_date(a.meeting_at) - business_today() == timedelta(days=15)
