"""Admitting an approved applicant: member record, member number, welcome pack e-mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from governance.clock import utcnow
from governance.db.models import Member
from governance.db.models.onboarding import Application as ApplicationRow
from governance.db.repositories.members import MemberRepository
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import MemberStatus
from governance.kernel.rules.errors import InvalidTransition
from governance.kernel.use_cases import outbox
from governance.members.rules.application_form import Attestation
from governance.members.rules.members import MemberFacts
from governance.members.rules.onboarding import ApplicationStatus
from governance.members.use_cases import members
from governance.members.use_cases.members import MemberView
from governance.members.use_cases.onboarding import _get
from governance.members.use_cases.welcome import welcome_letter_key
from governance.statutes import get_statutes


def summary_key(member_id: int) -> str:
    return f"doc:membership_summary:{member_id}"


@dataclass(frozen=True)
class Admission:
    """What the welcome pack needs (never the national number)."""

    application_id: int
    member: MemberView
    share_class: str
    shares: int
    amount_cents: int
    letter_key: str
    summary_key: str
    iban_masked: str
    phone: str
    attestation: Attestation
    attestation_expires_on: date | None
    national_number_recorded: bool
    consents: dict[str, datetime]
    subscription_id: int | None


def _mask_iban(iban: str) -> str:
    return f"{iban[:4]} **** **** {iban[-4:]}" if len(iban) > 8 else "****"


def _admission(row: ApplicationRow, member: MemberView) -> Admission:
    share_class = get_statutes().share_class(row.share_class)
    return Admission(
        row.id,
        member,
        row.share_class,
        row.shares,
        row.shares * share_class.nominal_value_cents,
        welcome_letter_key(member.id),
        summary_key(member.id),
        _mask_iban(row.iban or ""),
        row.phone or "",
        Attestation(row.attestation_type),
        row.attestation_expires_on,
        row.national_number_enc is not None,
        {
            "privacy_policy": row.privacy_policy_accepted_at,
            "internal_rules": row.internal_rules_accepted_at,
            "capital_risk": row.capital_risk_accepted_at,
        },
        row.subscription_id,
    )


def admit_applicant(
    uow: UnitOfWork, application_id: int, *, actor: Actor, now: datetime | None = None
) -> Admission:
    """Create the member (active), give the member number, queue the welcome e-mail; once."""
    session = uow.session
    row = _get(session, application_id, lock=True)
    if row.status is ApplicationStatus.ADMITTED and row.member_id is not None:
        return _admission(row, members.get_member(session, row.member_id))
    if row.status is not ApplicationStatus.APPROVED:
        raise InvalidTransition(
            f"application {row.id} is {row.status}: only an approved one is admitted",
            field="application_id",
        )
    member = _new_member(session, row, actor)
    number = members.assign_member_number(session, member.id)
    row.member_id = member.id
    row.status = ApplicationStatus.ADMITTED
    # The application's history becomes the member's: one timeline from the first step.
    uow.timeline.attach_to_member("application", row.id, member.id)
    admission = _admission(row, MemberView.of(member))
    _queue_welcome(uow, row, admission, number)
    for action, details in (
        ("application_admitted", {"application_id": row.id}),
        ("member_welcomed", {"member_number": number, "email": True}),
    ):
        uow.timeline.record(
            actor=actor,
            action=action,
            subject_type="member",
            subject_id=member.id,
            member_id=member.id,
            details=details,
        )
    row.updated_at = now or utcnow()
    uow.commit()
    return admission


def _new_member(session: Session, row: ApplicationRow, actor: Actor) -> Member:
    """The member record of the application (active), with its attestation if any."""
    facts = MemberFacts(
        kind=row.kind,
        first_name=row.first_name,
        last_name=row.last_name,
        company_name=row.company_name,
        company_number=row.company_number,
        birth_date=row.birth_date,
        email=row.email,
        phone=row.phone,
        street=row.street,
        postcode=row.postcode,
        city=row.city,
        country=row.country,
        language=row.language,
        office=row.office,
        iban=row.iban,
    )
    created = members.create_member(
        session,
        facts,
        actor,
        status=MemberStatus.ACTIVE,
        national_number_enc=row.national_number_enc,
        identity_hash=row.identity_hash,
    )
    # The admission goes on writing the row: its attestation here, then its member number.
    member = MemberRepository(session).get(created.id)
    if row.attestation_type != Attestation.NONE:
        member.attestation_type = row.attestation_type
        member.attestation_expires_on = row.attestation_expires_on
    return member


def _queue_welcome(uow: UnitOfWork, row: ApplicationRow, admission: Admission, number: str) -> None:
    """The welcome e-mail with the letter and the summary attached (sent once delivered)."""
    member = admission.member
    outbox.enqueue(
        uow.session,
        key=mail_keys.welcome(member.id),  # the welcome flow uses it too: one welcome only
        to=row.email,
        template="onboarding_welcome",
        language=row.language,
        member_id=member.id,
        attachment_keys=[admission.letter_key, admission.summary_key],
        context={
            "name": member.name,
            "member_number": number,
            "coop_name": uow.settings.coop_name,
            "shares": row.shares,
            "share_class": row.share_class,
            "amount_cents": admission.amount_cents,
        },
    )


def record_subscription(
    uow: UnitOfWork, application_id: int, subscription_id: int, *, actor: Actor
) -> None:
    """Remember the share subscription the admission started (once)."""
    row = _get(uow.session, application_id, lock=True)
    if row.subscription_id == subscription_id:
        return
    row.subscription_id = subscription_id
    uow.timeline.record(
        actor=actor,
        action="share_subscription_started",
        subject_type="application",
        subject_id=row.id,
        member_id=row.member_id,
        details={"subscription_id": subscription_id, "shares": row.shares},
    )
    uow.commit()


def get_admission(uow: UnitOfWork, application_id: int) -> Admission:
    """The admission of an admitted application (to produce its welcome pack again)."""
    row = _get(uow.session, application_id)
    if row.member_id is None:
        raise InvalidTransition(f"application {row.id} is {row.status}: nobody was admitted")
    return _admission(row, members.get_member(uow.session, row.member_id))
