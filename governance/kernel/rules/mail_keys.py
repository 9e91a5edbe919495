"""Every outbox idempotency key, and the prefix that selects it for delivery: the only place
that spells one.

A key is `mail:<mailing>:<part>:...`; delivery picks messages by key prefix. Each mailing has a
function giving its prefix (the whole family when called without ids) and the functions that
build its keys start from that prefix, so a key and the prefix that selects it cannot drift.
The strings are stored in outbox rows: changing one makes a queued message be sent again or
never delivered by its flow.
"""

from __future__ import annotations

from datetime import datetime

MAIL = "mail:"


def _prefix(mailing: str, *ids: object) -> str:
    return MAIL + "".join(f"{part}:" for part in (mailing, *ids))


# --- members -----------------------------------------------------------------------------


def welcome(member_id: int | None = None) -> str:
    """The one welcome e-mail of a member (onboarding and the welcome flow share it): the key,
    which is also the prefix that selects it (without an id: the prefix of all of them)."""
    family = _prefix("welcome")
    return family if member_id is None else f"{family}{member_id}"


def onboarding(application_id: int | None = None) -> str:
    """Prefix of the e-mails about one membership application (all of them without an id)."""
    return (
        _prefix("onboarding") if application_id is None else _prefix("onboarding", application_id)
    )


def onboarding_key(application_id: int, step: str) -> str:
    """One e-mail to an applicant, named by its step (`info:1`, `refused`...)."""
    return f"{onboarding(application_id)}{step}"


def onboarding_review_reminder(application_id: int, review_round: int, sequence: int) -> str:
    """The staff mailbox's reminder number `sequence` in one review round of an application."""
    return onboarding_key(application_id, f"review-reminder:{review_round}:{sequence}")


def staff_locked(login: str) -> str:
    """Prefix of the reports to administrators that this staff login was locked."""
    return _prefix("staff-locked", login)


def staff_locked_key(login: str, until: datetime, admin_login: str) -> str:
    """One administrator's report of one lock (until a given time)."""
    return f"{staff_locked(login)}{until:%Y%m%dT%H%M%S}:{admin_login}"


# --- the share register --------------------------------------------------------------------


def share_payment_instructions(subscription_id: int | None = None) -> str:
    """The payment instructions of a subscription: the key and its own prefix (without an id:
    the prefix of all of them)."""
    family = _prefix("share_payment_instructions")
    return family if subscription_id is None else f"{family}{subscription_id}"


def share_payment_reminder(subscription_id: int | None = None) -> str:
    """The payment reminder of a subscription: the key and its own prefix."""
    family = _prefix("share_payment_reminder")
    return family if subscription_id is None else f"{family}{subscription_id}"


def share_subscription_cancelled(subscription_id: int | None = None) -> str:
    """The notice that a subscription lapsed or was cancelled: the key and its own prefix."""
    family = _prefix("share_subscription_cancelled")
    return family if subscription_id is None else f"{family}{subscription_id}"


def share_certificate(subscription_id: int | None = None) -> str:
    """The certificate e-mail of an issued subscription: the key and its own prefix."""
    family = _prefix("share_certificate")
    return family if subscription_id is None else f"{family}{subscription_id}"


def share_transfer(sequence: int) -> str:
    """Prefix of the notices of one transfer (register entry `sequence`): giver and receiver."""
    return _prefix("share_transfer", sequence)


def share_transfer_key(sequence: int, member_id: int) -> str:
    return f"{share_transfer(sequence)}{member_id}"


def share_resignation_refused(member_id: int) -> str:
    """Prefix of the refusals of a member's resignation requests."""
    return _prefix("share_resignation_refused", member_id)


def share_resignation_refused_key(member_id: int, request_key: str) -> str:
    return f"{share_resignation_refused(member_id)}refused:{request_key}"


def share_resignation_accepted(member_id: int) -> str:
    """Prefix of the acceptances of a member's resignations."""
    return _prefix("share_resignation_accepted", member_id)


def share_resignation_accepted_key(member_id: int, resignation_id: int) -> str:
    return f"{share_resignation_accepted(member_id)}accepted:{resignation_id}"


def share_resignation_completed(member_id: int) -> str:
    """Prefix of the notices that a member's resignation was carried out (shares repaid)."""
    return _prefix("share_resignation_completed", member_id)


