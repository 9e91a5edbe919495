"""Applying for a grant in the portal: the real app, real SMTP to the local sink, a real
database; the grant use cases underneath are the ones staff and `coop grants` use."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from portal_kit import ONCE, RecordingStarter, csrf, portal_client, sign_in
from sqlalchemy import func, select

from governance.db.models import OutboxMessage, TimelineEvent
from governance.db.models.grants import GrantApplication, GrantBudgetLine
from governance.db.uow import UnitOfWork
from governance.grants.rules.grants import ApplicationStatus, CallKind
from governance.grants.use_cases import grant_awards, grant_ranking, grant_reviews, grants
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.documents import ArchivedDocument
from governance.kernel.rules.enums import DocumentFormat, Language, MemberKind, MemberStatus, Office
from governance.kernel.use_cases.documents import record_documents
from governance.members.rules.members import MemberFacts
from governance.members.use_cases import members

CLOSES = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
NOW = CLOSES - timedelta(days=5)


def make_member(email: str, language: Language = Language.FR) -> int:
    with UnitOfWork() as uow:
        member = members.create_member(
            uow.session,
            MemberFacts(
                kind=MemberKind.PERSON,
                first_name="Zoë",
                last_name="Peeters",
                language=language,
                office=Office.BRUXELLES,
                email=email,
                street="Rue Haute 1",
                postcode="1000",
                city="Bruxelles",
            ),
            Actor.system("test"),
            MemberStatus.ACTIVE,
        )
        uow.commit()
        return member.id


def make_call(name: str = "Salto 2027") -> int:
    spec = grants.CallSpec(
        name=name,
        kind=CallKind.SALTO,
        opens_at=CLOSES - timedelta(days=30),
        closes_at=CLOSES,
        review_due_at=CLOSES + timedelta(days=10),
        budget_cents=300_000,
        min_amount_cents=10_000,
        max_amount_cents=200_000,
        reviewers_per_application=1,
        review_quorum=1,
        criteria=[grants.CriterionSpec(code="quality", label="Qualité", weight=2)],
    )
    with UnitOfWork() as uow:
        return grants.create_call(uow, spec, "anna")


def member_client(
    mail_sink: Any,
    email: str,
    clock: dict[str, datetime] | None = None,
    starter: RecordingStarter | None = None,
) -> Any:
    moment = clock if clock is not None else {"now": NOW}
    client = portal_client(starter, clock=lambda: moment["now"])
    return sign_in(client, mail_sink, email)


def form_of(page: str, **typed: str) -> dict[str, str]:
    fields = {
        "csrf": csrf(page),
        "title": "Tournée <Salto> & co",
        "summary": "Trois dates.",
        "amount": "1 500,50",
        "line1_label": "Voyage",
        "line1_amount": "1000",
        "line2_label": "Logement",
        "line2_amount": "600,50",
    }
    once = ONCE.search(page)
    assert once, "no request key on the form"
    fields["once"] = once.group(1)
    fields.update(typed)
    return fields


@dataclass(frozen=True)
class Stored:
    id: int
    reference: str
    amount_asked_cents: int
    status: ApplicationStatus


def applications() -> list[Stored]:
    with UnitOfWork() as uow:
        rows = uow.session.scalars(select(GrantApplication).order_by(GrantApplication.id))
        return [Stored(a.id, a.reference, a.amount_asked_cents, a.status) for a in rows]


def test_a_member_applies_to_an_open_call_and_reads_that_it_is_received(mail_sink) -> None:  # type: ignore[no-untyped-def]
    make_member("zoe@example.be")
    call_id = make_call()
    starter = RecordingStarter()
    client = member_client(mail_sink, "zoe@example.be", starter=starter)
    home = client.get("/grants")
    assert home.status_code == 200
    assert "Salto 2027" in home.text and "3\u202f000,00" in home.text and "Qualité" in home.text
    assert f'href="/grants/{call_id}/apply"' in home.text
    page = client.get(f"/grants/{call_id}/apply")
    assert page.status_code == 200 and '<label for="line5_amount">' in page.text
    done = client.post(f"/grants/{call_id}/apply", data=form_of(page.text))
    assert done.status_code == 200, done.text
    assert re.search(r"/grants/applications/\d+$", str(done.url))
    assert "Reçue" in done.text and "décisions après le 11 mars 2027" in done.text
    assert "Tournée &lt;Salto&gt; &amp; co" in done.text
    (app,) = applications()
    assert (app.amount_asked_cents, app.status) == (150_050, ApplicationStatus.SUBMITTED)
    with UnitOfWork() as uow:
        lines = (
            uow.session.execute(
                select(GrantBudgetLine.label, GrantBudgetLine.amount_cents).order_by(
                    GrantBudgetLine.id
                )
            )
            .tuples()
            .all()
        )
        acks = uow.session.scalars(select(OutboxMessage.template)).all()
    assert lines == [("Voyage", 100_000), ("Logement", 60_050)]
    assert "grant_ack" in acks
    assert starter.started == {}  # the call's grant-awarding run takes every file at once
    listing = client.get("/grants")
    assert app.reference in listing.text and "Voir ma demande" in listing.text


def test_wrong_fields_are_said_in_the_members_language_and_nothing_is_stored(mail_sink) -> None:  # type: ignore[no-untyped-def]
    make_member("zoe@example.be")
    call_id = make_call()
    client = member_client(mail_sink, "zoe@example.be")
    page = client.get(f"/grants/{call_id}/apply")
    sent = client.post(
        f"/grants/{call_id}/apply",
        data=form_of(page.text, title="", amount="beaucoup", line2_amount="", line3_amount="12"),
    )
    assert sent.status_code == 400
    text = sent.text
    assert "Titre du projet : ce champ est obligatoire." in text
    assert "Montant demandé (€) : écrivez un montant en euros" in text
    assert "Poste 2 : montant (€) : donnez le montant de ce poste" in text
    assert "Poste 3 : libellé : donnez un libellé à ce poste" in text
    assert 'id="title" name="title"' in text and 'aria-invalid="true"' in text
    assert 'value="beaucoup"' in text and 'value="Logement"' in text  # kept as typed
    client.post("/language", data={"csrf": csrf(text), "lang": "nl", "back": "/grants"})
    page = client.get(f"/grants/{call_id}/apply")
    too_much = client.post(
        f"/grants/{call_id}/apply", data=form_of(page.text, amount="2500", line1_amount="3000")
    )
    assert too_much.status_code == 400
    assert "Gevraagd bedrag (€): deze oproep kent hoogstens" in too_much.text
    assert "2.000,00" in too_much.text and "Titel van het project" in too_much.text
    over = client.post(f"/grants/{call_id}/apply", data=form_of(page.text, amount="1700"))
    assert "hoger dan het totaal van het budget" in over.text
    assert applications() == []


def test_a_form_sent_twice_stores_one_application(mail_sink) -> None:  # type: ignore[no-untyped-def]
    make_member("zoe@example.be")
    call_id = make_call()
    client = member_client(mail_sink, "zoe@example.be")
    page = client.get(f"/grants/{call_id}/apply")
    fields = form_of(page.text)
    first = client.post(f"/grants/{call_id}/apply", data=fields)
    again = client.post(f"/grants/{call_id}/apply", data=fields)
    assert first.url == again.url and "already" not in str(again.url)
    assert len(applications()) == 1
    (app,) = applications()
    with UnitOfWork() as uow:
        events = uow.session.scalars(
            select(func.count())
            .select_from(TimelineEvent)
            .where(TimelineEvent.action == "grant_application_submitted")
        ).one()
    assert events == 1
    # a second, new form for the same call shows the application already there
    other = client.post(f"/grants/{call_id}/apply", data={**fields, "once": "another-form"})
    assert "Vous aviez déjà introduit une demande pour cet appel" in other.text
    assert client.get(f"/grants/{call_id}/apply").url == other.url
    assert [a.id for a in applications()] == [app.id]


def test_another_members_application_and_letter_are_not_found(mail_sink) -> None:  # type: ignore[no-untyped-def]
    make_member("zoe@example.be")
    make_member("jan@example.be", Language.NL)
    call_id = make_call()
    zoe = member_client(mail_sink, "zoe@example.be")
    page = zoe.get(f"/grants/{call_id}/apply")
    mine = zoe.post(f"/grants/{call_id}/apply", data=form_of(page.text))
    path = str(mine.url).split("8770", 1)[1]
    jan = member_client(mail_sink, "jan@example.be")
    for url in (
        path,
        f"{path}/letter",
        "/grants/applications/999999",
        "/grants/999/apply",
        "/grants/applications/abc",
    ):
        seen = jan.get(url)
        assert seen.status_code == 404, url
        assert "Tournée" not in seen.text
    assert zoe.get(f"{path}/letter").status_code == 404  # no letter yet
    applicant = sign_in(portal_client(), mail_sink, "not.member@example.be")
    assert applicant.get("/grants").status_code == 404


def test_a_form_without_its_csrf_token_stores_nothing(mail_sink) -> None:  # type: ignore[no-untyped-def]
    make_member("zoe@example.be")
    call_id = make_call()
    client = member_client(mail_sink, "zoe@example.be")
    page = client.get(f"/grants/{call_id}/apply")
    refused = client.post(f"/grants/{call_id}/apply", data=form_of(page.text, csrf="0" * 64))
    assert refused.status_code == 400 and "Ce formulaire a expiré" in refused.text
    assert applications() == []


def test_the_form_is_refused_after_the_deadline(mail_sink) -> None:  # type: ignore[no-untyped-def]
    make_member("zoe@example.be")
    call_id = make_call()
    clock = {"now": CLOSES - timedelta(minutes=5)}
    client = member_client(mail_sink, "zoe@example.be", clock)
    page = client.get(f"/grants/{call_id}/apply")
    clock["now"] = CLOSES + timedelta(minutes=1)
    late = client.post(f"/grants/{call_id}/apply", data=form_of(page.text))
    assert late.status_code == 410
    assert (
        "ne reçoit pas de demandes maintenant" in late.text
        and "Rien n&#39;a été enregistré" in late.text
    )
    assert client.get(f"/grants/{call_id}/apply").status_code == 410
    assert "Aucun appel n&#39;est ouvert" in client.get("/grants").text
    assert applications() == []


def _decide(call_id: int, reference: str) -> None:
    """Screen, review, rank, board, awards: the grant-awarding run's steps, by their use cases."""
    after = CLOSES + timedelta(hours=1)
    with UnitOfWork() as uow:
        grant_reviews.add_reviewer(
            uow,
            call_id,
            grant_reviews.ReviewerSpec(login="r1", name="R1", email="r1@smart.example"),
            "anna",
        )
    with UnitOfWork() as uow:
        grants.screen_call(uow, call_id, after)
    with UnitOfWork() as uow:
        grant_reviews.assign_reviewers(uow, call_id, after)
    with UnitOfWork() as uow:
        grant_reviews.submit_review(uow, call_id, reference, "r1", {"quality": 8}, after)
    with UnitOfWork() as uow:
        grant_ranking.rank_call(uow, call_id, CLOSES + timedelta(days=11))
    with UnitOfWork() as uow:
        grant_awards.record_board_decision(uow, call_id, "board", [], "", after)
    with UnitOfWork() as uow:
        grant_awards.finalise_awards(uow, call_id, after)


