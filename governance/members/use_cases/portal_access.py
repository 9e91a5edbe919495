"""Use cases of the member portal's access: ask for a sign-in link, use it, find the session,
sign out. Tokens are random, sent once, and kept only as sha256 digests."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update

from governance.db.models.core import Member
from governance.db.models.portal import PortalLink, PortalSession
from governance.db.uow import UnitOfWork
from governance.kernel.rules.enums import Language, MemberStatus
from governance.members.rules import portal as rules
from governance.members.rules.portal import LinkFacts, LinkPurpose


def digest(token: str) -> str:
    """The form a token is stored and looked up in."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A random token for a link, a session or a browser (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def link_mail_key(purpose: LinkPurpose) -> str:
    """The outbox key of a new link's e-mail, one per link: a random name, never the row's id,
    which SQLite gives again once the highest row is deleted (an erasure deletes the member's
    links) and would make the next person's mail look sent already."""
    kind = "sign-in" if purpose is LinkPurpose.SIGN_IN else "email"
    return f"portal:{kind}:{secrets.token_hex(12)}"


@dataclass(frozen=True)
class SentLink:
    """What asking for a link did: the outbox key to deliver now, or None (not sent: too many
    links for the address in the window). The page says the same either way."""

    outbox_key: str | None


@dataclass(frozen=True)
class SigningMember:
    """What the portal's access needs of the member an address signs in as."""

    id: int
    member_number: str | None
    name: str
    language: Language


def member_for_email(uow: UnitOfWork, email: str) -> SigningMember | None:
    """The member an e-mail address signs in as: the first not erased member with it."""
    member = uow.session.scalar(
        select(Member)
        .where(func.lower(Member.email) == rules.normalised_email(email))
        .where(Member.status != MemberStatus.ERASED)
        .order_by(Member.id)
        .limit(1)
    )
    if member is None:
        return None
    return SigningMember(member.id, member.member_number, _name(member), member.language)


