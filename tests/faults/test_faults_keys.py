"""The encryption key: validated, proven against the data at start, never silently replaced,
created once by concurrent processes, and rotated with every value and ballot code kept."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import delete, select
from typer.testing import CliRunner

from coopflow_cli.main import app
from governance.assembly.use_cases import voting as voting_service
from governance.assembly.use_cases.ballot_keys import ballot_codes
from governance.clock import utcnow
from governance.config import InvalidKey, Settings, get_settings, reset_settings
from governance.db import keys
from governance.db.crypto import FieldCipher
from governance.db.engine import dispose_engines
from governance.db.models import Member
from governance.db.models.keys import KeyCheck
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberStatus
from governance.members.use_cases import members
from seeding.members import sample_members
from seeding.voting import seed_assembly

NUMBERS = ["85073003328", "79031410173", "90020200195"]
CHOICES = {"R1": "for", "R2": "against", "R3": "abstain", "E1": ["C1", "C3"]}


def _use_keys(monkeypatch: pytest.MonkeyPatch, key: str | None, old: str | None = None) -> None:
    for name, value in (("COOP_ENCRYPTION_KEY", key), ("COOP_ENCRYPTION_OLD_KEYS", old)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    reset_settings()
    keys.reset_key_cache()  # a new process would start without it


def _members_with_national_numbers() -> list[int]:
    with UnitOfWork() as uow:
        ids = []
        for facts, number in zip(sample_members(len(NUMBERS)), NUMBERS, strict=True):
            member = members.create_member(uow.session, facts, Actor.system("test"),
                                           status=MemberStatus.ACTIVE,
                                           national_number_enc=uow.cipher.encrypt(number),
                                           identity_hash=uow.cipher.keyed_hash(number))
            ids.append(member.id)
        uow.commit()
    return ids


def test_a_malformed_key_is_refused_with_the_name_of_the_setting(
    coop_env, monkeypatch, faults_report
) -> None:  # type: ignore[no-untyped-def]
    _use_keys(monkeypatch, "not-a-key")
    with pytest.raises(InvalidKey, match="COOP_ENCRYPTION_KEY is not a valid encryption key"):
        UnitOfWork().__enter__()
    _use_keys(monkeypatch, Fernet.generate_key().decode(), "also-not-a-key")
    with pytest.raises(InvalidKey, match=r"COOP_ENCRYPTION_OLD_KEYS \(key 1\)"):
        UnitOfWork().__enter__()
    faults_report.add("key: malformed COOP_ENCRYPTION_KEY / COOP_ENCRYPTION_OLD_KEYS",
                      attempts=2, faults=2, outcome="refused, naming the setting")


def test_a_changed_key_is_refused_at_start_and_no_new_key_replaces_it(
    coop_env, monkeypatch, faults_report
) -> None:  # type: ignore[no-untyped-def]
    _members_with_national_numbers()
    key_file = coop_env.settings.local_key_file()
    original = coop_env.settings.resolved_encryption_key()
    configured = os.environ.get("COOP_ENCRYPTION_KEY")  # set on PostgreSQL (required there)
    _use_keys(monkeypatch, Fernet.generate_key().decode())
    with pytest.raises(keys.KeyMismatch, match="COOP_ENCRYPTION_KEY does not open this database"):
        UnitOfWork().__enter__()
    coop = str(Path(sys.executable).with_name("coop"))
    for command in (["keys", "check"], ["ballot-web", "--port", "0"]):  # no start, no traceback
        result = subprocess.run([coop, *command], capture_output=True, text=True,
                                env=os.environ.copy(), timeout=120)
        assert result.returncode == 2 and "does not open this database" in result.stderr
        assert "Traceback" not in result.stderr

    _use_keys(monkeypatch, None)  # the key (file) lost: refused, and no new file is written
    key_file.unlink(missing_ok=True)
    with pytest.raises(keys.KeyMismatch, match="a new key is never generated"):
        UnitOfWork().__enter__()
    assert not key_file.exists()
    if configured:  # the right key back: the data opens
        _use_keys(monkeypatch, configured)
    else:
        key_file.write_bytes(original)
    with UnitOfWork() as uow:
        stored = uow.session.scalars(select(Member.national_number_enc)).all()
        assert sorted(uow.cipher.decrypt(t) for t in stored if t) == sorted(NUMBERS)
    faults_report.add("key: another key, then the key file deleted, with data present",
                      attempts=3, faults=2,
                      outcome="refused at start (exit 2, no traceback); no key generated; "
                      "the right key opens all", lost=0)


def test_data_encrypted_before_the_key_check_existed_is_checked_against_the_key(
    coop_env, monkeypatch, faults_report
) -> None:  # type: ignore[no-untyped-def]
    ids = _members_with_national_numbers()
    key = coop_env.settings.resolved_encryption_key().decode()
    legacy = FieldCipher(key.encode())  # hashes were keyed by the key itself then
    with UnitOfWork() as uow:
        uow.session.execute(delete(KeyCheck))  # as a database from before the check
        for member_id, number in zip(ids, NUMBERS, strict=True):
            uow.session.get_one(Member, member_id).identity_hash = legacy.keyed_hash(number)
        uow.commit()
    _use_keys(monkeypatch, Fernet.generate_key().decode())
    with pytest.raises(keys.KeyMismatch, match="does not open the national numbers"):
        UnitOfWork().__enter__()
    _use_keys(monkeypatch, key)
    with UnitOfWork() as uow:  # the right key: proven, and the identity hashes still match
        member = uow.session.get_one(Member, ids[0])
        assert member.identity_hash == uow.cipher.keyed_hash(NUMBERS[0])
        assert uow.session.scalar(select(KeyCheck).where(KeyCheck.name == "canary")) is not None
    faults_report.add("key: wrong key on data from before the key check", attempts=2, faults=1,
                      outcome="refused; the right key proven, identity hashes kept")


def _first_start(var_dir: str, url: str, barrier: multiprocessing.synchronize.Barrier,
                 out: multiprocessing.queues.Queue) -> None:  # type: ignore[type-arg]
    os.environ["COOP_VAR_DIR"] = var_dir
    os.environ["COOP_DATABASE_URL"] = url
    os.environ.pop("COOP_ENCRYPTION_KEY", None)
    reset_settings()
    keys.reset_key_cache()
    dispose_engines()
    barrier.wait()
    try:
        material = keys.key_material(get_settings())
        out.put((material.keyring.primary, material.identity_secret, material.ballot_secret))
    except Exception as exc:  # reported to the parent, which fails the test
        out.put(repr(exc))


@pytest.mark.parametrize("rounds", [6])
def test_processes_starting_together_without_a_key_end_up_with_one_key(
    migrated_template, tmp_path, rounds, faults_report
) -> None:  # type: ignore[no-untyped-def]
    if not Path(migrated_template).exists():
        pytest.skip("the concurrent first start is run on SQLite (a file per round)")
    context = multiprocessing.get_context("fork")  # fast: the heavy imports are done
    for round_ in range(rounds):
        database = tmp_path / f"round{round_}.sqlite3"
        shutil.copyfile(migrated_template, database)
        var_dir = tmp_path / f"var{round_}"
        barrier, out = context.Barrier(8), context.Queue()
        workers = [
            context.Process(target=_first_start,
                            args=(str(var_dir), f"sqlite:///{database}", barrier, out))
            for _ in range(8)
        ]
        for worker in workers:
            worker.start()
        results = [out.get(timeout=120) for _ in workers]
        for worker in workers:
            worker.join(timeout=60)
            assert worker.exitcode == 0
        assert all(isinstance(r, tuple) for r in results), results
        assert len(set(results)) == 1, f"round {round_}: {len(set(results))} different keys"
        assert (var_dir / "local-encryption.key").read_bytes() == results[0][0]
        assert (var_dir / "local-encryption.key").stat().st_mode & 0o777 == 0o600
        assert [p.name for p in var_dir.iterdir()] == ["local-encryption.key"]  # no leftovers
    faults_report.add(f"key: 8 processes start together with no key ({rounds} rounds)",
                      attempts=rounds * 8, faults=rounds, outcome="one key per round, 0600")


def test_rotation_reencrypts_everything_and_keeps_the_open_assemblys_codes(
    coop_env, monkeypatch, faults_report
) -> None:  # type: ignore[no-untyped-def]
    ids = _members_with_national_numbers()
    now = utcnow().replace(microsecond=0)
    with UnitOfWork() as uow:
        sample = seed_assembly(uow, ids, now=now)
        uow.commit()
    with UnitOfWork() as uow:  # one code used before the rotation
        voting_service.cast_ballot(uow, sample.codes[ids[0]], dict(CHOICES), now=now)
    old, new = coop_env.settings.resolved_encryption_key().decode(), Fernet.generate_key().decode()

    _use_keys(monkeypatch, new, old)
    calls = 0
    real = keys._reencrypt

    def stops_after_one_batch(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError("the machine stopped during the rotation")
        return real(*args, **kwargs)

    monkeypatch.setattr(keys, "_reencrypt", stops_after_one_batch)
    with pytest.raises(OSError):
        keys.rotate(get_settings(), batch_size=1)
    monkeypatch.setattr(keys, "_reencrypt", real)
    result = CliRunner().invoke(app, ["keys", "rotate", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "re-encrypted 2 value(s)" in said and "(1 were already under it)" in said  # resumed

    _use_keys(monkeypatch, new)  # the new key alone
    with UnitOfWork() as uow:
        tokens = uow.session.scalars(select(Member.national_number_enc).order_by(Member.id)).all()
        assert [Fernet(new.encode()).decrypt(t.encode()).decode() for t in tokens] == NUMBERS
        hashes = uow.session.scalars(select(Member.identity_hash).order_by(Member.id)).all()
        assert hashes == [uow.cipher.keyed_hash(n) for n in NUMBERS]  # duplicates still found
        for row in uow.session.scalars(select(KeyCheck)):
            with pytest.raises(InvalidToken):
                Fernet(old.encode()).decrypt(row.token.encode())
    assert ballot_codes(get_settings(), sample.assembly_id, ids) == sample.codes
    with UnitOfWork() as uow:
        receipt = voting_service.cast_ballot(uow, sample.codes[ids[1]], dict(CHOICES), now=now)
    assert len(receipt.receipt) == 64

    _use_keys(monkeypatch, old)  # the former key alone no longer opens the database
    with pytest.raises(keys.KeyMismatch):
        UnitOfWork().__enter__()
    faults_report.add("key: rotation stopped after one batch, run again", attempts=2, faults=1,
                      outcome="all read with the new key alone; open assembly's codes "
                      "accepted; old key refused", lost=0, duplicated=0)


def test_the_local_key_file_is_created_private_and_kept(tmp_path) -> None:
    settings = Settings(var_dir=tmp_path)
    key = settings.resolved_encryption_key()
    assert Settings(var_dir=tmp_path).resolved_encryption_key() == key
    (tmp_path / "local-encryption.key").write_text("garbage")
    with pytest.raises(InvalidKey, match=r"the key file .*local-encryption\.key is not a valid"):
        Settings(var_dir=tmp_path).resolved_encryption_key()


def test_a_database_recreated_at_the_same_address_gets_its_own_key_check(
    coop_env, migrated_template
) -> None:  # type: ignore[no-untyped-def]
    if not Path(migrated_template).exists():
        pytest.skip("recreates the SQLite file in place")
    with UnitOfWork() as uow:
        first = uow.session.scalar(select(KeyCheck.token).where(KeyCheck.name == "canary"))
    dispose_engines()  # as the demo does before it starts again on a fresh file
    database = Path(coop_env.database_url.removeprefix("sqlite:///"))
    for leftover in database.parent.glob(database.name + "*"):
        leftover.unlink()
    shutil.copyfile(migrated_template, database)
    with UnitOfWork() as uow:
        again = uow.session.scalar(select(KeyCheck.token).where(KeyCheck.name == "canary"))
    assert first and again and again != first  # proven (and written) again, not taken from memory
