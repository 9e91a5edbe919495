"""What the ballot page tells the voter, in their language: the assembly, the deadline, the
meeting, who they vote for and with how many votes, the majority of each item; messages of
its own for each refusal (right plurals, no English inside German); review with a way back;
a receipt that names the assembly, the time, where to check it, and can be shown again."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from coopflow_cli.ballot_web.app import create_app
from governance.assembly.use_cases import voting as service
from governance.assembly.use_cases import voting_closing as closing
from governance.db.models.assembly import AssemblyVoter
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language

FORM = {"r_R1": "for", "r_R2": "against", "r_R3": "abstain", "e_E1": ["C1", "C3"]}


def _speak(ga, n: int, language: str) -> None:  # type: ignore[no-untyped-def]
    with UnitOfWork() as uow:
        uow.session.execute(update(AssemblyVoter).where(
            AssemblyVoter.member_id == ga.member_ids[n]).values(language=Language(language)))
        uow.commit()


def _text(html: str) -> str:
    import re
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_ballot_tells_the_deadline_the_meeting_the_votes_and_each_majority(convene) -> None:
    ga = convene(1)
    _speak(ga, 0, "nl")
    client = TestClient(create_app(clock=lambda: ga.now))
    text = _text(client.get(f"/b/{ga.code(0)}").text)
    assert "Gewone algemene vergadering 2026" in text or "Gewone algemene vergadering 2027" in text
    assert "U kunt stemmen tot" in text and "Brusselse tijd" in text
    assert "De vergadering komt samen op" in text and "Saint-Gilles" in text
    assert "U stemt voor" in text and ": 1 stem." in text
    assert "meer dan de helft van de uitgebrachte stemmen" in text
    assert "De 2 kandidaten met de meeste stemmen zijn verkozen." in text
    assert "Kies hoogstens 2 kandidaten." in text and "kandida(a)t" not in text
    assert "Assemblée" not in text and " / " not in text.split("Stemmen op")[0]


def test_too_many_ticks_are_refused_in_german_without_english_and_without_not_recorded(
    convene,
) -> None:
    ga = convene(1)
    _speak(ga, 0, "de")
    client = TestClient(create_app(clock=lambda: ga.now))
    page = client.post("/confirm", data={"code": ga.code(0), **FORM, "e_E1": ["C1", "C2", "C3"]})
    text = _text(page.text)
    assert page.status_code == 400
    assert "Punkt E1: Wählen Sie höchstens 2 Kandidaten; Sie haben 3 angekreuzt." in text
    assert "election" not in text and "candidate" not in text and "nicht registriert" not in text
    assert 'id="item-E1" class="wrong" aria-invalid="true"' in page.text
    assert 'value="C2" checked' in page.text  # the ticks are kept to be corrected


def test_an_unanswered_motion_gets_a_message_on_the_page(convene) -> None:
    ga = convene(1)
    _speak(ga, 0, "fr")
    client = TestClient(create_app(clock=lambda: ga.now))
    ballot = client.get(f"/b/{ga.code(0)}")
    assert " required" not in ballot.text  # no browser pop-up in place of a message
    form = {k: v for k, v in FORM.items() if k != "r_R2"}
    page = client.post("/confirm", data={"code": ga.code(0), **form})
    assert page.status_code == 400
    assert "Vous n'avez rien choisi pour le point R2" in _text(page.text).replace("&#39;", "'")


def test_a_refused_cast_says_not_recorded_in_the_voters_language(convene) -> None:
    ga = convene(1)
    _speak(ga, 0, "nl")
    client = TestClient(create_app(clock=lambda: ga.now))
    page = client.post("/cast", data={"code": ga.code(0), **FORM, "e_E1": ["C1", "C2", "C3"]})
    assert page.status_code == 400
    assert "Uw stem werd niet geregistreerd: Punt E1: kies hoogstens 2 kandidaten; u hebt er 3 " \
           "aangevinkt." in _text(page.text)


def test_the_review_step_goes_back_to_the_ballot_with_the_choices_kept(convene) -> None:
    ga = convene(1)
    client = TestClient(create_app(clock=lambda: ga.now))
    review = client.post("/confirm", data={"code": ga.code(0), **FORM})
    assert 'id="change"' in review.text and 'action="/ballot"' in review.text
    back = client.post("/ballot", data={"code": ga.code(0), **FORM})
    assert back.status_code == 200
    assert 'value="against" checked' in back.text and 'value="C3" checked' in back.text
    titles = {page.text.split("<title>")[1].split("</title>")[0] for page in (review, back)}
    assert len(titles) == 2  # each step has its own tab title


def test_the_receipt_names_the_assembly_time_and_board_and_can_be_shown_again(convene) -> None:
    ga = convene(1)
    _speak(ga, 0, "en")
    client = TestClient(create_app(clock=lambda: ga.now))
    done = client.post("/cast", data={"code": ga.code(0), **FORM})
    text = _text(done.text)
    assert "Assembly: Ordinary general assembly" in text and "Brussels time" in text
    receipt = done.text.split('id="receipt">')[1].split("<")[0]
    assert f'href="/receipts/{ga.assembly_id}?receipt={receipt}' in done.text
    again = client.get(f"/r/{ga.assembly_id}/{receipt}?lang=en")
    assert again.status_code == 200 and receipt in again.text
    assert "Ordinary general assembly" in again.text
    bad = client.get(f"/r/{ga.assembly_id}/not-a-receipt?lang=en")
    assert bad.status_code == 404 and "a receipt has 64 characters" in bad.text


def test_after_an_early_close_the_page_gives_the_day_it_closed_not_the_planned_end(
    convene,
) -> None:
    ga = convene(1)
    _speak(ga, 0, "de")
    closed_at = ga.now + timedelta(hours=1)
    with UnitOfWork() as uow:
        closing.close_voting(uow, ga.assembly_id, now=closed_at, actor=Actor.staff("s"),
                             early=True)
    with UnitOfWork() as uow:
        view = service.ballot_view(uow, ga.code(0), closed_at + timedelta(hours=1))
    assert view.closed_at == closed_at and view.closes_at != closed_at
    client = TestClient(create_app(clock=lambda: closed_at + timedelta(hours=1)))
    page = client.get(f"/b/{ga.code(0)}")
    from documents.formatting import date_time

    assert page.status_code == 403
    assert date_time(closed_at, "de") in page.text
    assert date_time(view.closes_at, "de") not in page.text


def test_the_ballot_links_the_convocation_documents_in_the_voters_language(convene) -> None:
    import io

    import docx

    from tasks.assembly import prepare_shared_documents

    ga = convene(1)
    _speak(ga, 0, "de")
    prepare_shared_documents.fn(ga.assembly_id)
    client = TestClient(create_app(clock=lambda: ga.now))
    page = client.get(f"/b/{ga.code(0)}")
    link = f"/documents/{ga.assembly_id}/convocation.de"
    assert f'href="{link}"' in page.text and "Einberufung und Texte" in page.text
    assert f'href="/documents/{ga.assembly_id}/proxy.de"' in page.text
    got = client.get(link)
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(got.content)).paragraphs)
    assert "Einberufung" in text or "Generalversammlung" in text
    assert client.get(f"/documents/{ga.assembly_id}/../../etc.de").status_code == 404
    assert client.get(f"/documents/{ga.assembly_id}/convocation.xx").status_code == 404