def share_resignation_completed_key(member_id: int, resignation_id: int) -> str:
    return f"{share_resignation_completed(member_id)}completed:{resignation_id}"


# --- contracts -----------------------------------------------------------------------------


def contracts(declaration_id: int | None = None) -> str:
    """Prefix of the e-mails about one declaration (all declarations without an id)."""
    return _prefix("contract") if declaration_id is None else _prefix("contract", declaration_id)


def contract_decision(declaration_id: int, revision: int, status: str) -> str:
    """The member's e-mail that revision `revision` was refused or sent back (`status`)."""
    return f"{contracts(declaration_id)}r{revision}:{status}"


def contract_approved(declaration_id: int, role: str) -> str:
    """The approval e-mail to the `client` or the `member`."""
    return f"{contracts(declaration_id)}approved:{role}"


def contract_cancelled(declaration_id: int, role: str) -> str:
    """The cancellation e-mail to the `client` or the `member`."""
    return f"{contracts(declaration_id)}cancelled:{role}"


def contract_credit_note(declaration_id: int, credit_number: str) -> str:
    """The client's credit note for an invoice of this declaration."""
    return f"{contracts(declaration_id)}credit-note:{credit_number}"


def contract_reminders() -> str:
    """Prefix of the staff mailbox's reminders about open contract decisions."""
    return _prefix("contract-reminder")


def contract_reminder(decision_key: str, reminder: int) -> str:
    """Reminder number `reminder` about one open decision."""
    return f"{contract_reminders()}{decision_key}:{reminder}"


# --- grants --------------------------------------------------------------------------------


def grants(call_id: int | None = None) -> str:
    """Prefix of the e-mails of one call for grants (all calls without an id)."""
    return _prefix("grants") if call_id is None else _prefix("grants", call_id)


def grant_ack(call_id: int, reference: str) -> str:
    """The applicant's acknowledgement of receipt."""
    return f"{grants(call_id)}ack:{reference}"


def grant_review_request(call_id: int, assignment_id: int) -> str:
    return f"{grants(call_id)}review:{assignment_id}"


def grant_review_reminder(call_id: int, assignment_id: int) -> str:
    return f"{grants(call_id)}review-reminder:{assignment_id}"


def grant_decision_letter(call_id: int, template: str, reference: str) -> str:
    """An applicant's award or refusal letter (`template` names which)."""
    return f"{grants(call_id)}{template}:{reference}"


def grant_decision_pack(call_id: int) -> str:
    """The staff mailbox's decision pack of the call."""
    return f"{grants(call_id)}pack"


def grant_report_submitted(call_id: int, report_id: int) -> str:
    return f"{grants(call_id)}report-in:{report_id}"


def grant_report_reminder(call_id: int, instalment_id: int, year: int, week: int) -> str:
    """The weekly reminder (ISO `year`, `week`) that an instalment's report is due."""
    return f"{grants(call_id)}report-reminder:{instalment_id}:{year}-{week:02d}"


# --- general assembly ----------------------------------------------------------------------


def assembly_convocation(assembly_id: int, number: int | None = None) -> str:
    """Prefix of an assembly's convocations (of one convocation run when `number` is given)."""
    family = _prefix("assembly", assembly_id, "conv")
    return family if number is None else f"{family}{number:05d}:"


def assembly_convocation_key(assembly_id: int, number: int | None, member_id: int) -> str:
    return f"{assembly_convocation(assembly_id, number)}{member_id}"


def assembly_reminder(assembly_id: int) -> str:
    """Prefix of the reminders to vote of one assembly."""
    return _prefix("assembly", assembly_id, "remind")


def assembly_reminder_key(assembly_id: int, member_id: int) -> str:
    return f"{assembly_reminder(assembly_id)}{member_id}"


def assembly_results(assembly_id: int) -> str:
    """Prefix of the results e-mails of one assembly."""
    return _prefix("assembly-results", assembly_id)


def assembly_results_key(assembly_id: int, member_id: int) -> str:
    return f"{assembly_results(assembly_id)}{member_id}"


# --- the transition campaign ---------------------------------------------------------------


def transition(campaign_id: int) -> str:
    """Prefix of every e-mail of one transition campaign."""
    return _prefix("transition", campaign_id)


def transition_key(campaign_id: int, step: str, member_id: int) -> str:
    """A member's e-mail at one step (`invitation`, `reminder1`, `restricted`...)."""
    return f"{transition(campaign_id)}{step}:{member_id}"
