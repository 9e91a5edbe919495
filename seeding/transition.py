"""Sample files for the transition: the old system's member CSV (demo, tests, benchmarks)."""

from __future__ import annotations

import csv
import io
import random

from governance.members.rules.member_import import COLUMNS
from seeding.members import sample_members


def _national_number(rng: random.Random, index: int) -> str:
    """A valid national number (births 1950-1999; the serial makes it unique per index)."""
    year = 50 + index % 50
    month = 1 + (index // 50) % 12
    day = 1 + (index // 600) % 28
    serial = 1 + (index // 16800) * 7 + rng.randrange(0, 7)
    base = f"{year:02d}{month:02d}{day:02d}{serial:03d}"
    return base + f"{97 - int(base) % 97:02d}"


def members_csv(count: int, *, without_email_every: int = 23, seed: int = 2017) -> str:
    """`count` members as the old system exports them: persons with a national number (one
    in two), companies with a unique enterprise number, some without e-mail."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for i, facts in enumerate(sample_members(count, seed=seed)):
        row = {c: "" for c in COLUMNS}
        row.update(
            member_ref=f"OLD{i:06d}",
            kind=str(facts.kind),
            first_name=facts.first_name or "",
            last_name=facts.last_name or "",
            company_name=facts.company_name or "",
            email=""
            if without_email_every and i % without_email_every == 3
            else f"old{i:06d}@example.org",
            language=str(facts.language),
            office=str(facts.office),
            street=facts.street or "",
            postcode=facts.postcode or "",
            city=facts.city or "",
            country=facts.country,
        )
        if facts.company_number:
            base = 3_000_000 + i  # unique per row: a real export has no duplicate companies
            row["company_number"] = f"{base:08d}{97 - base % 97:02d}"
        elif i % 2 == 0:
            row["national_number"] = _national_number(rng, i)
        writer.writerow(row)
    return out.getvalue()