def request_link(
    uow: UnitOfWork,
    *,
    email: str,
    browser: str,
    language: Language,
    base_url: str,
    now: datetime,
    purpose: LinkPurpose = LinkPurpose.SIGN_IN,
    member_id: int | None = None,
) -> SentLink:
    """Queue a one-time link to `email`, usable only by the browser whose token is `browser`."""
    address = rules.normalised_email(email)
    recent = uow.session.scalar(
        select(func.count(PortalLink.id))
        .where(PortalLink.email == address)
        .where(PortalLink.created_at > now - rules.LINK_WINDOW)
    )
    if not rules.may_send_link(recent or 0):
        return SentLink(None)
    member = member_for_email(uow, address) if purpose is LinkPurpose.SIGN_IN else None
    token = new_token()
    link = PortalLink(
        token_hash=digest(token),
        purpose=purpose,
        email=address,
        member_id=member_id if member_id is not None else (member.id if member else None),
        browser_hash=digest(browser),
        language=member.language if member else language,
        created_at=now,
        expires_at=now + rules.LINK_LIFETIME,
    )
    uow.session.add(link)
    uow.session.flush()
    key = link_mail_key(purpose)
    uow.outbox.enqueue(
        key=key,
        to=address,
        template="portal_sign_in" if purpose is LinkPurpose.SIGN_IN else "portal_email_change",
        language=link.language,
        context={
            "link": f"{base_url.rstrip('/')}/link/{token}",
            "minutes": int(rules.LINK_LIFETIME.total_seconds() // 60),
            "name": member.name if member else "",
            "coop_name": uow.settings.coop_name,
        },
        member_id=link.member_id,
    )
    uow.commit()
    return SentLink(key)


def _name(member: Member) -> str:
    return member.company_name or " ".join(p for p in (member.first_name, member.last_name) if p)


@dataclass(frozen=True)
class LinkView:
    purpose: LinkPurpose
    email: str
    member_id: int | None
    language: Language


def peek_link(uow: UnitOfWork, token: str, browser: str, now: datetime) -> LinkView:
    """What a link is for, without using it (mail scanners open links: only a POST uses it)."""
    link = _link(uow, token)
    rules.check_link(_facts(link), digest(browser), now)
    assert link is not None
    return LinkView(link.purpose, link.email, link.member_id, link.language)


def _link(uow: UnitOfWork, token: str) -> PortalLink | None:
    return uow.session.scalar(select(PortalLink).where(PortalLink.token_hash == digest(token)))


def _facts(link: PortalLink | None) -> LinkFacts | None:
    if link is None:
        return None
    return LinkFacts(
        link.purpose, link.created_at, link.expires_at, link.used_at, link.browser_hash
    )


def use_link(uow: UnitOfWork, token: str, browser: str, now: datetime) -> LinkView:
    """Mark the link used (once: a second use, even concurrent, is refused); commits."""
    view = peek_link(uow, token, browser, now)
    used = uow.session.execute(
        update(PortalLink)
        .where(PortalLink.token_hash == digest(token))
        .where(PortalLink.used_at.is_(None))
        .values(used_at=now)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        uow.rollback()
        raise rules.LinkNotValid()
    uow.commit()
    return view


@dataclass(frozen=True)
class Person:
    """Who is signed in: an e-mail address, the member it belongs to if any, the language."""

    session_id: int
    email: str
    member_id: int | None
    member_number: str | None
    name: str
    language: Language


def start_session(uow: UnitOfWork, email: str, language: Language, now: datetime) -> str:
    """Open a session for `email`; returns the cookie's token (only its digest is stored)."""
    token = new_token()
    uow.session.add(
        PortalSession(
            token_hash=digest(token),
            email=rules.normalised_email(email),
            language=language,
            started_at=now,
            last_seen_at=now,
        )
    )
    member = member_for_email(uow, email)
    if member is not None:
        from governance.kernel.rules.actor import Actor

        uow.timeline.record(
            actor=Actor.member(member.member_number or str(member.id)),
            action="portal_signed_in",
            subject_type="member",
            subject_id=member.id,
            member_id=member.id,
        )
    uow.commit()
    return token


def person(uow: UnitOfWork, token: str | None, now: datetime) -> Person | None:
    """The person of a session cookie, or None (no cookie, unknown, ended, idle too long).
    A known session's last use moves on (commits)."""
    if not token:
        return None
    row = uow.session.scalar(select(PortalSession).where(PortalSession.token_hash == digest(token)))
    if row is None or row.ended_at is not None:
        return None
    found: Person | None = None
    if now >= rules.session_ends_at(row.started_at, row.last_seen_at):
        row.ended_at = now  # idle too long: the session ends, nobody is signed in
    else:
        row.last_seen_at = now
        member = member_for_email(uow, row.email)
        found = Person(
            session_id=row.id,
            email=row.email,
            member_id=member.id if member else None,
            member_number=member.member_number if member else None,
            name=member.name if member else "",
            language=row.language,
        )
    uow.commit()
    return found


def set_session_language(uow: UnitOfWork, session_id: int, language: Language) -> None:
    """The language the portal speaks to this session from now on; commits."""
    row = uow.session.get(PortalSession, session_id)
    if row is not None:
        row.language = language
        uow.commit()


def sign_out(uow: UnitOfWork, token: str | None, now: datetime) -> None:
    """End the session of this cookie (nothing happens for an unknown one); commits."""
    if token:
        uow.session.execute(
            update(PortalSession)
            .where(PortalSession.token_hash == digest(token))
            .where(PortalSession.ended_at.is_(None))
            .values(ended_at=now)
        )
        uow.commit()


def end_sessions_of(uow: UnitOfWork, email: str, now: datetime) -> int:
    """End every session of an address (its owner changed it, or the member was erased);
    the caller commits."""
    result = uow.session.execute(
        update(PortalSession)
        .where(PortalSession.email == rules.normalised_email(email))
        .where(PortalSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def forget_person(uow: UnitOfWork, email: str | None, member_id: int) -> int:
    """Erasure: delete the member's portal links and sessions (their address is personal
    data, and nothing may sign in as an erased member); the caller commits."""
    where_link = PortalLink.member_id == member_id
    if email:
        where_link = or_(where_link, PortalLink.email == rules.normalised_email(email))
        uow.session.execute(
            delete(PortalSession).where(PortalSession.email == rules.normalised_email(email))
        )
    result = uow.session.execute(delete(PortalLink).where(where_link))
    return int(result.rowcount)  # type: ignore[attr-defined]
