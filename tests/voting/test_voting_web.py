"""The ballot page: code, agenda in the voter's language, confirm, receipt, refusals,
escaping, throttling; and 200 simultaneous casts of one code over real HTTP."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
from browser_kit import running
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coopflow_cli.ballot_web.app import create_app
from governance.assembly.rules.assembly import CODE_CHARS, check_char
from governance.assembly.rules.voting import WrongCodeThrottle
from governance.db.models.voting import Ballot
from governance.db.uow import UnitOfWork
from seeding.voting import HOSTILE

FORM = {"r_R1": "for", "r_R2": "against", "r_R3": "abstain", "e_E1": ["C1", "C3"]}


def _ballots() -> int:
    with UnitOfWork() as uow:
        return uow.session.scalar(select(func.count()).select_from(Ballot)) or 0


def test_a_voter_follows_the_qr_link_chooses_confirms_and_gets_a_receipt(convene) -> None:
    ga = convene(1)
    client = TestClient(create_app(clock=lambda: ga.now))
    page = client.get(f"/b/{ga.code(0)}")
    assert page.status_code == 200 and "R3." in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    # member text and candidate names come out escaped, never as markup
    assert "&lt;SRL&gt;" in page.text and "<SRL>" not in page.text
    assert "&lt;B&gt;" in page.text
    review = client.post("/confirm", data={"code": ga.code(0), **FORM})
    assert review.status_code == 200 and 'name="e_E1" value="C3"' in review.text
    done = client.post("/cast", data={"code": ga.code(0), **FORM})
    assert done.status_code == 200 and 'id="receipt"' in done.text
    with UnitOfWork() as uow:
        receipt = uow.session.scalar(select(Ballot.receipt))
    assert receipt in done.text
    again = client.post("/ballot", data={"code": ga.code(0)})
    assert again.status_code == 409


def test_too_many_candidates_are_refused_on_the_page(convene) -> None:
    ga = convene(1)
    client = TestClient(create_app(clock=lambda: ga.now))
    page = client.post("/confirm", data={"code": ga.code(0), **FORM, "e_E1": ["C1", "C2", "C3"]})
    assert page.status_code == 400 and 'id="message"' in page.text
    assert _ballots() == 0


def test_the_page_says_when_voting_opens_and_that_it_closed(convene) -> None:
    ga = convene(1)
    early = TestClient(create_app(clock=lambda: ga.now - timedelta(hours=3)))
    page = early.post("/ballot", data={"code": ga.code(0)})
    assert page.status_code == 403 and 'id="message"' in page.text
    late = TestClient(create_app(clock=lambda: ga.now + timedelta(days=3)))
    page = late.get(f"/b/{ga.code(0)}")
    assert page.status_code == 403
    assert late.post("/cast", data={"code": ga.code(0), **FORM}).status_code == 403
    assert _ballots() == 0


def _throttled_app(ga, clock: list[float], **options):  # type: ignore[no-untyped-def]
    throttle = WrongCodeThrottle(burst=3, refill_seconds=30)
    return create_app(clock=lambda: ga.now, throttle=throttle, monotonic=lambda: clock[0],
                      **options)


def _wrong(ga, n: int = 0, prefix: str = "") -> str:  # type: ignore[no-untyped-def]
    """A well-formed code with a valid check character that is nobody's."""
    body = (prefix + secrets.token_hex(20).upper())[: CODE_CHARS - 1]
    return body + check_char(body)


def test_wrong_codes_get_a_clear_message_and_are_slowed_down_per_address(convene) -> None:
    ga = convene(1)
    clock = [1000.0]
    client = TestClient(_throttled_app(ga, clock, trusted_proxies=()))
    for _ in range(3):
        page = client.post("/ballot", data={"code": _wrong(ga), "lang": "en"})
        assert page.status_code == 400 and "not valid" in page.text
    slowed = client.post("/ballot", data={"code": _wrong(ga), "lang": "en"})
    assert slowed.status_code == 429 and "Try again in" in slowed.text
    clock[0] += 31
    assert client.post("/ballot", data={"code": _wrong(ga), "lang": "en"}).status_code == 400


