"""My shares and subscribing shares in the portal: the real app, real SMTP to the local sink,
the real database; the share-subscription process recorded (its parameters checked against
the flow's own model)."""

from __future__ import annotations

import base64
import itertools
import re
from datetime import timedelta
from typing import Any

from portal_kit import ONCE, RecordingStarter, csrf, portal_client, sign_in
from sqlalchemy import func, select

from coopflow_cli.portal import shares as shares_pages
from coopflow_cli.portal.processes import ProcessNotStarted
from documents.transition_docs import payment_qr_png
from flows.share_subscription import SubscriptionParameters
from governance.clock import business_today
from governance.db.models import OutboxMessage, RegisterEntry, ShareSubscription
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
from governance.members.rules.members import MemberFacts
from governance.members.use_cases import members
from governance.register.use_cases import share_payments, shares, unpaid_subscriptions
from governance.transition.rules.transition import parse_epc_payload
from tasks.shares import issue_certificate

_numbers = itertools.count(1)
DEPLOYMENT = "share-subscription"


def _member(email: str, language: Language = Language.FR) -> int:
    n = next(_numbers)
    facts = MemberFacts(
        kind=MemberKind.PERSON, first_name="Alex", last_name=f"Portal{n}", language=language,
        office=Office.BRUXELLES, email=email, street="Rue Haute 1", postcode="1000",
        city="Bruxelles",
    )
    with UnitOfWork() as uow:
        member = members.create_member(uow.session, facts, Actor.system("test"),
                                       MemberStatus.ACTIVE)
        uow.commit()
        return member.id


def _signed_in(mail_sink: Any, email: str, language: Language = Language.FR,
               starter: Any = None) -> tuple[Any, int, Any]:
    member_id = _member(email, language)
    starter = starter or RecordingStarter()
    client = sign_in(portal_client(starter), mail_sink, email)
    return client, member_id, starter


def _form(client: Any) -> dict[str, str]:
    page = client.get("/shares/subscribe")
    assert page.status_code == 200, page.text
    once = ONCE.search(page.text)
    assert once, "no once token on the form"
    return {"csrf": csrf(page.text), "once": once.group(1)}


def _subscriptions(member_id: int) -> list[ShareSubscription]:
    with UnitOfWork() as uow:
        rows = uow.session.scalars(select(ShareSubscription).where(
            ShareSubscription.member_id == member_id)).all()
        uow.session.expunge_all()
        return list(rows)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u202f", " ").replace(
        "\xa0", " ")


def _main(html: str) -> str:
    return html.split('<main id="main">', 1)[1]


