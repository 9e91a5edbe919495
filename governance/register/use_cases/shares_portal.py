"""What the member portal reads and does about a member's own shares: holdings, register
entries, subscriptions with their payment instructions and certificate, and subscribing.

Reads return frozen views (never ORM rows), always for ONE member: a subscription of another
member is answered like a missing one. `subscribe_from_portal` is a use case (commits once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import or_, select

from governance.db.models import (
    DecisionRequest,
    Document,
    Member,
    RegisterEntry,
    ShareSubscription,
)
from governance.db.repositories import register as store
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.register.rules.register import CANNOT_SUBSCRIBE, EntryKind, SubscriptionStatus
from governance.register.use_cases import shares, subscription_certificates, unpaid_subscriptions
from governance.statutes import get_statutes
from governance.transition.rules.transition import EpcTransfer, epc_payload

# The share-subscription process takes at most this many shares in one subscription.
MAX_SHARES_PER_SUBSCRIPTION = 10_000


class Stage(StrEnum):
    """Where a subscription stands for its member, until the certificate arrives."""

    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"  # shares issued; the certificate is being made
    CERTIFICATE = "certificate"  # the certificate is archived: it can be downloaded
    CANCELLED = "cancelled"
    TAKEN_OVER = "taken_over"  # issued before the register was kept here: no certificate made


# Subscriptions taken over from the former register (their certificates predate it).
TAKEN_OVER_PREFIX = "import:"


@dataclass(frozen=True)
class HeldShares:
    share_class: str
    shares: int
    nominal_cents: int  # per share
    paid_cents: int


@dataclass(frozen=True)
class RegisterLine:
    """One register entry as its member reads it (a transfer says in or out, never who)."""

    sequence: int
    effective_on: date
    kind: EntryKind
    incoming: bool  # a transfer received (the member is the counterparty)
    share_class: str
    shares: int
    amount_cents: int


@dataclass(frozen=True)
class MySubscription:
    id: int
    share_class: str
    shares: int
    amount_cents: int
    paid_cents: int
    communication: str  # +++ddd/dddd/ddddd+++
    stage: Stage
    subscribed_on: date
    due_on: date
    issued_on: date | None
    cancelled_on: date | None
    request_key: str | None
    epc_payload: str  # the EPC069-12 QR text (used while awaiting payment)


@dataclass(frozen=True)
class PayTo:
    """The cooperative's account, for the payment instructions."""

    name: str
    iban: str
    bic: str


@dataclass(frozen=True)
class MyShares:
    holdings: list[HeldShares]
    entries: list[RegisterLine]
    subscriptions: list[MySubscription]  # newest first
    pay_to: PayTo


@dataclass(frozen=True)
class ClassOffer:
    """A share class this member may subscribe."""

    code: str
    labels: dict[str, str]
    label: str
    nominal_cents: int
    minimum_shares: int

    def label_in(self, language: str) -> str:
        return self.labels.get(str(language)) or self.label


@dataclass(frozen=True)
class SubscribeChoice:
    may_subscribe: bool  # False for a member who left (excluded, deceased, erased)
    classes: list[ClassOffer]
    held_classes: list[str]
    maximum: int = MAX_SHARES_PER_SUBSCRIPTION


@dataclass(frozen=True)
class CertificateFile:
    archive_name: str  # the archive's relative path (its name tells the template)
    media_type: str


def my_shares(uow: UnitOfWork, member_id: int) -> MyShares:
    """Everything the "My shares" page shows, for this member only."""
    session = uow.session
    nominal = store.nominal_cents()
    holdings = [
        HeldShares(h.share_class, h.shares, nominal.get(h.share_class, 0), h.paid_cents)
        for h in sorted(store.current_holdings(session, member_id), key=lambda h: h.share_class)
    ]
    rows = session.scalars(
        select(RegisterEntry)
        .where(
            or_(RegisterEntry.member_id == member_id, RegisterEntry.counterparty_id == member_id)
        )
        .order_by(RegisterEntry.sequence)
    ).all()
    entries = [
        RegisterLine(
            r.sequence,
            r.effective_on,
            EntryKind(r.kind),
            r.counterparty_id == member_id,
            r.share_class,
            r.shares,
            r.amount_cents,
        )
        for r in rows
    ]
    subs = session.scalars(
        select(ShareSubscription)
        .where(ShareSubscription.member_id == member_id)
        .order_by(ShareSubscription.id.desc())
    ).all()
    account = pay_to(uow)
    return MyShares(holdings, entries, [_view(uow, s, account) for s in subs], account)


def pay_to(uow: UnitOfWork) -> PayTo:
    """The cooperative's account members pay their shares to."""
    settings = uow.settings
    return PayTo(settings.coop_name, settings.coop_iban, settings.coop_bic)


def my_subscription(uow: UnitOfWork, member_id: int, subscription_id: int) -> MySubscription | None:
    """One of this member's subscriptions (None if missing or another member's)."""
    sub = uow.session.get(ShareSubscription, subscription_id)
    if sub is None or sub.member_id != member_id:
        return None
    return _view(uow, sub, pay_to(uow))


