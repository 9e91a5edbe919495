"""The demo's portal step, run as `make demo` runs it: the portal served by uvicorn, the link
read from the real SMTP sink, the member's pages opened over HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal_kit import active_member

from seeding.demo_steps.portal import PAGES, visit_portal


@dataclass
class DemoRun:
    """The two things the step uses from the demo's context: the sink and the report."""

    sink: object
    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def report(self, process: str, what: str, figure: object) -> None:
        self.rows.append((process, what, str(figure)))


def test_the_demo_signs_a_member_in_with_the_address_of_their_own_file(mail_sink) -> None:  # type: ignore[no-untyped-def]
    active_member("demo.member@example.be")
    run = DemoRun(mail_sink)
    visit_portal(run)
    assert run.rows == [
        ("member-portal", "member signed in with an e-mailed one-time link", "1"),
        ("member-portal", "pages of their own file shown", f"{len(PAGES)} / {len(PAGES)}"),
    ]
    [message] = mail_sink.parsed()
    assert str(message["To"]) == "demo.member@example.be"