def test_an_awarded_application_shows_its_amount_and_its_letter_downloads(
    mail_sink, coop_env
) -> None:  # type: ignore[no-untyped-def]
    member_id = make_member("zoe@example.be")
    call_id = make_call()
    client = member_client(mail_sink, "zoe@example.be")
    page = client.get(f"/grants/{call_id}/apply")
    done = client.post(f"/grants/{call_id}/apply", data=form_of(page.text))
    path = str(done.url).split("8770", 1)[1]
    (app,) = applications()
    _decide(call_id, app.reference)
    status = client.get(path)
    assert "Accordée : 1\u202f500,50" in status.text and "en préparation" in status.text
    letter = b"PK fake letter for the test"
    relative = f"grants/{app.reference}.docx"
    (coop_env.archive / "grants").mkdir(parents=True, exist_ok=True)
    (coop_env.archive / relative).write_bytes(letter)
    with UnitOfWork() as uow:
        record_documents(
            uow.session,
            [
                ArchivedDocument(
                    key=grant_awards.letter_key(app.reference),
                    template="grant_award",
                    template_version="test",
                    language=Language.FR,
                    format=DocumentFormat.DOCX,
                    path=relative,
                    sha256=hashlib.sha256(letter).hexdigest(),
                    size_bytes=len(letter),
                    member_id=member_id,
                    subject_type="grant_application",
                    subject_id=app.reference,
                )
            ],
        )
        uow.commit()
    listing = client.get("/grants")
    assert f'href="{path}/letter"' in listing.text and "Accordée" in listing.text
    download = client.get(f"{path}/letter")
    assert download.status_code == 200 and download.content == letter
    assert app.reference in download.headers["content-disposition"]