def _view(uow: UnitOfWork, sub: ShareSubscription, pay_to: PayTo) -> MySubscription:
    view = shares.SubscriptionView.of(sub)
    return MySubscription(
        id=sub.id,
        share_class=sub.share_class,
        shares=sub.shares,
        amount_cents=sub.amount_cents,
        paid_cents=sub.paid_cents,
        communication=view.structured_communication,
        stage=_stage(uow, sub),
        subscribed_on=sub.subscribed_on,
        due_on=sub.due_on,
        issued_on=sub.issued_on,
        cancelled_on=sub.cancelled_on,
        request_key=sub.request_key,
        epc_payload=payment_payload(pay_to, sub.amount_cents - sub.paid_cents, view),
    )


def payment_payload(pay_to: PayTo, amount_cents: int, view: shares.SubscriptionView) -> str:
    """The EPC QR text of what is still to pay (as the payment letters make it)."""
    digits = "".join(ch for ch in view.structured_communication if ch.isdigit())
    if amount_cents <= 0 or len(digits) != 12:
        return ""
    return epc_payload(
        EpcTransfer(
            bic=pay_to.bic,
            name=pay_to.name,
            iban="".join(pay_to.iban.split()).upper(),
            amount_cents=amount_cents,
            reference=digits,
        )
    )


def _stage(uow: UnitOfWork, sub: ShareSubscription) -> Stage:
    if sub.status is SubscriptionStatus.AWAITING_PAYMENT:
        return Stage.AWAITING_PAYMENT
    if sub.status is SubscriptionStatus.CANCELLED:
        return Stage.CANCELLED
    if (sub.request_key or "").startswith(TAKEN_OVER_PREFIX):
        return Stage.TAKEN_OVER
    return Stage.CERTIFICATE if _certificate_row(uow, sub.id) is not None else Stage.PAID


def _certificate_row(uow: UnitOfWork, subscription_id: int) -> Document | None:
    cert = subscription_certificates.subscription_certificate(uow.session, subscription_id)
    if cert is None:
        return None
    return uow.session.scalar(
        select(Document).where(Document.idempotency_key == cert.key, Document.voided_at.is_(None))
    )


def my_certificate(uow: UnitOfWork, member_id: int, subscription_id: int) -> CertificateFile | None:
    """The archived certificate of one of this member's subscriptions (None otherwise)."""
    sub = uow.session.get(ShareSubscription, subscription_id)
    if sub is None or sub.member_id != member_id:
        return None
    doc = _certificate_row(uow, sub.id)
    if doc is None:
        return None
    media = {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
    return CertificateFile(
        doc.path,
        media.get(str(doc.format), "application/octet-stream"),
    )


def subscribe_choice(uow: UnitOfWork, member_id: int) -> SubscribeChoice:
    """The classes this member may subscribe (the statutes), and the ones held already."""
    member = uow.session.get(Member, member_id)
    if member is None:
        return SubscribeChoice(False, [], [])
    classes = [
        ClassOffer(c.code, dict(c.labels), c.label, c.nominal_value_cents, c.minimum_shares)
        for c in get_statutes().share_classes
        if member.kind in c.allowed_kinds
    ]
    held = [h.share_class for h in store.current_holdings(uow.session, member_id)]
    return SubscribeChoice(member.status not in CANNOT_SUBSCRIBE, classes, sorted(held))


def subscription_for_key(uow: UnitOfWork, member_id: int, request_key: str) -> int | None:
    """The id of this member's subscription made with this request key, if any."""
    return uow.session.scalar(
        select(ShareSubscription.id).where(
            ShareSubscription.request_key == request_key, ShareSubscription.member_id == member_id
        )
    )


def subscribe_from_portal(
    uow: UnitOfWork,
    *,
    member_id: int,
    member_number: str | None,
    share_class: str,
    shares_count: int,
    request_key: str,
) -> int:
    """A member subscribes shares from the portal: the subscription awaiting payment, its
    register entry, timeline and payment instructions (once per request key); commits."""
    view = shares.subscribe(
        uow.session,
        member_id=member_id,
        share_class=share_class,
        shares=shares_count,
        actor=Actor.member(member_number or str(member_id)),
        request_key=request_key,
    )
    uow.commit()
    return view.id


def waiting_for_process(uow: UnitOfWork, member_id: int, prefix: str) -> list[MySubscription]:
    """This member's subscriptions made in the portal (request key starting with `prefix`)
    still awaiting payment whose process never asked staff about the payment: their
    process may not have started (the orchestration server was away)."""
    subs = uow.session.scalars(
        select(ShareSubscription).where(
            ShareSubscription.member_id == member_id,
            ShareSubscription.status == SubscriptionStatus.AWAITING_PAYMENT,
            ShareSubscription.request_key.startswith(prefix),
        )
    ).all()
    asked = _payment_questions(uow, [s.id for s in subs])
    return [_view(uow, s, pay_to(uow)) for s in subs if s.id not in asked]


def _payment_questions(uow: UnitOfWork, subscription_ids: list[int]) -> set[int]:
    if not subscription_ids:
        return set()
    keys = {unpaid_subscriptions.confirmation_key(i): i for i in subscription_ids}
    found = uow.session.scalars(
        select(DecisionRequest.key).where(DecisionRequest.key.in_(list(keys)))
    )
    return {keys[k] for k in found}
