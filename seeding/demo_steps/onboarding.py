"""Demo: onboard sample applicants through the member-onboarding flow — some approved
automatically, some after a staff decision (one with a question to the applicant), one
rejected — then show the welcome e-mails that reached the mail sink."""

from __future__ import annotations

import email
import unicodedata
from datetime import date, timedelta
from email import policy
from typing import Any

from governance.clock import utcnow
from governance.db.uow import UnitOfWork
from governance.kernel.rules import mail_keys
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.staff import DecisionKind
from governance.members.rules.application_form import Application
from governance.members.rules.onboarding import ReviewChoice
from governance.members.use_cases import onboarding, onboarding_review, onboarding_screening
from seeding.demo_steps.staff import PHONES

STAFF = "demo.staff"
IBAN = "BE48 3200 7018 4927"


def national_number(born: date, sequence: int) -> str:
    first9 = f"{born:%y%m%d}{sequence:03d}"
    base = int(("2" if born.year >= 2000 else "") + first9)
    return f"{first9}{97 - base % 97:02d}"


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().replace(" ", ""))
    return "".join(c for c in decomposed if c.isascii())


def applicant(
    first: str, last: str, born: date | None, lang: str, office: str, **kw: Any
) -> Application:
    consented = utcnow() - timedelta(hours=2)
    data: dict[str, Any] = {
        "kind": "person",
        "first_name": first,
        "last_name": last,
        "birth_date": born,
        "national_number": national_number(born, 41) if born else None,
        "email": _plain(f"{first}.{last}@example.org"),
        "street": "Rue Haute 12",
        "postcode": "1000",
        "city": "Bruxelles",
        "language": lang,
        "office": office,
        "iban": IBAN,
        "shares": 1,
        "privacy_policy_accepted_at": consented,
        "internal_rules_accepted_at": consented,
        "capital_risk_accepted_at": consented,
    }
    data.update(kw)
    return Application.model_validate(data)


def automatic_applicants() -> list[Application]:
    """Four complete applications (built when the demo runs: their consent is two hours old)."""
    return [
        applicant(
            "Amélie",
            "Lefèvre",
            date(1991, 3, 14),
            "fr",
            "liege",
            attestation="ordinary",
            attestation_expires_on=date(2029, 6, 30),
        ),
        applicant("Pieter", "Van Dyck", date(1987, 11, 2), "nl", "gent", shares=3),
        applicant("Jürgen", "Heinen", date(2001, 5, 23), "de", "eupen"),
        applicant(
            "Siobhan",
            "Murphy",
            date(1979, 8, 9),
            "en",
            "bruxelles",
            country="IE",
            postcode="D02",
            city="Dublin",
        ),
    ]


def _decide(app_id: int, choice: ReviewChoice, note: str) -> None:
    """Staff decide beforehand through the service: the flow then does not suspend."""
    staff = PHONES.prove(STAFF, DecisionKind.ONBOARDING_REVIEW, f"application:{app_id}")
    with UnitOfWork() as uow:
        pending = onboarding_review.open_review(uow, app_id)
        uow.decisions.decide(
            key=pending.key,
            decision={"choice": str(choice), "note": note},
            staff=staff,
        )
        uow.commit()


def _stored(form: Application, key: str) -> int:
    with UnitOfWork() as uow:
        view = onboarding.submit_application(
            uow, form, actor=Actor.staff(STAFF), request_key=f"demo:{key}"
        )
        return onboarding_screening.screen_application(uow, view.id).id


def onboard_applicants(ctx: Any) -> None:
    from flows.member_onboarding import OnboardingParameters, member_onboarding

    results: list[str] = []
    for form in automatic_applicants():
        results.append(member_onboarding(OnboardingParameters(application=form, staff=STAFF)))
    ctx.report(
        "member-onboarding", "applications approved automatically", results.count("admitted")
    )

    # Reviews: a possible duplicate (same e-mail as a member), and one without national number
    duplicate = _stored(
        applicant(
            "Lieve", "Peeters", date(1990, 1, 5), "nl", "antwerpen", email="member00001@example.org"
        ),
        "duplicate",
    )
    _decide(duplicate, ReviewChoice.APPROVE, "Not the same person as member 2: checked by phone")
    no_nn = _stored(
        applicant("Noël", "Wéry", None, "fr", "namur", birth_date=date(1984, 12, 24)), "no-nn"
    )
    asked, entered = (
        PHONES.prove(STAFF, DecisionKind.ONBOARDING_REVIEW, f"application:{no_nn}")
        for _ in range(2)
    )
    with UnitOfWork() as uow:  # the question and the applicant's answer, given by staff
        pending = onboarding_review.open_review(uow, no_nn)
        onboarding_review.record_review(
            uow,
            no_nn,
            pending.round,
            choice=ReviewChoice.REQUEST_INFO,
            staff=asked,
            note="Envoyez-nous une copie de votre titre de séjour.",
        )
        onboarding_review.open_information_wait(uow, no_nn)
        onboarding_review.record_information(
            uow,
            no_nn,
            pending.round,
            staff=entered,
            answer="Titre de séjour reçu au guichet de Namur.",
        )
    _decide(no_nn, ReviewChoice.APPROVE, "Residence permit checked")
    rejected = _stored(applicant("Bram", "Claes", date(2012, 4, 1), "nl", "genk"), "minor")
    _decide(
        rejected,
        ReviewChoice.REJECT,
        "Minderjarigen hebben de toestemming van hun ouders nodig.",
    )
    reviewed = [
        member_onboarding(OnboardingParameters(application_id=i, staff=STAFF))
        for i in (duplicate, no_nn, rejected)
    ]
    ctx.report("member-onboarding", "approved after a staff decision", reviewed.count("admitted"))
    ctx.report("member-onboarding", "rejected (reason e-mailed)", reviewed.count("rejected"))

    subjects = []
    for path in sorted((ctx.out / "mail").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if (
            message.get("X-Coop-Key", "").startswith(mail_keys.welcome())
            and len(list(message.iter_attachments())) == 2
        ):
            subjects.append(str(message["Subject"]))
    for subject in subjects:
        ctx.console.print(f"  welcome e-mail: {subject} (letter + membership summary)")
    ctx.report("member-onboarding", "welcome packs e-mailed (letter + summary)", len(subjects))
