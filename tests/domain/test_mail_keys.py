"""Outbox keys: each key is selected by the prefixes a flow delivers it with, and the strings
stay byte-identical to the ones already stored in outbox rows."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from governance.kernel.rules import mail_keys as mk

LOCKED_UNTIL = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)

# (a key as a service queues it, the string stored in the outbox, the prefixes that select it)
CASES: list[tuple[str, str, list[str]]] = [
    (mk.welcome(7), "mail:welcome:7", [mk.welcome(7), mk.welcome()]),
    (
        mk.onboarding_key(3, "info:1"),
        "mail:onboarding:3:info:1",
        [mk.onboarding(3), mk.onboarding()],
    ),
    (
        mk.onboarding_review_reminder(3, 2, 1),
        "mail:onboarding:3:review-reminder:2:1",
        [mk.onboarding(3), mk.onboarding()],
    ),
    (
        mk.staff_locked_key("ana", LOCKED_UNTIL, "bob"),
        "mail:staff-locked:ana:20260304T050607:bob",
        [mk.staff_locked("ana")],
    ),
    (
        mk.share_payment_instructions(11),
        "mail:share_payment_instructions:11",
        [mk.share_payment_instructions(11), mk.share_payment_instructions()],
    ),
    (
        mk.share_payment_reminder(11),
        "mail:share_payment_reminder:11",
        [mk.share_payment_reminder(11), mk.share_payment_reminder()],
    ),
    (
        mk.share_subscription_cancelled(11),
        "mail:share_subscription_cancelled:11",
        [mk.share_subscription_cancelled(11), mk.share_subscription_cancelled()],
    ),
    (
        mk.share_certificate(11),
        "mail:share_certificate:11",
        [mk.share_certificate(11), mk.share_certificate()],
    ),
    (mk.share_transfer_key(42, 5), "mail:share_transfer:42:5", [mk.share_transfer(42)]),
    (
        mk.share_resignation_refused_key(5, "req-1"),
        "mail:share_resignation_refused:5:refused:req-1",
        [mk.share_resignation_refused(5)],
    ),
    (
        mk.share_resignation_accepted_key(5, 9),
        "mail:share_resignation_accepted:5:accepted:9",
        [mk.share_resignation_accepted(5)],
    ),
    (
        mk.share_resignation_completed_key(5, 9),
        "mail:share_resignation_completed:5:completed:9",
        [mk.share_resignation_completed(5)],
    ),
    (
        mk.contract_decision(8, 2, "refused"),
        "mail:contract:8:r2:refused",
        [mk.contracts(8), mk.contracts()],
    ),
    (
        mk.contract_approved(8, "client"),
        "mail:contract:8:approved:client",
        [mk.contracts(8), mk.contracts()],
    ),
    (
        mk.contract_cancelled(8, "member"),
        "mail:contract:8:cancelled:member",
        [mk.contracts(8), mk.contracts()],
    ),
    (
        mk.contract_credit_note(8, "CN-2026-0001"),
        "mail:contract:8:credit-note:CN-2026-0001",
        [mk.contracts(8), mk.contracts()],
    ),
    (
        mk.contract_reminder("contract:8:r1:approval-1", 2),
        "mail:contract-reminder:contract:8:r1:approval-1:2",
        [mk.contract_reminders()],
    ),
    (mk.grant_ack(4, "G-0001"), "mail:grants:4:ack:G-0001", [mk.grants(4), mk.grants()]),
    (mk.grant_review_request(4, 6), "mail:grants:4:review:6", [mk.grants(4), mk.grants()]),
    (
        mk.grant_review_reminder(4, 6),
        "mail:grants:4:review-reminder:6",
        [mk.grants(4), mk.grants()],
    ),
    (
        mk.grant_decision_letter(4, "grant_award", "G-0001"),
        "mail:grants:4:grant_award:G-0001",
        [mk.grants(4), mk.grants()],
    ),
    (mk.grant_decision_pack(4), "mail:grants:4:pack", [mk.grants(4), mk.grants()]),
    (
        mk.grant_report_submitted(4, 12),
        "mail:grants:4:report-in:12",
        [mk.grants(4), mk.grants()],
    ),
    (
        mk.grant_report_reminder(4, 13, 2026, 7),
        "mail:grants:4:report-reminder:13:2026-07",
        [mk.grants(4), mk.grants()],
    ),
    (
        mk.assembly_convocation_key(2, 3, 77),
        "mail:assembly:2:conv:00003:77",
        [mk.assembly_convocation(2, 3), mk.assembly_convocation(2)],
    ),
    (
        mk.assembly_convocation_key(2, None, 77),
        "mail:assembly:2:conv:77",
        [mk.assembly_convocation(2)],
    ),
    (mk.assembly_reminder_key(2, 77), "mail:assembly:2:remind:77", [mk.assembly_reminder(2)]),
    (
        mk.assembly_results_key(2, 77),
        "mail:assembly-results:2:77",
        [mk.assembly_results(2)],
    ),
    (
        mk.transition_key(1, "reminder2", 77),
        "mail:transition:1:reminder2:77",
        [mk.transition(1)],
    ),
]


@pytest.mark.parametrize(("key", "stored", "prefixes"), CASES, ids=[c[1] for c in CASES])
def test_a_key_is_the_stored_string_and_its_prefixes_select_it(
    key: str, stored: str, prefixes: list[str]
) -> None:
    assert key == stored
    assert all(key.startswith(prefix) for prefix in prefixes)


def _prefixes() -> dict[str, str]:
    """Every prefix a flow can be given, by the function that makes it."""
    return {
        "welcome": mk.welcome(),
        "onboarding": mk.onboarding(),
        "staff_locked": mk.staff_locked("ana"),
        "share_payment_instructions": mk.share_payment_instructions(),
        "share_payment_reminder": mk.share_payment_reminder(),
        "share_subscription_cancelled": mk.share_subscription_cancelled(),
        "share_certificate": mk.share_certificate(),
        "share_transfer": mk.share_transfer(42),
        "share_resignation_refused": mk.share_resignation_refused(5),
        "share_resignation_accepted": mk.share_resignation_accepted(5),
        "share_resignation_completed": mk.share_resignation_completed(5),
        "contracts": mk.contracts(),
        "contract_reminders": mk.contract_reminders(),
        "grants": mk.grants(),
        "assembly_convocation": mk.assembly_convocation(2),
        "assembly_reminder": mk.assembly_reminder(2),
        "assembly_results": mk.assembly_results(2),
        "transition": mk.transition(1),
    }


def test_mailings_do_not_overlap_each_key_belongs_to_one() -> None:
    prefixes = _prefixes()
    for name, prefix in prefixes.items():
        overlapping = [o for o, p in prefixes.items() if o != name and p.startswith(prefix)]
        assert not overlapping, f"{name} ({prefix}) also selects {overlapping}"
    for key, _, _ in CASES:
        owners = [name for name, prefix in prefixes.items() if key.startswith(prefix)]
        assert len(owners) == 1, f"{key}: {owners}"


def test_an_id_prefix_ends_at_a_separator_so_id_3_does_not_select_id_31() -> None:
    assert not mk.onboarding_key(31, "info:1").startswith(mk.onboarding(3))
    assert not mk.contract_approved(31, "client").startswith(mk.contracts(3))
    assert not mk.grant_ack(31, "G-1").startswith(mk.grants(3))
    assert not mk.transition_key(31, "invitation", 1).startswith(mk.transition(3))
    assert not mk.assembly_results_key(31, 1).startswith(mk.assembly_results(3))


def test_every_function_of_the_module_is_checked_here() -> None:
    public: list[Callable[..., str]] = [
        f
        for name, f in inspect.getmembers(mk, inspect.isfunction)
        if not name.startswith("_") and f.__module__ == mk.__name__
    ]
    source = Path(__file__).read_text(encoding="utf-8")
    unchecked = [f.__name__ for f in public if f"mk.{f.__name__}(" not in source]
    assert len(public) > 30
    assert not unchecked