def test_the_grant_words_exist_in_the_four_languages() -> None:
    from coopflow_cli.portal.labels import grants as words

    keys = [set(words.LABELS[lang]) for lang in ("fr", "nl", "de", "en")]
    assert keys[0] == keys[1] == keys[2] == keys[3]
    english = words.LABELS["en"]
    for lang in ("fr", "nl", "de"):
        same = [k for k, v in words.LABELS[lang].items() if v == english[k] and len(v) > 12]
        assert same == [], (lang, same)


def test_two_requests_of_one_form_at_once_store_one_application(coop_env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The race the database decides: both passed the first look, one insert wins, the
    other finds the winner's file by its request key (and a different form is refused)."""
    import pytest

    from governance.grants.rules.grants import DuplicateApplication
    from governance.grants.use_cases import grants_portal

    member_id = make_member("zoe@example.be")
    call_id = make_call()
    spec = grants.ApplicationSpec(
        member_id=member_id,
        project_title="Tournée",
        summary="Trois dates.",
        amount_asked_cents=50_000,
        submitted_at=NOW,
        budget_lines=[grants.BudgetLineSpec(label="Voyage", amount_cents=50_000)],
    )
    with UnitOfWork() as uow:
        first = grants_portal.apply_for_grant(uow, call_id, spec, "portal:grant:1:abc")
    real = grants_portal.already_applied
    looks: list[int] = []

    def first_look_misses(*args: Any) -> Any:
        looks.append(1)
        return None if len(looks) == 1 else real(*args)

    monkeypatch.setattr(grants_portal, "already_applied", first_look_misses)
    with UnitOfWork() as uow:
        second = grants_portal.apply_for_grant(uow, call_id, spec, "portal:grant:1:abc")
    assert (second.application_id, second.repeated) == (first.application_id, True)
    looks.clear()
    with pytest.raises(DuplicateApplication), UnitOfWork() as uow:
        grants_portal.apply_for_grant(uow, call_id, spec, "portal:grant:1:other")
    assert len(applications()) == 1
