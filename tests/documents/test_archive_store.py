"""The archive in the database (COOP_ARCHIVE_STORE=database): a file archived on one machine
is read on another byte for byte, a copy that lost its sha256 is never used, a file stored
twice is one row; mail from a machine that never had the file still carries it. Real SQLite,
or PostgreSQL when COOP_TEST_DATABASE_URL is set."""

from __future__ import annotations

import hashlib
import re
import stat
from pathlib import Path

import pytest
from sqlalchemy import select, update

from documents import archive, workers
from documents.produce import DocumentRequest
from documents.template_sources.welcome_letter import sample
from governance.config import Settings, get_settings, reset_settings
from governance.db.engine import get_engine
from governance.db.models.archive import ArchivedFile
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
from governance.kernel.use_cases import outbox
from governance.kernel.use_cases.documents import existing_keys
from governance.members.rules.members import MemberFacts
from governance.members.use_cases import members
from tasks.documents import produce, produce_fast
from tasks.mail import deliver_pending, deliver_prefix

LETTER = b"PK\x03\x04 a letter with a name, an address and a ballot code \x00\xff"


@pytest.fixture
def database_store(coop_env, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The database store; machine A's archive folder is the test's COOP_ARCHIVE_DIR."""
    monkeypatch.setenv("COOP_ARCHIVE_STORE", "database")
    reset_settings()
    coop_env.settings = get_settings()
    return coop_env


def _machine_b(root: Path) -> Settings:
    """Another machine: the same environment (database), its own archive folder."""
    return Settings(archive_dir=root / "machine-b" / "archive")


def _rows(settings: Settings) -> list[tuple[str, str, int]]:
    query = select(ArchivedFile.relative_path, ArchivedFile.sha256, ArchivedFile.size_bytes)
    with get_engine(settings.resolved_database_url()).connect() as conn:
        return [tuple(r) for r in conn.execute(query.order_by(ArchivedFile.relative_path))]


def test_a_file_archived_on_one_machine_is_read_on_another_byte_for_byte(database_store) -> None:  # type: ignore[no-untyped-def]
    stored = archive.store(database_store.settings, "member/7", "letter.fr.docx", LETTER)
    b = _machine_b(database_store.root)
    assert not (b.resolved_archive_dir() / stored.relative_path).exists()

    path = archive.local_path(b, stored.relative_path)

    assert path == b.resolved_archive_dir() / "member/7/letter.fr.docx"
    assert path.read_bytes() == LETTER
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # names and addresses: private
    assert archive.read_bytes(b, stored.relative_path) == LETTER  # now from B's cache


def test_the_same_file_archived_twice_is_one_row_and_other_content_is_refused(
    database_store,  # type: ignore[no-untyped-def]
) -> None:
    settings = database_store.settings
    first = archive.store(settings, "member/7", "letter.fr.docx", LETTER)
    again = archive.store(settings, "member/7", "letter.fr.docx", LETTER)
    assert first == again
    assert _rows(settings) == [("member/7/letter.fr.docx", first.sha256, len(LETTER))]

    with pytest.raises(archive.ArchiveConflict, match=re.escape("member/7/letter.fr.docx is already")):
        archive.store(settings, "member/7", "letter.fr.docx", b"another letter")
    # nothing half-written: the row and the file keep the first content
    assert _rows(settings)[0][1] == first.sha256
    assert archive.read_bytes(settings, first.relative_path) == LETTER


def test_a_file_rebuilt_by_design_replaces_its_row_and_other_caches_follow(
    database_store,  # type: ignore[no-untyped-def]
) -> None:
    settings, b = database_store.settings, _machine_b(database_store.root)
    old = archive.store(settings, "assembly/1/postal", "postal-addresses.csv", b"a;b\n")
    assert archive.read_bytes(b, old.relative_path) == b"a;b\n"  # cached on B

    archive.store(settings, "assembly/1/postal", "postal-addresses.csv", b"a;b;c\n", replace=True)

    assert len(_rows(settings)) == 1
    assert archive.read_bytes(b, old.relative_path) == b"a;b;c\n"  # B's stale copy not used


def test_a_tampered_copy_in_the_database_is_refused(database_store) -> None:  # type: ignore[no-untyped-def]
    stored = archive.store(database_store.settings, "member/7", "letter.fr.docx", LETTER)
    url = database_store.settings.resolved_database_url()
    with get_engine(url).begin() as conn:
        conn.execute(update(ArchivedFile).values(content=LETTER.replace(b"ballot", b"bullet")))
    b = _machine_b(database_store.root)

    with pytest.raises(archive.ArchiveTampered, match=re.escape("member/7/letter.fr.docx")):
        archive.local_path(b, stored.relative_path)
    assert not (b.resolved_archive_dir() / stored.relative_path).exists()


def test_a_tampered_copy_in_this_machines_cache_is_never_used(database_store) -> None:  # type: ignore[no-untyped-def]
    settings = database_store.settings
    stored = archive.store(settings, "member/7", "letter.fr.docx", LETTER)
    cached = settings.resolved_archive_dir() / stored.relative_path
    cached.write_bytes(b"changed on this machine")

    assert archive.local_path(settings, stored.relative_path).read_bytes() == LETTER


@pytest.mark.parametrize("store", ["local", "database"])
def test_a_file_in_neither_place_is_archive_missing_naming_it(
    coop_env, monkeypatch: pytest.MonkeyPatch, store: str  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv("COOP_ARCHIVE_STORE", store)
    reset_settings()
    with pytest.raises(archive.ArchiveMissing, match=re.escape("member/9/gone.pdf")):
        archive.local_path(get_settings(), "member/9/gone.pdf")
    with pytest.raises(archive.ArchiveMissing, match="not a path inside the archive"):
        archive.local_path(get_settings(), "../../etc/passwd")


def test_the_local_store_writes_no_row(coop_env) -> None:  # type: ignore[no-untyped-def]
    stored = archive.store(coop_env.settings, "member/7", "letter.fr.docx", LETTER)
    assert _rows(coop_env.settings) == []
    assert archive.read_bytes(coop_env.settings, stored.relative_path) == LETTER


def test_an_erased_file_leaves_the_database_and_this_machine(database_store) -> None:  # type: ignore[no-untyped-def]
    settings = database_store.settings
    stored = archive.store(settings, "member/7", "letter.fr.docx", LETTER)
    archive.delete(settings, stored.relative_path)
    assert _rows(settings) == []
    with pytest.raises(archive.ArchiveMissing):
        archive.local_path(_machine_b(database_store.root), stored.relative_path)


def _letter_and_mail(prefix: str) -> str:
    """A member, their welcome letter archived on machine A, a mail attaching it; its path."""
    with UnitOfWork() as uow:
        member = members.create_member(uow.session, MemberFacts(
            kind=MemberKind.PERSON, first_name="Zoë", last_name="D'Hondt", language=Language.NL,
            office=Office.GENT, email="zoe@example.org"), Actor.system(), MemberStatus.ACTIVE)
        uow.commit()
        member_id = member.id
    produce([DocumentRequest(key=f"{prefix}:letter", template="welcome_letter",
                             language=Language.NL, context=sample("nl"),
                             subject_type="member", subject_id=str(member_id),
                             member_id=member_id)], want_pdf=False)
    with UnitOfWork() as uow:
        assert existing_keys(uow.session, [f"{prefix}:letter"])
        outbox.enqueue(uow.session, key=f"{prefix}:mail", to="zoe@example.org",
                       template="welcome", language=Language.NL, member_id=member_id,
                       context={"name": "Zoë D'Hondt", "member_number": "M1"},
                       attachment_keys=[f"{prefix}:letter"])
        uow.commit()
    (path,) = [r[0] for r in _rows(get_settings())]
    return path


def test_documents_rendered_in_the_render_workers_reach_the_database(
    database_store, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    """The bulk path archives from spawned worker processes: they get the store with their
    jobs, so every document is a row another machine reads."""
    monkeypatch.setenv("COOP_RENDER_WORKERS", "2")
    reset_settings()
    requests = [
        DocumentRequest(key=f"w:{n}", template="welcome_letter", language=Language.FR,
                        context=sample("fr"), subject_type="member", subject_id=str(n))
        for n in range(4)
    ]
    workers.shutdown()
    try:
        assert produce_fast(requests, parallel=True) == 4
    finally:
        workers.shutdown()
    rows = _rows(get_settings())
    assert len(rows) == 4
    b = _machine_b(database_store.root)
    for relative, sha256, _ in rows:
        assert hashlib.sha256(archive.read_bytes(b, relative)).hexdigest() == sha256


@pytest.mark.parametrize("bulk", [False, True], ids=["outbox", "bulk"])
def test_mail_sent_from_a_machine_without_the_file_carries_the_archived_attachment(
    database_store, mail_sink, monkeypatch: pytest.MonkeyPatch, bulk: bool  # type: ignore[no-untyped-def]
) -> None:
    relative = _letter_and_mail("b")
    letter = (database_store.settings.resolved_archive_dir() / relative).read_bytes()
    machine_b = database_store.root / "machine-b" / "archive"
    monkeypatch.setenv("COOP_ARCHIVE_DIR", str(machine_b))  # delivery runs on machine B
    reset_settings()

    report = deliver_prefix("b:") if bulk else deliver_pending()

    assert report.sent == 1
    (mail,) = mail_sink.parsed()
    (attached,) = list(mail.iter_attachments())
    assert attached.get_filename() == "Welkomstbrief.docx"
    assert attached.get_content() == letter
    assert (machine_b / relative).read_bytes() == letter  # B's cache filled on the way

