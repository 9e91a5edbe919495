"""Shared set-up for the grant tests: members, a call, reviewers, applications."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from governance.db.uow import UnitOfWork
from governance.grants.rules.grants import CallKind
from governance.grants.use_cases import grant_reviews, grants
from governance.kernel.rules.actor import Actor
from governance.kernel.rules.enums import Language, MemberKind, MemberStatus, Office
from governance.members.rules.members import MemberFacts
from governance.members.use_cases import members

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # closing time
IBANS = ["BE71096123456769", "BE62510007547061", "BE43068999999501"]
LANGS = [Language.FR, Language.NL, Language.DE, Language.EN]


def make_members(n: int, status: MemberStatus = MemberStatus.ACTIVE) -> list[int]:
    ids = []
    with UnitOfWork() as uow:
        for i in range(n):
            m = members.create_member(uow.session, MemberFacts(
                kind=MemberKind.PERSON, first_name=f"Zoë{i}", last_name="D'Hondt & Co",
                language=LANGS[i % 4], office=Office.BRUXELLES, email=f"m{i}@example.org",
                street="Rue Haute 1", postcode="1000", city="Bruxelles"),
                Actor.system("test"), status)
            ids.append(m.id)
        uow.commit()
    return ids


def make_call(budget_cents: int = 300_000, **kw: object) -> int:
    spec = dict(
        name="Bourses test", kind=CallKind.SALTO, opens_at=T0 - timedelta(days=30), closes_at=T0,
        review_due_at=T0 + timedelta(days=10), budget_cents=budget_cents, max_applications=100,
        min_amount_cents=10_000, max_amount_cents=200_000, reviewers_per_application=2,
        review_quorum=2, instalment_percents=[60, 40], report_interval_days=90,
        criteria=[grants.CriterionSpec(code="quality", label="Quality", weight=2),
                  grants.CriterionSpec(code="impact", label="Impact", weight=1)])
    spec.update(kw)
    with UnitOfWork() as uow:
        return grants.create_call(uow, grants.CallSpec(**spec), "anna")  # type: ignore[arg-type]


def add_reviewers(call_id: int, logins: list[str], member_ids: dict[str, int] | None = None,
                  activities: dict[str, list[str]] | None = None) -> None:
    for login in logins:
        with UnitOfWork() as uow:
            grant_reviews.add_reviewer(uow, call_id, grant_reviews.ReviewerSpec(
                login=login, name=login.title(), email=f"{login}@smart.example",
                member_id=(member_ids or {}).get(login),
                activity_refs=(activities or {}).get(login, [])), "anna")


def apply(call_id: int, member_id: int, amount: int, minutes: int = 0, account: int = 0,
          **kw: object) -> str:
    spec = dict(member_id=member_id, project_title="Salto <festival> & co", summary="Abroad",
                activity_ref=f"ACT-{member_id}", amount_asked_cents=amount,
                budget_lines=[grants.BudgetLineSpec(label="Travel", amount_cents=amount)],
                iban=IBANS[account % len(IBANS)],
                submitted_at=T0 - timedelta(days=5) + timedelta(minutes=minutes))
    spec.update(kw)
    with UnitOfWork() as uow:
        return grants.submit_application(uow, call_id, grants.ApplicationSpec(**spec))  # type: ignore[arg-type]


def score_all(call_id: int, scores: dict[str, dict[str, int]], now: datetime) -> None:
    """Give every awaited review; `scores` per application reference."""
    with UnitOfWork() as uow:
        missing = grant_reviews.review_progress(uow, call_id, now).missing
    for reference, login in missing:
        with UnitOfWork() as uow:
            grant_reviews.submit_review(uow, call_id, reference, login, scores[reference], now)
