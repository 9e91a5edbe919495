"""Signing in to the portal with a one-time link: real SMTP to the local sink, the real app."""

from __future__ import annotations

from datetime import timedelta
from http.cookies import Morsel, SimpleCookie
from typing import Any

from fastapi.testclient import TestClient
from portal_kit import csrf, last_link, portal_client, sign_in

from governance.clock import utcnow
from governance.config import reset_settings


def _session_cookie(client: TestClient, sink: Any, email: str) -> Morsel[str]:
    """Sign in by hand and return the session cookie exactly as the portal set it."""
    home = client.get("/")
    client.post("/sign-in", data={"email": email, "csrf": csrf(home.text)})
    path = "/" + last_link(sink, email).split("://", 1)[1].split("/", 1)[1]
    page = client.get(path)
    done = client.post(path, data={"csrf": csrf(page.text)}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("/me"), done.text
    for header in done.headers.get_list("set-cookie"):
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        if "coop_session" in jar:
            return jar["coop_session"]
    raise AssertionError(f"no session cookie in {done.headers.get_list('set-cookie')}")


def test_a_new_address_gets_a_link_and_signs_in_as_an_applicant(mail_sink) -> None:  # type: ignore[no-untyped-def]
    client = portal_client()
    cookie = _session_cookie(client, mail_sink, "new.person@example.be")
    assert len(cookie.value) >= 32
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "lax"
    assert cookie["path"] == "/"
    # served over http here: a Secure cookie would never come back
    assert not cookie["secure"]
    page = client.get("/me")
    assert page.status_code == 200
    assert 'href="/apply"' in page.text
    assert page.headers["x-frame-options"] == "DENY"


def test_behind_https_the_session_cookie_is_sent_only_over_https(mail_sink, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COOP_PORTAL_BASE_URL", "https://portal.example.be")
    reset_settings()
    client = portal_client(base_url="https://portal.example.be")
    cookie = _session_cookie(client, mail_sink, "secure.person@example.be")
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "lax"
    assert cookie["path"] == "/"
    link = last_link(mail_sink, "secure.person@example.be")
    assert link.startswith("https://portal.example.be/link/")
    assert client.get("/me").status_code == 200


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(mail_sink) -> None:  # type: ignore[no-untyped-def]
    client = portal_client()
    home = client.get("/")
    known = client.post("/sign-in", data={"email": "x@example.be", "csrf": csrf(home.text)})
    unknown = client.post("/sign-in", data={"email": "y@example.be", "csrf": csrf(home.text)})
    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text


def test_a_link_works_once(mail_sink) -> None:  # type: ignore[no-untyped-def]
    client = portal_client()
    sign_in(client, mail_sink, "once@example.be")
    link = last_link(mail_sink, "once@example.be")
    again = client.get(link.split("8770", 1)[-1] if "8770" in link else link)
    assert again.status_code == 410


def test_a_link_opened_in_another_browser_signs_nobody_in(mail_sink) -> None:  # type: ignore[no-untyped-def]
    asking = portal_client()
    home = asking.get("/")
    asking.post("/sign-in", data={"email": "victim@example.be", "csrf": csrf(home.text)})
    link = last_link(mail_sink, "victim@example.be")
    other = portal_client()
    page = other.get(link)
    assert page.status_code == 403
    assert other.get("/me").status_code == 401


def test_a_form_without_its_token_changes_nothing(mail_sink) -> None:  # type: ignore[no-untyped-def]
    client = portal_client()
    client.get("/")
    refused = client.post("/sign-in", data={"email": "z@example.be", "csrf": "0" * 64})
    assert refused.status_code == 400
    assert mail_sink.messages() == []


def test_an_expired_link_is_refused(mail_sink) -> None:  # type: ignore[no-untyped-def]
    later = {"now": utcnow()}
    client = portal_client(clock=lambda: later["now"])
    home = client.get("/")
    client.post("/sign-in", data={"email": "late@example.be", "csrf": csrf(home.text)})
    link = last_link(mail_sink, "late@example.be")
    later["now"] += timedelta(minutes=16)
    assert client.get(link).status_code == 410


def test_an_erased_member_can_no_longer_sign_in_and_leaves_no_address(mail_sink) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from governance.db.models.portal import PortalLink, PortalSession
    from governance.db.uow import UnitOfWork
    from governance.members.use_cases import portal_access

    client = portal_client()
    sign_in(client, mail_sink, "leaving@example.be")
    with UnitOfWork() as uow:
        portal_access.forget_person(uow, "Leaving@example.be", member_id=0)
        uow.commit()
        assert uow.session.scalar(select(func.count(PortalLink.id))) == 0
        assert uow.session.scalar(select(func.count(PortalSession.id))) == 0
    assert client.get("/me").status_code == 401


def test_too_many_forms_from_one_address_are_slowed_down_in_words(mail_sink) -> None:  # type: ignore[no-untyped-def]
    from coopflow_cli.portal.web import Bucket

    client = portal_client()
    client.app.state.portal.post_limit = Bucket(limit=2, window_seconds=600)  # type: ignore[attr-defined]
    home = client.get("/?lang=en")
    for address in ("a@example.be", "b@example.be"):
        assert client.post("/sign-in?lang=en", data={"email": address, "csrf": csrf(home.text)}).status_code == 200
    third = client.post("/sign-in?lang=en", data={"email": "c@example.be", "csrf": csrf(home.text)})
    assert third.status_code == 429
    assert "Too many requests from your connection" in third.text
    assert len(mail_sink.messages()) == 2


def test_after_an_erased_members_links_are_deleted_the_next_person_still_gets_their_link(
    mail_sink,
) -> None:  # type: ignore[no-untyped-def]
    """An erasure deletes the member's links; SQLite then gives the next link the same row id.
    The e-mail's key must not repeat, or the next person's link looks sent already."""
    from portal_kit import active_member

    from governance.db.uow import UnitOfWork
    from governance.members.use_cases import portal_access

    leaving = active_member("wout.leaving@example.be", shares_held=0)
    client = portal_client()
    home = client.get("/")
    client.post("/sign-in", data={"email": "wout.leaving@example.be", "csrf": csrf(home.text)})
    assert last_link(mail_sink, "wout.leaving@example.be")
    with UnitOfWork() as uow:
        assert portal_access.forget_person(uow, "wout.leaving@example.be", leaving) == 1
        uow.commit()
    other = portal_client()
    home = other.get("/")
    other.post("/sign-in", data={"email": "noor.next@example.be", "csrf": csrf(home.text)})
    assert last_link(mail_sink, "noor.next@example.be")  # reached the SMTP sink
