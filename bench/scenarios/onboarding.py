"""Onboarding: validation, storage with duplicate screening against a populated register,
and admission with the welcome pack (two documents + e-mail) — without Prefect overhead."""

from __future__ import annotations

import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.result import Result, Stopwatch
from bench.workspace import workspace
from governance.clock import utcnow


def _form(i: int) -> Any:
    from governance.members.rules.application_form import Application

    born = date(1970, 1, 1) + timedelta(days=(i * 37) % 12000)
    first9 = f"{born:%y%m%d}{(i % 997) + 1:03d}"
    nn = f"{first9}{97 - int(('2' if born.year >= 2000 else '') + first9) % 97:02d}"
    consent = utcnow() - timedelta(hours=1)
    return Application(
        first_name=f"Bench{i}",
        last_name="Applicant",
        birth_date=born,
        national_number=nn,
        email=f"applicant{i:06d}@example.org",
        street="Rue Haute 1",
        postcode="1000",
        city="Bruxelles",
        iban="BE48320070184927",
        privacy_policy_accepted_at=consent,
        internal_rules_accepted_at=consent,
        capital_risk_accepted_at=consent,
    )


def run(quick: bool) -> list[Result]:
    size = 60 if quick else 600
    members = 2_000 if quick else 20_000
    with tempfile.TemporaryDirectory() as tmp, workspace(Path(tmp)) as ws:
        from governance.db.uow import UnitOfWork
        from governance.kernel.rules.actor import Actor
        from governance.members.rules.application_form import validate_application
        from governance.members.use_cases import (
            onboarding,
            onboarding_admission,
            onboarding_screening,
        )
        from governance.statutes import get_statutes
        from tasks.mail import deliver_pending
        from tasks.onboarding import produce_welcome_pack

        ws.seed_members(members)
        forms = [_form(i) for i in range(size)]
        watch = Stopwatch()
        now = utcnow()
        with watch("validation (stdnum, schwifty, rules)"):
            for form in forms:
                validate_application(form, get_statutes(), now)
        start = time.perf_counter()
        ids = []
        with watch("submit + screen (encrypt, duplicates vs members)"):
            for i, form in enumerate(forms):
                with UnitOfWork() as uow:
                    view = onboarding.submit_application(
                        uow, form, actor=Actor.system("bench"), request_key=f"bench:{i}"
                    )
                    ids.append(onboarding_screening.screen_application(uow, view.id).id)
        with watch("admission (member, number, outbox)"):
            for app_id in ids:
                with UnitOfWork() as uow:
                    onboarding_admission.admit_applicant(uow, app_id, actor=Actor.system("bench"))
        with watch("welcome pack documents (2 per member)"):
            for app_id in ids:
                produce_welcome_pack.fn(app_id)
        with watch("mail (SMTP to the local sink)"):
            report = deliver_pending()
        seconds = time.perf_counter() - start
    return [
        Result(
            f"onboarding: applications to welcomed members ({members} members on file)",
            size,
            seconds,
            breakdown=watch.phases,
            notes=f"{report.sent} welcome e-mails with 2 attachments; SQLite; DOCX or PDF",
        )
    ]