def test_a_right_code_is_never_refused_after_others_wrong_codes_from_the_same_address(
    convene,
) -> None:
    ga = convene(1)
    client = TestClient(_throttled_app(ga, [1000.0], trusted_proxies=()))
    for _ in range(10):  # the neighbours behind the same address exhaust its limit
        client.post("/ballot", data={"code": _wrong(ga), "lang": "en"})
    assert client.post("/ballot", data={"code": _wrong(ga)}).status_code == 429
    page = client.post("/ballot", data={"code": ga.code(0)})
    assert page.status_code == 200 and 'name="r_R1"' in page.text
    assert client.post("/cast", data={"code": ga.code(0), **FORM}).status_code == 200


def test_rotating_x_forwarded_for_from_an_untrusted_client_does_not_reset_the_limit(
    convene,
) -> None:
    ga = convene(1)
    client = TestClient(_throttled_app(ga, [1000.0], trusted_proxies=("10.0.0.1",)),
                        client=("192.0.2.7", 4000))
    statuses = [
        client.post("/ballot", data={"code": _wrong(ga)},
                    headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
        for n in range(6)
    ]
    assert statuses == [400, 400, 400, 429, 429, 429]


def test_behind_a_trusted_proxy_each_forwarded_address_has_its_own_limit(convene) -> None:
    ga = convene(1)
    client = TestClient(_throttled_app(ga, [1000.0], trusted_proxies=("10.0.0.0/8",)),
                        client=("10.0.0.1", 4000))
    # the left-most entry is the client's own word: only the proxy's right-most one counts
    statuses = [
        client.post("/ballot", data={"code": _wrong(ga)},
                    headers={"X-Forwarded-For": f"203.0.113.{n}, 198.51.100.9"}).status_code
        for n in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
    other = client.post("/ballot", data={"code": _wrong(ga)},
                        headers={"X-Forwarded-For": "198.51.100.10"})
    assert other.status_code == 400


def test_guesses_at_one_code_from_many_addresses_are_slowed_down(convene) -> None:
    ga = convene(1)
    client = TestClient(_throttled_app(ga, [1000.0], trusted_proxies=("10.0.0.1",)),
                        client=("10.0.0.1", 4000))
    target = ga.code(0)[:6]
    statuses = [
        client.post("/ballot", data={"code": _wrong(ga, prefix=target)},
                    headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
        for n in range(5)
    ]
    assert statuses == [400, 400, 400, 429, 429]
    assert client.post("/ballot", data={"code": ga.code(0)},
                       headers={"X-Forwarded-For": "198.51.100.99"}).status_code == 200


def test_two_hundred_simultaneous_casts_of_one_code_give_one_ballot(convene) -> None:
    ga = convene(2)
    with running(create_app(clock=lambda: ga.now)) as base:
        def cast(_: int) -> int:
            with httpx.Client(timeout=120) as http:
                return http.post(f"{base}/cast", data={"code": ga.code(0), **FORM}).status_code

        with ThreadPoolExecutor(max_workers=200) as pool:
            statuses = list(pool.map(cast, range(200)))
    assert statuses.count(200) == 1
    assert statuses.count(409) == 199
    assert _ballots() == 1


def test_hostile_text_is_escaped_in_the_code_field(convene) -> None:
    ga = convene(1)
    client = TestClient(create_app(clock=lambda: ga.now))
    page = client.post("/ballot", data={"code": HOSTILE})
    assert page.status_code == 400
    assert "&lt;SRL&gt;" in page.text and "<SRL>" not in page.text


def test_after_closing_a_voter_finds_their_receipt_on_the_page(convene) -> None:
    from governance.assembly.use_cases import voting_closing
    from governance.kernel.rules.actor import Actor

    ga = convene(2)
    client = TestClient(create_app(clock=lambda: ga.now))
    assert client.get(f"/receipts/{ga.assembly_id}").status_code == 404
    done = client.post("/cast", data={"code": ga.code(0), **FORM})
    with UnitOfWork() as uow:
        receipt = uow.session.scalar(select(Ballot.receipt))
        voting_closing.close_voting(uow, ga.assembly_id, now=ga.now, actor=Actor.system("t"),
                                    early=True)
    assert receipt in done.text
    page = client.get(f"/receipts/{ga.assembly_id}", params={"receipt": receipt.upper()})
    assert page.status_code == 200 and 'id="found"' in page.text
    page = client.get(f"/receipts/{ga.assembly_id}", params={"receipt": "ab" * 32})
    assert 'id="not-found"' in page.text
