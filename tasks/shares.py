"""Share register tasks: each opens its own unit of work and calls one use case (which commits).

All are safe to run twice: services check the database status and use idempotency keys.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import get_run_logger, task

from documents.contexts import Addressee, Coop
from documents.contexts.register import ShareCertificate
from documents.produce import DocumentRequest
from governance.clock import business_today
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.members.use_cases import members
from governance.register.use_cases import (
    share_changes,
    shares,
    subscription_certificates,
    unpaid_subscriptions,
)
from governance.register.use_cases.share_changes import Certificate
from governance.statutes import get_statutes
from tasks.common import IO_RETRIES
from tasks.documents import produce


def actor_of(login: str) -> Actor:
    """A staff login, or the system when the run was not started by a person."""
    return Actor.system("shares") if login in ("", "system") else Actor.staff(login)


def start_subscription_now(
    member_id: int, share_class: str, shares_count: int, request_key: str, actor: str = "system"
) -> int:
    """Open (or find, by request_key) a subscription in its own committed unit of work."""
    with UnitOfWork() as uow:
        view = shares.open_subscription(
            uow,
            member_id=member_id,
            share_class=share_class,
            shares=shares_count,
            actor=actor_of(actor),
            request_key=request_key,
        )
    return view.id


@task(name="start-subscription", **IO_RETRIES)
def start_subscription(
    member_id: int, share_class: str, shares: int, request_key: str, actor: str = "system"
) -> int:
    """Start a share subscription (payment instructions queued); safe to run twice."""
    return start_subscription_now(member_id, share_class, shares, request_key, actor)


@task(name="subscription-status", **IO_RETRIES)
def subscription_status(subscription_id: int) -> str:
    with UnitOfWork() as uow:
        return str(shares.get_subscription(uow.session, subscription_id).status)


@task(name="ask-payment-confirmation", **IO_RETRIES)
def ask_payment_confirmation(
    subscription_id: int, flow_run_id: str | None
) -> dict[str, Any] | None:
    """Open the staff request (once); returns {decision, staff} when it was already given."""
    with UnitOfWork() as uow:
        view = unpaid_subscriptions.ask_payment_confirmation(uow, subscription_id, flow_run_id)
    if view.decision is None:
        return None
    return {"decision": view.decision, "staff": view.decided_by or "system"}


@task(name="apply-payment-confirmation", **IO_RETRIES)
def apply_payment_confirmation(subscription_id: int, decision: dict[str, Any], staff: str) -> str:
    """Record the staff answer and carry it out; returns the subscription status."""
    with UnitOfWork() as uow:
        status = unpaid_subscriptions.answer_payment_confirmation(
            uow, subscription_id=subscription_id, decision=decision, staff=staff
        )
    return str(status)


def _certificate_requests(certs: list[Certificate]) -> list[DocumentRequest]:
    statutes = get_statutes()
    out = []
    with UnitOfWork() as uow:
        coop = Coop.from_settings(uow.settings)
        for cert in certs:
            m = members.get_member(uow.session, cert.member_id)
            klass = statutes.share_class(cert.share_class)
            context = ShareCertificate(
                language=m.language,
                coop=coop,
                today=business_today(),
                member=Addressee(
                    name=m.name,
                    street=m.street,
                    postcode=m.postcode,
                    city=m.city,
                    country=m.country,
                ),
                member_number=m.member_number or "",  # never the internal id
                share_class=cert.share_class,
                class_label=klass.label_in(m.language),
                shares=cert.shares,
                paid_cents=cert.paid_cents,
                nominal_cents=klass.nominal_value_cents,
                entry_sequence=cert.entry_sequence,
                as_of=cert.as_of,
            )
            out.append(
                DocumentRequest(
                    cert.key, "share_certificate", m.language, context, "member", str(m.id), m.id
                )
            )
    return out


@task(name="issue-certificate", **IO_RETRIES)
def issue_certificate(subscription_id: int) -> bool:
    """Produce the certificate of an issued subscription and queue its e-mail (once)."""
    with UnitOfWork() as uow:
        cert = subscription_certificates.subscription_certificate(uow.session, subscription_id)
    if cert is None:
        return False
    produce(_certificate_requests([cert]))
    with UnitOfWork() as uow:
        return subscription_certificates.queue_certificate_mail(uow, subscription_id, cert.key)


@task(name="certificates-due", **IO_RETRIES)
def certificates_due() -> list[int]:
    """Issued subscriptions (not taken over) whose certificate was never produced."""
    with UnitOfWork() as uow:
        return subscription_certificates.subscriptions_without_certificate(uow.session)


@task(name="transfer-shares", **IO_RETRIES)
def transfer_shares(
    from_member_id: int,
    to_member_id: int,
    share_class: str,
    count: int,
    effective_on: date,
    approved_by: str,
    request_key: str,
) -> int:
    """Record the approved transfer; produce both re-issued certificates."""
    with UnitOfWork() as uow:
        result = share_changes.record_transfer(
            uow,
            from_member_id=from_member_id,
            to_member_id=to_member_id,
            share_class=share_class,
            shares=count,
            effective_on=effective_on,
            approved_by=approved_by,
            request_key=request_key,
            actor=actor_of(approved_by),
        )
    produce(_certificate_requests(list(result.certificates)))
    return result.sequence


@task(name="request-resignation", **IO_RETRIES)
def request_resignation(
    member_id: int, requested_on: date, iban: str, request_key: str, staff: str
) -> dict[str, Any]:
    with UnitOfWork() as uow:
        out = share_changes.ask_resignation(
            uow,
            member_id=member_id,
            requested_on=requested_on,
            iban=iban,
            request_key=request_key,
            actor=actor_of(staff),
        )
    return {
        "accepted": out.accepted,
        "resignation_id": out.resignation_id,
        "effective_on": out.effective_on.isoformat() if out.effective_on else None,
        "next_possible": out.next_possible.isoformat() if out.next_possible else None,
        "reason": out.reason,
        "mail_key": out.mail_key,
    }


@task(name="share-register-daily-duties", **IO_RETRIES)
def daily_duties(today: date) -> dict[str, list[int]]:
    """Reminders, lapsed subscriptions, resignations due: each in its own transaction."""
    system = Actor.system("share-register-daily")
    done: dict[str, list[int]] = {}
    with UnitOfWork() as uow:
        done["reminded"] = unpaid_subscriptions.remind_unpaid(uow, today=today, actor=system)
    with UnitOfWork() as uow:
        done["cancelled"] = unpaid_subscriptions.cancel_lapsed(uow, today=today, actor=system)
    with UnitOfWork() as uow:
        done["resigned"] = share_changes.finish_due_resignations(uow, today=today, actor=system)
    get_run_logger().info("daily duties: %s", {k: len(v) for k, v in done.items()})
    return done
