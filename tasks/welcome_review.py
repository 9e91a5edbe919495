"""What staff see before confirming a welcome pack: the member's facts, as a markdown table."""

from __future__ import annotations

from prefect import task

from documents import labels
from documents.formatting import money
from governance.db.uow import UnitOfWork
from governance.members.use_cases import members
from tasks.common import IO_RETRIES


@task(name="describe-member-for-review", **IO_RETRIES)
def describe_member_for_review(
    member_id: int, share_class: str, shares: int, amount_cents: int
) -> str:
    """Markdown with the facts a second staff member checks before the welcome pack goes out."""
    with UnitOfWork() as uow:
        m = members.get_member(uow.session, member_id)
    rows = [
        ("Member", f"{_cell(m.name)} (id {m.id})"),
        ("Status", m.status),
        ("Member number", m.member_number or "not yet assigned"),
        ("Office / language", f"{labels.office(m.office, 'en')} / {m.language}"),
        ("Address", _cell(f"{m.street}, {m.postcode} {m.city} ({m.country})")),
        ("E-mail", _cell(m.email or "none: the letter must be posted")),
        ("Shares", f"{shares} × class {share_class}"),
        ("Amount received", money(amount_cents, "en")),
    ]
    table = "\n".join(f"| {label} | {value} |" for label, value in rows)
    return (
        f"### Confirm the welcome pack of {_cell(m.name)}\n\n"
        "Check that the share payment was received and the address is right. "
        "**send** assigns the member number, archives the welcome letter and e-mails it; "
        "**hold** sends nothing and records your note.\n\n"
        f"| Fact | Value |\n|---|---|\n{table}\n"
    )


def _cell(text: str) -> str:
    """Member-typed text in a markdown table: no pipes, no line breaks, no markup."""
    return (
        text.replace("|", "/")
        .replace("\n", " ")
        .replace("*", "\\*")
        .replace("_", "\\_")
        .replace("<", "&lt;")
    )
