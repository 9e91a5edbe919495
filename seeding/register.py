"""A sample register spreadsheet (CSV text) for the demo, the tests and the benchmarks."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

from governance.kernel.rules.enums import MemberKind
from governance.members.rules.members import MemberFacts
from governance.register.rules.register_import import COLUMNS
from seeding.members import sample_members


def _company_number(i: int) -> str:
    first8 = f"0{2_000_000 + i:07d}"
    return f"{first8}{97 - int(first8) % 97:02d}"


def _member_cells(i: int, facts: MemberFacts) -> dict[str, str]:
    return {
        "kind": facts.kind.value,
        "first_name": facts.first_name or "",
        "last_name": facts.last_name or "",
        "company_name": facts.company_name or "",
        "company_number": _company_number(i) if facts.kind is MemberKind.COMPANY else "",
        "email": facts.email or "",
        "language": facts.language.value,
        "office": facts.office.value,
        "street": facts.street or "",
        "postcode": facts.postcode or "",
        "city": facts.city or "",
        "country": facts.country,
    }


def shareholders_csv(count: int, issued_on: date, seed: int = 2016, prefix: str = "S") -> str:
    """`count` members, each holding 1-3 fully paid class A shares issued on `issued_on`
    (a register to take over: the benchmarks' and tests' shareholders)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for i, facts in enumerate(sample_members(count, seed)):
        shares = 1 + i % 3
        writer.writerow(
            {
                "member_ref": f"{prefix}{i:06d}",
                **_member_cells(i, facts),
                "share_class": "A",
                "shares": str(shares),
                "paid_cents": str(shares * 3000),
                "subscribed_on": issued_on.isoformat(),
                "paid_on": issued_on.isoformat(),
            }
        )
    return out.getvalue()


def register_csv(members: int, seed: int = 2017, unpaid_every: int = 40) -> str:
    """`members` members, about 1.2 subscription rows each, in random order (not by date)."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    rows = []
    for i, facts in enumerate(sample_members(members, seed)):
        base = {"member_ref": f"R{i:06d}", **_member_cells(i, facts)}
        subscribed = date(2017, 3, 1) + timedelta(days=rng.randrange(0, 8 * 365))
        count = 2 if i % 5 == 0 else 1
        for n in range(count):
            on = subscribed + timedelta(days=400 * n)
            shares = rng.choice((1, 1, 1, 2, 3))
            unpaid = i % unpaid_every == 3 and n == count - 1
            rows.append(
                {
                    **base,
                    "share_class": "B" if i % 13 == 0 else "A",
                    "shares": str(shares),
                    "paid_cents": "0" if unpaid else str(shares * 3000),
                    "subscribed_on": on.isoformat(),
                    "paid_on": ""
                    if unpaid
                    else (on + timedelta(days=rng.randrange(0, 10))).isoformat(),
                }
            )
    rng.shuffle(rows)
    writer.writerows(rows)
    return out.getvalue()