def test_a_member_subscribes_and_sees_how_to_pay_with_a_qr_their_bank_reads(
    mail_sink, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    made: list[str] = []

    def recording_qr(payload: str) -> bytes:
        made.append(payload)
        return payment_qr_png(payload)

    monkeypatch.setattr(shares_pages, "payment_qr_png", recording_qr)
    client, member_id, starter = _signed_in(mail_sink, "sub.fr@example.be")
    page = client.post("/shares/subscribe", data={**_form(client), "share_class": "A",
                                                  "shares": "2"})
    assert page.status_code == 200, page.text
    [sub] = _subscriptions(member_id)
    assert str(page.url).endswith(f"/shares/subscription/{sub.id}")
    assert (sub.shares, sub.amount_cents, sub.status) == (2, 6000, "awaiting_payment")
    text = _text(page.text)
    communication = f"+++{sub.structured_communication[:3]}/{sub.structured_communication[3:7]}/" \
                    f"{sub.structured_communication[7:]}+++"
    assert "En attente de votre paiement" in text
    assert "60,00 €" in text and "BE71 0961 2345 6769" in text and "GKCCBEBB" in text
    assert communication in text
    due = business_today() + timedelta(days=10)
    assert f"{due.day} " in text and str(due.year) in text
    # the QR: the EPC069-12 text of this very payment, drawn as the payment letters draw it
    payload = made[-1]
    assert payload.split("\n") == ["BCD", "002", "1", "SCT", "GKCCBEBB", "SmartCoop SC",
                                   "BE71096123456769", "EUR60.00", "",
                                   sub.structured_communication, ""]
    read = parse_epc_payload(payload)
    assert (read.amount_cents, read.reference) == (6000, sub.structured_communication)
    png = base64.b64encode(payment_qr_png(payload)).decode()
    assert f'src="data:image/png;base64,{png}"' in page.text
    # one process, with the parameters the flow itself accepts, keyed by the form
    [(deployment, parameters)] = starter.started.values()
    assert deployment == DEPLOYMENT
    params = SubscriptionParameters(**parameters["params"])
    assert (params.member_id, params.share_class, params.shares) == (member_id, "A", 2)
    assert params.request_key == sub.request_key == next(iter(starter.started))
    with UnitOfWork() as uow:
        kinds = uow.session.scalars(select(RegisterEntry.kind).where(
            RegisterEntry.subscription_id == sub.id)).all()
        mails = uow.session.scalars(select(OutboxMessage.template).where(
            OutboxMessage.member_id == member_id)).all()
    assert kinds == ["subscription"] and "share_payment_instructions" in mails
    overview = _text(client.get("/shares").text)
    assert f"Souscription n° {sub.id}" in overview and communication in overview


def test_a_double_click_a_resent_form_and_a_reload_make_one_subscription_and_one_run(
    mail_sink
) -> None:  # type: ignore[no-untyped-def]
    client, member_id, starter = _signed_in(mail_sink, "double@example.be")
    form = {**_form(client), "share_class": "A", "shares": "3"}
    first = client.post("/shares/subscribe", data=form)
    second = client.post("/shares/subscribe", data=form)
    assert first.status_code == second.status_code == 200
    assert first.url == second.url
    client.get("/shares")
    client.get(str(first.url))
    assert len(_subscriptions(member_id)) == 1
    assert len(starter.runs(DEPLOYMENT)) == 1
    another = client.post("/shares/subscribe", data={**_form(client), "share_class": "A",
                                                     "shares": "1"})
    assert another.status_code == 200
    assert len(_subscriptions(member_id)) == 2 and len(starter.runs(DEPLOYMENT)) == 2


def test_wrong_fields_are_said_in_french_and_nothing_is_stored(mail_sink) -> None:  # type: ignore[no-untyped-def]
    client, member_id, starter = _signed_in(mail_sink, "errors.fr@example.be")
    page = client.post("/shares/subscribe", data={**_form(client), "share_class": "Z",
                                                  "shares": "deux"})
    assert page.status_code == 400
    text = _text(page.text)
    assert "Écrivez un nombre entier de parts, par exemple 2." in text
    assert "Choisissez une des catégories proposées." in text
    assert 'id="shares" name="shares" value="deux"' in page.text
    assert 'aria-invalid="true"' in page.text and 'href="#shares"' in page.text
    too_many = client.post("/shares/subscribe", data={**_form(client), "share_class": "B",
                                                      "shares": "10001"})
    assert "Au plus 10 000 parts par souscription." in _text(too_many.text)
    assert 'value="B" selected' in too_many.text
    squared = client.post("/shares/subscribe", data={**_form(client), "share_class": "A",
                                                     "shares": "2²"})
    assert "Écrivez un nombre entier" in _text(squared.text)
    assert _subscriptions(member_id) == [] and starter.started == {}


def test_wrong_fields_are_said_in_dutch(mail_sink) -> None:  # type: ignore[no-untyped-def]
    client, member_id, starter = _signed_in(mail_sink, "errors.nl@example.be", Language.NL)
    page = client.post("/shares/subscribe", data={**_form(client), "share_class": "A",
                                                  "shares": "0"})
    assert page.status_code == 400
    text = _text(page.text)
    assert "Volgens de statuten is het minimum in deze categorie 1." in text
    assert "Aantal aandelen" in text and "Nombre" not in text
    assert _subscriptions(member_id) == [] and starter.started == {}


def test_a_form_without_its_token_subscribes_nothing(mail_sink) -> None:  # type: ignore[no-untyped-def]
    client, member_id, starter = _signed_in(mail_sink, "csrf@example.be")
    form = {**_form(client), "share_class": "A", "shares": "2", "csrf": "0" * 64}
    refused = client.post("/shares/subscribe", data=form)
    assert refused.status_code == 400
    assert _subscriptions(member_id) == [] and starter.started == {}


def test_another_members_subscription_and_certificate_are_not_found(mail_sink) -> None:  # type: ignore[no-untyped-def]
    owner, owner_id, _ = _signed_in(mail_sink, "owner@example.be")
    owner.post("/shares/subscribe", data={**_form(owner), "share_class": "A", "shares": "1"})
    [sub] = _subscriptions(owner_id)
    _pay_and_certify(sub.id, sub.amount_cents)
    assert owner.get(f"/shares/certificate/{sub.id}").status_code == 200
    other, _, _ = _signed_in(mail_sink, "other@example.be")
    missing = other.get("/shares/subscription/999999")
    for path in (f"/shares/subscription/{sub.id}", f"/shares/certificate/{sub.id}",
                 "/shares/certificate/999999", "/shares/subscription/abc"):
        page = other.get(path)
        assert page.status_code == 404, path
        assert _main(page.text) == _main(missing.text)  # the same answer as a missing one
    assert sub.structured_communication not in other.get("/shares").text


def test_an_applicant_has_no_shares_page(mail_sink) -> None:  # type: ignore[no-untyped-def]
    client = sign_in(portal_client(), mail_sink, "applicant@example.be")
    assert client.get("/shares").status_code == 404
    assert client.get("/shares/subscribe").status_code == 404


def _pay_and_certify(sub_id: int, cents: int, certify: bool = True) -> None:
    with UnitOfWork() as uow:
        share_payments.record_payment(uow.session, subscription_id=sub_id, amount_cents=cents,
                              paid_on=business_today(), actor=Actor.staff("anna"),
                              bank_reference=f"B{sub_id}")
        uow.commit()
    if certify:
        assert issue_certificate.fn(sub_id)


def test_the_status_goes_from_payment_to_paid_to_the_certificate_download(mail_sink) -> None:  # type: ignore[no-untyped-def]
    client, member_id, _ = _signed_in(mail_sink, "steps@example.be", Language.EN)
    page = client.post("/shares/subscribe", data={**_form(client), "share_class": "A",
                                                  "shares": "2"})
    [sub] = _subscriptions(member_id)
    assert 'aria-current="step"><strong>We are waiting for your transfer' in page.text
    _pay_and_certify(sub.id, 6000, certify=False)
    paid = client.get(f"/shares/subscription/{sub.id}")
    text = _text(paid.text)
    assert "Paid: certificate being prepared" in text and "How to pay" not in text
    assert "/shares/certificate/" not in paid.text
    assert client.get(f"/shares/certificate/{sub.id}").status_code == 404
    overview = _text(client.get("/shares").text)
    assert "A — Users of the services 2 €30.00 €60.00 €60.00" in overview
    assert "Subscription Shares issued" not in overview  # kinds are listed one per entry
    for kind in ("Subscription", "Payment received", "Shares issued"):
        assert kind in overview
    assert issue_certificate.fn(sub.id)
    ready = client.get(f"/shares/subscription/{sub.id}")
    assert "Paid: certificate available" in _text(ready.text)
    assert f'href="/shares/certificate/{sub.id}"' in ready.text
    download = client.get(f"/shares/certificate/{sub.id}")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "Share%20certificate.docx" in download.headers["content-disposition"]
    assert download.content[:2] == b"PK"


def test_a_cancelled_subscription_says_so(mail_sink) -> None:  # type: ignore[no-untyped-def]
    client, member_id, _ = _signed_in(mail_sink, "cancel@example.be", Language.DE)
    client.post("/shares/subscribe", data={**_form(client), "share_class": "A", "shares": "1"})
    [sub] = _subscriptions(member_id)
    with UnitOfWork() as uow:  # the process asks staff, staff cancel
        unpaid_subscriptions.payment_confirmation_request(uow.session, sub.id)
        unpaid_subscriptions.apply_payment_confirmation(uow.session, subscription_id=sub.id,
                                          decision={"decision": "cancel"}, staff="anna")
        uow.commit()
    text = _text(client.get(f"/shares/subscription/{sub.id}").text)
    assert "Storniert" in text and "So zahlen Sie" not in text


class AwayThenBack(RecordingStarter):
    """The orchestration server is away until `back` is set."""

    back = False

    def start(self, deployment: str, parameters: dict[str, Any], key: str) -> str:
        if not self.back:
            raise ProcessNotStarted("connection refused")
        return super().start(deployment, parameters, key)


def test_a_subscription_saved_while_the_server_is_away_starts_its_process_later(
    mail_sink
) -> None:  # type: ignore[no-untyped-def]
    starter = AwayThenBack()
    client, member_id, _ = _signed_in(mail_sink, "away@example.be", starter=starter)
    saved = client.post("/shares/subscribe", data={**_form(client), "share_class": "A",
                                                   "shares": "2"})
    assert saved.status_code == 503
    [sub] = _subscriptions(member_id)
    waiting = client.get("/shares")
    assert waiting.status_code == 200
    assert "Votre souscription est bien enregistrée" in _text(waiting.text)
    starter.back = True
    shown = client.get("/shares")
    assert "Votre souscription est bien enregistrée" not in _text(shown.text)
    client.get("/shares")
    [(deployment, parameters)] = starter.started.values()
    assert deployment == DEPLOYMENT and parameters["params"]["request_key"] == sub.request_key
    with UnitOfWork() as uow:  # the process asked staff: the page no longer starts it
        unpaid_subscriptions.payment_confirmation_request(uow.session, sub.id)
        uow.commit()
    starter.back = False
    assert "Votre souscription est bien enregistrée" not in _text(client.get("/shares").text)
    with UnitOfWork() as uow:
        count = uow.session.scalar(select(func.count(ShareSubscription.id)))
    assert count == 1


def test_shares_taken_over_from_the_former_register_promise_no_certificate(mail_sink) -> None:  # type: ignore[no-untyped-def]
    client, member_id, starter = _signed_in(mail_sink, "former@example.be", Language.NL)
    with UnitOfWork() as uow:  # as the takeover keys them
        view = shares.subscribe(uow.session, member_id=member_id, share_class="A", shares=3,
                                actor=Actor.system("import"), request_key="import:M1:2")
        uow.commit()
    _pay_and_certify(view.id, 9000, certify=False)
    text = _text(client.get(f"/shares/subscription/{view.id}").text)
    assert "Betaald: aandelen ingeschreven in het register" in text
    assert "certificaat in voorbereiding" not in text
    assert starter.started == {}  # not made in the portal: its process is not the portal's


def test_the_shares_words_exist_in_the_four_languages_and_are_translated() -> None:
    from coopflow_cli.portal.labels.shares import LABELS

    keys = set(LABELS["en"])
    assert all(set(LABELS[lang]) == keys for lang in ("fr", "nl", "de"))
    assert all(key.startswith("shares_") for key in keys)
    same_everywhere = {"shares_pay_iban", "shares_pay_bic", "shares_col_date"}  # "Date" in fr too
    for lang in ("fr", "nl", "de"):
        untranslated = {k for k in keys - same_everywhere if LABELS[lang][k] == LABELS["en"][k]}
        assert untranslated == set(), lang


def test_a_member_who_was_excluded_is_offered_no_subscription(mail_sink) -> None:  # type: ignore[no-untyped-def]
    from governance.db.models import Member

    client, member_id, starter = _signed_in(mail_sink, "left@example.be")
    form = _form(client)
    with UnitOfWork() as uow:  # as the exclusion leaves the member (status only matters here)
        member = uow.session.get(Member, member_id)
        assert member is not None
        member.status = MemberStatus.EXCLUDED
        uow.commit()
    assert 'id="subscribe-link"' not in client.get("/shares").text
    page = client.get("/shares/subscribe")
    assert page.status_code == 403 and "ne permet plus de souscrire" in _text(page.text)
    refused = client.post("/shares/subscribe", data={**form, "share_class": "A", "shares": "1"})
    assert refused.status_code == 403
    assert _subscriptions(member_id) == [] and starter.started == {}
