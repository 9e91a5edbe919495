"""The cooperative transition: rules of a campaign, its reminder schedule, the EPC payment QR.

Pure: takes dates and facts, returns decisions. No database, clock or files.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from governance.kernel.rules.errors import RuleViolation


class InviteeResponse(StrEnum):
    """What a member answered instead of paying."""

    NOT_NOW = "not_now"  # no share for now: no more reminders, restricted on the date
    RESIGN = "resign"  # leaves the cooperative: subscription cancelled, member resigned


class InvalidCampaign(RuleViolation):
    """The campaign's dates or schedule do not hold together."""

    code = "invalid_campaign"


class CampaignClosed(RuleViolation):
    """The action comes after the campaign's restriction date."""

    code = "campaign_closed"


@dataclass(frozen=True)
class CampaignPlan:
    """The dates staff give a campaign, checked."""

    deadline: date
    reminder_days: tuple[int, ...]  # days before the deadline, e.g. (14, 3)
    restriction_on: date

    @classmethod
    def checked(
        cls, *, deadline: date, reminder_days: Iterable[int], restriction_on: date, today: date
    ) -> CampaignPlan:
        """Refuse a campaign whose dates cannot work; reminders sorted earliest first."""
        days = sorted(set(reminder_days), reverse=True)
        if deadline <= today:
            raise InvalidCampaign(
                f"the deadline {deadline.isoformat()} must be after today ({today.isoformat()})",
                field="deadline",
            )
        if restriction_on < deadline:
            raise InvalidCampaign(
                f"the restriction date {restriction_on.isoformat()} must be on or after the "
                f"deadline {deadline.isoformat()}",
                field="restriction_on",
            )
        for d in days:
            if d < 0:
                raise InvalidCampaign(
                    f"a reminder is given in days before the deadline: {d} is negative",
                    field="reminder_days",
                )
            if deadline - timedelta(days=d) <= today:
                raise InvalidCampaign(
                    f"a reminder {d} days before the deadline would fall on "
                    f"{(deadline - timedelta(days=d)).isoformat()}, not after today",
                    field="reminder_days",
                )
        return cls(deadline, tuple(days), restriction_on)

    def reminder_dates(self) -> list[date]:
        return [self.deadline - timedelta(days=d) for d in self.reminder_days]

    def reminders_due(self, today: date) -> int:
        """How many reminder stages have come by `today` (0 = none yet)."""
        if today >= self.restriction_on:
            return 0  # after restriction, members get the restriction notice, not reminders
        return sum(1 for when in self.reminder_dates() if when <= today)

    def invitations_open(self, today: date) -> bool:
        return today < self.restriction_on


def reminder_to_send(stages_due: int, stages_sent: int) -> bool:
    """A member gets at most ONE reminder per run: the latest stage due, if not yet sent.

    A run that catches up after missed days sends one reminder, not several at once."""
    return stages_due > stages_sent


# --------------------------------------------------------------------------- EPC QR


class InvalidPaymentQr(RuleViolation):
    code = "invalid_payment_qr"


@dataclass(frozen=True)
class EpcTransfer:
    """The fields of an EPC "SEPA credit transfer" QR (EPC069-12, version 002)."""

    bic: str
    name: str
    iban: str
    amount_cents: int
    reference: str  # structured remittance reference
    text: str = ""  # unstructured remittance (empty when a reference is given)
    purpose: str = ""


_BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$")


