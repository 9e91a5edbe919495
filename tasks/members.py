"""Member tasks: the welcome pack."""

from __future__ import annotations

from prefect import task

from documents import labels
from documents.contexts import Addressee, Coop
from documents.contexts.members import WelcomeLetter
from documents.produce import DocumentRequest
from governance.clock import business_today
from governance.db.uow import UnitOfWork
from governance.kernel.rules.actor import Actor
from governance.members.use_cases import welcome
from tasks.common import IO_RETRIES
from tasks.documents import produce


@task(name="welcome-member", **IO_RETRIES)
def welcome_member(
    member_id: int, share_class: str, shares: int, amount_cents: int, actor: str = "system"
) -> str:
    """Assign the member number, queue the e-mail and produce the welcome letter."""
    with UnitOfWork() as uow:
        pack = welcome.welcome_member(
            uow,
            member_id,
            share_class=share_class,
            shares=shares,
            amount_cents=amount_cents,
            actor=Actor.staff(actor) if actor != "system" else Actor.system("onboarding"),
        )
        coop = Coop.from_settings(uow.settings)
    m = pack.member
    context = WelcomeLetter(
        language=m.language,
        coop=coop,
        today=business_today(),
        member=Addressee(
            name=m.name,
            street=m.street,
            postcode=m.postcode,
            city=m.city,
            country=m.country,
            company=str(m.kind) == "company",
        ),
        member_number=m.member_number or "",
        office=labels.office(m.office, m.language),
        share_class=pack.share_class,
        shares=pack.shares,
        amount_cents=pack.amount_cents,
    )
    produce(
        [
            DocumentRequest(
                key=pack.letter_key,
                template="welcome_letter",
                language=m.language,
                context=context,
                subject_type="member",
                subject_id=str(m.id),
                member_id=m.id,
            )
        ]
    )
    return m.member_number or ""
