"""The member portal's access rules: one-time sign-in links and sessions.

A link is asked for with an e-mail address; the answer is the same whether the address is
known or not (no enumeration). A link is short-lived, used once, and only in the browser that
asked for it (a link forwarded, leaked, or planted by someone else signs nobody in). Sessions
end after a while without use and at a fixed limit, whatever the use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from governance.kernel.rules.errors import RuleViolation

LINK_LIFETIME = timedelta(minutes=15)
LINKS_PER_ADDRESS = 3  # links sent to one e-mail address per LINK_WINDOW; more are not sent
LINK_WINDOW = timedelta(minutes=15)
SESSION_IDLE = timedelta(minutes=30)
SESSION_LIMIT = timedelta(hours=12)


class LinkPurpose(StrEnum):
    SIGN_IN = "sign_in"
    EMAIL_CHANGE = "email_change"  # proves the new address before it replaces the old one


class LinkNotValid(RuleViolation):
    """Unknown, expired or already used: one answer for the three (a guesser learns nothing)."""

    code = "link_not_valid"

    def __init__(self) -> None:
        super().__init__("this link is not valid any more: ask for a new one", field="link")


class LinkFromAnotherBrowser(RuleViolation):
    """The link is opened in a browser other than the one that asked for it."""

    code = "link_other_browser"

    def __init__(self) -> None:
        super().__init__(
            "open the link in the browser where you asked for it, or ask for a new link here",
            field="link",
        )


@dataclass(frozen=True)
class LinkFacts:
    purpose: LinkPurpose
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    browser_hash: str


def check_link(link: LinkFacts | None, browser_hash: str, now: datetime) -> None:
    """Raise unless `link` may be used now by this browser."""
    if link is None or link.used_at is not None or now >= link.expires_at:
        raise LinkNotValid()
    if link.browser_hash != browser_hash:
        raise LinkFromAnotherBrowser()


def may_send_link(sent_recently: int) -> bool:
    """A further link to one address within the window is not sent (the page says the same)."""
    return sent_recently < LINKS_PER_ADDRESS


def session_ends_at(started_at: datetime, last_seen_at: datetime) -> datetime:
    """When a session ends: idle too long, or its absolute limit, whichever comes first."""
    return min(last_seen_at + SESSION_IDLE, started_at + SESSION_LIMIT)


def normalised_email(address: str) -> str:
    """The form of an address the portal compares: trimmed, lower case."""
    return address.strip().lower()
