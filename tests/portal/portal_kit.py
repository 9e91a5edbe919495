"""The portal under test: the real app (TestClient or uvicorn), mail delivered at once to the
real local SMTP sink, deployments recorded instead of started (the browser journey in
tests/e2e starts real ones)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from coopflow_cli.portal.app import create_app
from governance.config import get_settings

LINK = re.compile(r"https?://\S+/link/[A-Za-z0-9_-]+")
CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
_NUMBERS = itertools.count(1)
ONCE = re.compile(r'name="once" value="([A-Za-z0-9_-]+)"')


@dataclass
class RecordingStarter:
    """Records the runs the portal asks for; one per idempotency key, as the server does."""

    started: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    resumed: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def start(self, deployment: str, parameters: dict[str, Any], key: str) -> str:
        self.started.setdefault(key, (deployment, parameters))
        return f"run-{list(self.started).index(key) + 1}"

    def resume(self, run_id: str, run_input: dict[str, Any]) -> None:
        self.resumed.append((run_id, run_input))

    def runs(self, deployment: str) -> list[dict[str, Any]]:
        return [p for d, p in self.started.values() if d == deployment]


def send_at_once(key: str) -> None:
    """Deliver the message now, in the request (tests read the sink right after)."""
    from tasks.mail import deliver_pending

    deliver_pending(get_settings(), keys_prefix=key)


def portal_client(
    starter: RecordingStarter | None = None, base_url: str = "http://127.0.0.1:8770", **kwargs: Any
) -> TestClient:
    app = create_app(starter=starter or RecordingStarter(), send_now=send_at_once, **kwargs)
    return TestClient(app, base_url=base_url, follow_redirects=True)


def csrf(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def last_link(sink: Any, to: str) -> str:
    """The sign-in link in the last message the sink received for `to`."""
    for message in reversed(sink.parsed()):
        if to.lower() in str(message["To"]).lower():
            body = message.get_body(("plain",)).get_content()
            found = LINK.search(body)
            assert found, body
            return found.group(0)
    raise AssertionError(f"no message to {to}")


def sign_in(client: TestClient, sink: Any, email: str) -> TestClient:
    """Ask for a link, open it, press the button: the client is signed in."""
    home = client.get("/")
    client.post("/sign-in", data={"email": email, "csrf": csrf(home.text)})
    link = last_link(sink, email)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}")
    assert page.status_code == 200, page.text
    done = client.post(f"/{path}", data={"csrf": csrf(page.text)})
    assert done.status_code == 200 and "/me" in str(done.url), done.text
    return client


def active_member(email: str, language: Any = None, shares_held: int = 3, office: Any = None) -> int:
    """An active member with this e-mail address (and paid shares subscribed this year)."""
    from governance.clock import brussels_date, utcnow
    from governance.db.uow import UnitOfWork
    from governance.kernel.rules.actor import Actor
    from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
    from governance.members.rules.members import MemberFacts
    from governance.members.use_cases import members
    from governance.register.use_cases import share_payments, shares

    n = next(_NUMBERS)
    facts = MemberFacts(
        kind=MemberKind.PERSON, first_name="Zoë", last_name=f"Lambert {n}",
        language=language or Language.FR, office=office or Office.GENT, email=email,
        street="Kerkstraat 1", postcode="9000", city="Gent",
    )
    with UnitOfWork() as uow:
        member_id = members.create_member(
            uow.session, facts, Actor.system("test"), MemberStatus.ACTIVE
        ).id
        uow.commit()
    if shares_held:
        now = utcnow()
        with UnitOfWork() as uow:
            sub = shares.subscribe(uow.session, member_id=member_id, share_class="A",
                                   shares=shares_held, actor=Actor.staff("anna"), now=now)
            share_payments.record_payment(uow.session, subscription_id=sub.id,
                                  amount_cents=sub.amount_cents, paid_on=brussels_date(now),
                                  actor=Actor.staff("anna"), bank_reference=f"B{member_id}")
            uow.commit()
    return member_id
