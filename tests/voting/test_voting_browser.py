"""The ballot page in a real headless Chromium: QR link, choose, review, confirm, receipt."""

from __future__ import annotations

from pathlib import Path

from browser_kit import needs_chromium, only_loopback, running
from sqlalchemy import select

from coopflow_cli.ballot_web.app import create_app
from governance.db.models.voting import Ballot
from governance.db.uow import UnitOfWork

ARTIFACTS = Path(__file__).resolve().parents[1] / "_artifacts"

pytestmark = needs_chromium


def test_a_voter_votes_in_chromium_and_keeps_the_receipt(convene, browser) -> None:
    ga = convene(1)
    ARTIFACTS.mkdir(exist_ok=True)
    with running(create_app(clock=lambda: ga.now)) as base:
        context = browser.new_context(locale="en-GB")
        context.route("**/*", only_loopback)
        page = context.new_page()
        # A wrong code first: a clear message, nothing recorded.
        page.goto(f"{base}/?lang=en")
        page.fill("#code", "not a code")
        page.click("#continue")
        assert "typing error" in page.inner_text("#message")
        # The QR link, then the choices.
        page.goto(f"{base}/b/{ga.code(0)}")
        page.wait_for_selector("#item-E1")
        page.screenshot(path=str(ARTIFACTS / "ballot-agenda.png"), full_page=True)
        page.check("input[name=r_R1][value=for]")
        page.check("input[name=r_R2][value=against]")
        page.check("input[name=r_R3][value=abstain]")
        page.check("input[name=e_E1][value=C2]")
        page.click("#review")
        page.wait_for_selector("#summary")
        page.click("#confirm")
        receipt = page.inner_text("#receipt").strip()
        page.screenshot(path=str(ARTIFACTS / "ballot-receipt.png"), full_page=True)
    with UnitOfWork() as uow:
        ballot = uow.session.scalars(select(Ballot)).one()
        stored_receipt, choices = ballot.receipt, ballot.choices
    assert stored_receipt == receipt
    assert choices == {"R1": "for", "R2": "against", "R3": "abstain", "E1": ["C2"]}
    assert (ARTIFACTS / "ballot-receipt.png").stat().st_size > 5000
