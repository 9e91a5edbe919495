"""One entry (`Ntry`) of an ISO 20022 camt.053 bank statement read into movements.

Pure: takes parsed XML elements, returns data. Elements are matched by local name so that every
namespace version reads the same way (`camt053` reads the file and its statements).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from lxml import etree
from lxml.etree import _Element

from governance.kernel.rules.errors import RuleViolation
from governance.kernel.rules.identifiers import parse_structured_communication

__all__ = [
    "InvalidStatement",
    "StatementEntry",
    "children",
    "compact_iban",
    "entry_rows",
    "find",
    "local_name",
    "parse_datetime",
    "text",
]


class InvalidStatement(RuleViolation):
    """The uploaded file is not a readable camt.053 bank statement."""

    code = "invalid_statement"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="statement")


@dataclass(frozen=True, slots=True)
class StatementEntry:
    """One movement; a batch-booked entry gives one StatementEntry per transaction.

    `structured_reference` holds the 12 digits of a valid Belgian structured communication, taken
    from `RmtInf/Strd` (SCOR, issuer BBA) or else found in the free text. `entry_index` (position
    of the `Ntry` in the statement) and `transaction_index` (position of the `TxDtls` in the entry)
    make a key that is unique within a statement even when a batch shares one bank reference.
    `booked` is False for entries whose status is not BOOK (PDNG, INFO), which some banks add.
    """

    bank_reference: str | None
    booking_date: date
    value_date: date | None
    amount_cents: int
    currency: str
    credit: bool
    reversal: bool
    structured_reference: str | None
    unstructured: str | None
    debtor_name: str | None
    debtor_iban: str | None
    end_to_end_id: str | None = None
    entry_index: int = 0
    transaction_index: int = 0
    booked: bool = True


# --------------------------------------------------------------------------- XML helpers


def local_name(element: _Element) -> str:
    """The tag without its namespace (empty for comments and processing instructions)."""
    tag = element.tag
    if not isinstance(tag, str):  # comments, processing instructions
        return ""
    return str(etree.QName(tag).localname)


def children(element: _Element, name: str) -> Iterator[_Element]:
    """The direct children named `name`, whatever their namespace."""
    for child in element:
        if local_name(child) == name:
            yield child


def find(element: _Element | None, *path: str) -> _Element | None:
    """The first element along `path` (local names), or None."""
    current = element
    for name in path:
        if current is None:
            return None
        current = next(children(current, name), None)
    return current


def _find_all(element: _Element | None, *path: str) -> list[_Element]:
    if element is None:
        return []
    found = [element]
    for name in path:
        found = [child for parent in found for child in children(parent, name)]
    return found


def text(element: _Element | None, *path: str) -> str | None:
    """The stripped text of the element along `path`; None when absent or blank."""
    node = find(element, *path)
    if node is None or node.text is None:
        return None
    value = node.text.strip()
    return value or None


def _first_text(element: _Element | None, *paths: tuple[str, ...]) -> str | None:
    for path in paths:
        value = text(element, *path)
        if value is not None:
            return value
    return None


# --------------------------------------------------------------------------- value parsing


def _parse_date(node: _Element | None, where: str, what: str) -> date | None:
    """`Dt` (a date) or `DtTm` (a date-time) under a date-and-date-time choice element."""
    if node is None:
        return None
    raw = text(node, "Dt")
    if raw is not None:
        try:
            return date.fromisoformat(raw[:10])
        except ValueError:
            raise InvalidStatement(f"{where}: the {what} {raw!r} is not a valid date") from None
    raw = text(node, "DtTm")
    if raw is not None:
        return parse_datetime(raw, where, what).date()
    return None


def parse_datetime(raw: str, where: str, what: str) -> datetime:
    """An ISO date and time, or a staff-readable refusal naming where it was."""
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidStatement(
            f"{where}: the {what} {raw!r} is not a valid date and time"
        ) from None


def _parse_amount(node: _Element, where: str) -> tuple[int, str]:
    raw = (node.text or "").strip()
    currency = (node.get("Ccy") or "").strip().upper()
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise InvalidStatement(f"{where}: the amount {raw!r} is not a number") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidStatement(f"{where}: the amount {raw!r} is not a valid amount")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise InvalidStatement(f"{where}: the amount {raw!r} has more than two decimals")
    if len(currency) != 3 or not currency.isalpha():
        raise InvalidStatement(f"{where}: the amount {raw!r} has no valid currency (Ccy)")
    return int(cents), currency


def _parse_bool(raw: str | None) -> bool:
    return raw is not None and raw.strip().lower() in ("true", "1")


def _credit(raw: str | None, what: str) -> bool:
    if raw == "CRDT":
        return True
    if raw == "DBIT":
        return False
    raise InvalidStatement(f"{what}: the credit/debit indicator {raw!r} is not CRDT or DBIT")


def compact_iban(raw: str | None) -> str | None:
    """An IBAN without spaces, upper case (None when empty)."""
    if raw is None:
        return None
    compact = "".join(raw.split()).upper()
    return compact or None


# --------------------------------------------------------------------------- remittance


def _structured_reference(tx: _Element | None) -> str | None:
    """The Belgian structured communication from `RmtInf/Strd/CdtrRefInf` (SCOR, issuer BBA)."""
    for strd in _find_all(tx, "RmtInf", "Strd"):
        for ref_inf in children(strd, "CdtrRefInf"):
            code = _first_text(ref_inf, ("Tp", "CdOrPrtry", "Cd"), ("Tp", "CdOrPrtry", "Prtry"))
            issuer = text(ref_inf, "Tp", "Issr")
            ref = text(ref_inf, "Ref")
            if ref is None or (code is not None and code.upper() != "SCOR"):
                continue
            if issuer is not None and issuer.upper() != "BBA":
                continue  # e.g. ISO 11649 "RF" creditor references
            found = parse_structured_communication(ref)
            if found is not None:
                return found
    return None


def _unstructured(tx: _Element | None) -> list[str]:
    lines: list[str] = []
    for node in _find_all(tx, "RmtInf", "Ustrd"):
        if node.text and node.text.strip():
            lines.append(node.text.strip())
    return lines


def _additional_info(tx: _Element | None) -> list[str]:
    return [
        node.text.strip()
        for node in _find_all(tx, "RmtInf", "Strd", "AddtlRmtInf")
        if node.text and node.text.strip()
    ]


def _reference_from_text(lines: list[str]) -> str | None:
    if not lines:
        return None
    # Banks cut long communications into 35- or 140-character lines; try both joins.
    return parse_structured_communication(" ".join(lines)) or parse_structured_communication(
        "".join(lines)
    )


# --------------------------------------------------------------------------- entries


def _party_name(tx: _Element | None, role: str) -> str | None:
    # camt.053.001.02-.07: RltdPties/Dbtr/Nm; .08 and later: RltdPties/Dbtr/Pty/Nm
    return _first_text(tx, ("RltdPties", role, "Nm"), ("RltdPties", role, "Pty", "Nm"))


def entry_rows(entry: _Element, entry_index: int, statement_id: str) -> list[StatementEntry]:
    """The movements of one `Ntry`: one row, or one per transaction of a batch-booked entry."""
    booking = _booking(entry, entry_index, statement_id)
    transactions: list[_Element | None] = list(_find_all(entry, "NtryDtls", "TxDtls"))
    if not transactions:
        transactions = [None]
    batch = len(transactions) > 1
    return [
        _transaction_row(entry, booking, tx, tx_index, batch)
        for tx_index, tx in enumerate(transactions)
    ]


@dataclass(frozen=True, slots=True)
class _Booking:
    """What an `Ntry` says for every transaction in it."""

    where: str
    entry_index: int
    cents: int
    currency: str
    credit: bool
    reversal: bool
    booked: bool
    booking_date: date
    value_date: date | None
    reference: str | None


def _booking(entry: _Element, entry_index: int, statement_id: str) -> _Booking:
    where = f"entry {entry_index + 1} of statement {statement_id}"
    amount_node = find(entry, "Amt")
    if amount_node is None:
        raise InvalidStatement(f"{where} has no amount")
    entry_cents, entry_currency = _parse_amount(amount_node, where)
    entry_credit = _credit(text(entry, "CdtDbtInd"), where)
    reversal = _parse_bool(text(entry, "RvslInd"))
    # .02-.04: <Sts>BOOK</Sts>; .05 and later: <Sts><Cd>BOOK</Cd></Sts>
    status = _first_text(entry, ("Sts", "Cd"), ("Sts", "Prtry"), ("Sts",))
    booked = status is None or status.upper() == "BOOK"
    booking = _parse_date(find(entry, "BookgDt"), where, "booking date")
    value = _parse_date(find(entry, "ValDt"), where, "value date")
    booking_date = booking or value
    if booking_date is None:
        raise InvalidStatement(f"{where} has neither a booking date nor a value date")
    return _Booking(
        where,
        entry_index,
        entry_cents,
        entry_currency,
        entry_credit,
        reversal,
        booked,
        booking_date,
        value,
        text(entry, "AcctSvcrRef"),
    )


def _transaction_row(
    entry: _Element, booking: _Booking, tx: _Element | None, tx_index: int, batch: bool
) -> StatementEntry:
    cents, currency = booking.cents, booking.currency
    # With a single transaction the entry amount is what was booked on the account; a
    # batch entry is split into its transactions, each with its own amount.
    if tx is not None and batch:
        tx_amount = find(tx, "AmtDtls", "TxAmt", "Amt")
        if tx_amount is None:
            tx_amount = find(tx, "Amt")
        if tx_amount is not None:
            where = f"transaction {tx_index + 1} of {booking.where}"
            cents, currency = _parse_amount(tx_amount, where)
    tx_indicator = text(tx, "CdtDbtInd")
    credit = _credit(tx_indicator, booking.where) if tx_indicator is not None else booking.credit
    lines = _unstructured(tx)
    if not lines:
        # No RmtInf/Ustrd: some banks only fill the additional information fields.
        extra = text(tx, "AddtlTxInf")
        if extra is None and not batch:
            extra = text(entry, "AddtlNtryInf")
        lines = [extra] if extra is not None else []
    structured = _structured_reference(tx) or _reference_from_text(lines + _additional_info(tx))
    return StatementEntry(
        bank_reference=text(tx, "Refs", "AcctSvcrRef") or booking.reference,
        booking_date=booking.booking_date,
        value_date=booking.value_date,
        amount_cents=cents,
        currency=currency,
        credit=credit,
        reversal=booking.reversal,
        structured_reference=structured,
        unstructured=" ".join(lines) if lines else None,
        debtor_name=_party_name(tx, "Dbtr"),
        debtor_iban=compact_iban(text(tx, "RltdPties", "DbtrAcct", "Id", "IBAN")),
        end_to_end_id=_end_to_end_id(tx),
        entry_index=booking.entry_index,
        transaction_index=tx_index,
        booked=booking.booked,
    )


def _end_to_end_id(tx: _Element | None) -> str | None:
    value = text(tx, "Refs", "EndToEndId")
    if value is None or value.upper() == "NOTPROVIDED":
        return None
    return value