def epc_payload(transfer: EpcTransfer) -> str:
    """The text banking apps read from the QR: 11 lines, LF-separated, UTF-8 (charset 1).

    The Belgian structured communication goes, as its 12 digits, in the structured-reference
    line (line 10): Belgian banking apps fill the "structured communication" field from it."""
    if not _BIC.match(transfer.bic):
        raise InvalidPaymentQr(f"the BIC {transfer.bic} is not 8 or 11 letters/digits", field="bic")
    if not _IBAN.match(transfer.iban):
        raise InvalidPaymentQr(f"the IBAN {transfer.iban} must be given compact", field="iban")
    if not 0 < len(transfer.name) <= 70:
        raise InvalidPaymentQr("the beneficiary name must have 1 to 70 characters", field="name")
    if not 1 <= transfer.amount_cents <= 99_999_999_999:
        raise InvalidPaymentQr("the amount must be between 0.01 and 999999999.99", field="amount")
    if bool(transfer.reference) == bool(transfer.text):
        raise InvalidPaymentQr(
            "give either a structured reference or a free text, not both", field="reference"
        )
    if len(transfer.reference) > 35 or len(transfer.text) > 140:
        raise InvalidPaymentQr("the remittance is too long", field="reference")
    if transfer.purpose and not re.fullmatch(r"[A-Z]{4}", transfer.purpose):
        raise InvalidPaymentQr("a purpose code has 4 capital letters", field="purpose")
    euros, cents = divmod(transfer.amount_cents, 100)
    lines = [
        "BCD",  # service tag
        "002",  # version
        "1",  # character set: UTF-8
        "SCT",  # SEPA credit transfer
        transfer.bic,
        transfer.name,
        transfer.iban,
        f"EUR{euros}.{cents:02d}",
        transfer.purpose,
        transfer.reference,
        transfer.text,
    ]
    payload = "\n".join(lines)
    if len(payload.encode("utf-8")) > 331:
        raise InvalidPaymentQr("the payment QR holds at most 331 bytes", field="name")
    return payload


def parse_epc_payload(payload: str) -> EpcTransfer:
    """Read an EPC QR payload back (what a banking app does); raises on a malformed one."""
    lines = payload.split("\n")
    if len(lines) < 10 or lines[:4] != ["BCD", "002", "1", "SCT"]:
        raise InvalidPaymentQr("not an EPC QR version 002 in UTF-8 for a SEPA credit transfer")
    lines += [""] * (12 - len(lines))
    amount = re.fullmatch(r"EUR(\d{1,9})\.(\d{2})", lines[7])
    if amount is None:
        raise InvalidPaymentQr(f"the amount line {lines[7]!r} is not like EUR30.00")
    return EpcTransfer(
        bic=lines[4],
        name=lines[5],
        iban=lines[6],
        amount_cents=int(amount.group(1)) * 100 + int(amount.group(2)),
        purpose=lines[8],
        reference=lines[9],
        text=lines[10],
    )


# --------------------------------------------------------------------------- conversion figures


@dataclass(frozen=True)
class InviteeFacts:
    """One invitee as the conversion report sees it."""

    office: str
    language: str
    invited_on: date | None
    paid_on: date | None
    response: InviteeResponse | None
    restricted: bool


@dataclass
class ConversionRow:
    group: str
    invited: int = 0
    paid: int = 0
    not_now: int = 0
    resigned: int = 0
    restricted: int = 0

    @property
    def percent_paid(self) -> float:
        return round(100.0 * self.paid / self.invited, 1) if self.invited else 0.0

    def add(self, fact: InviteeFacts) -> None:
        self.invited += 1
        self.paid += fact.paid_on is not None
        self.not_now += fact.response is InviteeResponse.NOT_NOW
        self.resigned += fact.response is InviteeResponse.RESIGN
        self.restricted += fact.restricted


@dataclass
class Conversion:
    total: ConversionRow
    by_office: list[ConversionRow] = field(default_factory=list)
    by_language: list[ConversionRow] = field(default_factory=list)
    paid_by_week: list[tuple[str, int, int]] = field(default_factory=list)  # week, new, cumulative


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def conversion(facts: Iterable[InviteeFacts]) -> Conversion:
    """Counts and percentages by office, language and week of payment."""
    total = ConversionRow("all")
    offices: dict[str, ConversionRow] = {}
    languages: dict[str, ConversionRow] = {}
    weeks: Counter[str] = Counter()
    for fact in facts:
        total.add(fact)
        offices.setdefault(fact.office, ConversionRow(fact.office)).add(fact)
        languages.setdefault(fact.language, ConversionRow(fact.language)).add(fact)
        if fact.paid_on is not None:
            weeks[iso_week(fact.paid_on)] += 1
    cumulative = 0
    by_week = []
    for week in sorted(weeks):
        cumulative += weeks[week]
        by_week.append((week, weeks[week], cumulative))
    return Conversion(
        total,
        sorted(offices.values(), key=lambda r: r.group),
        sorted(languages.values(), key=lambda r: r.group),
        by_week,
    )
