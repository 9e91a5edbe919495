"""Read an ISO 20022 camt.053 bank statement (versions .001.02 to .001.08 and later).

Pure: takes the file's bytes, returns data. Elements are matched by local name so that every
namespace version reads the same way. The XML parser never resolves entities, never touches the
network, and a document that carries a DTD is refused outright.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from lxml import etree
from lxml.etree import _Element

from governance.kernel.rules.errors import RuleViolation
from governance.kernel.rules.identifiers import parse_structured_communication

__all__ = [
    "SUPPORTED_NAMESPACES",
    "ForeignAccount",
    "InvalidStatement",
    "Statement",
    "StatementEntry",
    "StatementTooLarge",
    "check_own_accounts",
    "parse_statement",
    "parse_statements",
    "transaction_keys",
]

# The versions this reader is written and tested for (element paths differ between them:
# <Sts>BOOK</Sts> up to .04, <Sts><Cd>BOOK</Cd></Sts> from .05, Dbtr/Pty/Nm from .08).
SUPPORTED_NAMESPACES = tuple(
    f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version:02d}" for version in range(2, 9)
)


class InvalidStatement(RuleViolation):
    """The uploaded file is not a readable camt.053 bank statement."""

    code = "invalid_statement"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="statement")


class StatementTooLarge(InvalidStatement):
    """The file is larger than the configured limit for a bank statement."""

    code = "statement_too_large"


class ForeignAccount(InvalidStatement):
    """The statement is for an account that is not one of the cooperative's own."""

    code = "foreign_account"


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


@dataclass(frozen=True, slots=True)
class Statement:
    """One `Stmt` of a camt.053 file: an account's movements over a period (usually one day)."""

    account_iban: str | None
    statement_id: str
    created_at: datetime | None
    entries: list[StatementEntry] = field(default_factory=list)


# --------------------------------------------------------------------------- XML helpers


def _local(element: _Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):  # comments, processing instructions
        return ""
    return str(etree.QName(tag).localname)


def _children(element: _Element, name: str) -> Iterator[_Element]:
    for child in element:
        if _local(child) == name:
            yield child


def _find(element: _Element | None, *path: str) -> _Element | None:
    current = element
    for name in path:
        if current is None:
            return None
        current = next(_children(current, name), None)
    return current


def _find_all(element: _Element | None, *path: str) -> list[_Element]:
    if element is None:
        return []
    found = [element]
    for name in path:
        found = [child for parent in found for child in _children(parent, name)]
    return found


def _text(element: _Element | None, *path: str) -> str | None:
    node = _find(element, *path)
    if node is None or node.text is None:
        return None
    value = node.text.strip()
    return value or None


def _first_text(element: _Element | None, *paths: tuple[str, ...]) -> str | None:
    for path in paths:
        value = _text(element, *path)
        if value is not None:
            return value
    return None


# --------------------------------------------------------------------------- value parsing


def _parse_date(node: _Element | None, where: str, what: str) -> date | None:
    """`Dt` (a date) or `DtTm` (a date-time) under a date-and-date-time choice element."""
    if node is None:
        return None
    raw = _text(node, "Dt")
    if raw is not None:
        try:
            return date.fromisoformat(raw[:10])
        except ValueError:
            raise InvalidStatement(f"{where}: the {what} {raw!r} is not a valid date") from None
    raw = _text(node, "DtTm")
    if raw is not None:
        return _parse_datetime(raw, where, what).date()
    return None


def _parse_datetime(raw: str, where: str, what: str) -> datetime:
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


def _compact_iban(raw: str | None) -> str | None:
    if raw is None:
        return None
    compact = "".join(raw.split()).upper()
    return compact or None


# --------------------------------------------------------------------------- remittance


def _structured_reference(tx: _Element | None) -> str | None:
    """The Belgian structured communication from `RmtInf/Strd/CdtrRefInf` (SCOR, issuer BBA)."""
    for strd in _find_all(tx, "RmtInf", "Strd"):
        for ref_inf in _children(strd, "CdtrRefInf"):
            code = _first_text(ref_inf, ("Tp", "CdOrPrtry", "Cd"), ("Tp", "CdOrPrtry", "Prtry"))
            issuer = _text(ref_inf, "Tp", "Issr")
            ref = _text(ref_inf, "Ref")
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


def _entry_rows(entry: _Element, entry_index: int, statement_id: str) -> list[StatementEntry]:
    where = f"entry {entry_index + 1} of statement {statement_id}"
    amount_node = _find(entry, "Amt")
    if amount_node is None:
        raise InvalidStatement(f"{where} has no amount")
    entry_cents, entry_currency = _parse_amount(amount_node, where)
    entry_credit = _credit(_text(entry, "CdtDbtInd"), where)
    reversal = _parse_bool(_text(entry, "RvslInd"))
    # .02-.04: <Sts>BOOK</Sts>; .05 and later: <Sts><Cd>BOOK</Cd></Sts>
    status = _first_text(entry, ("Sts", "Cd"), ("Sts", "Prtry"), ("Sts",))
    booked = status is None or status.upper() == "BOOK"
    booking = _parse_date(_find(entry, "BookgDt"), where, "booking date")
    value = _parse_date(_find(entry, "ValDt"), where, "value date")
    booking_date = booking or value
    if booking_date is None:
        raise InvalidStatement(f"{where} has neither a booking date nor a value date")
    entry_ref = _text(entry, "AcctSvcrRef")

    transactions: list[_Element | None] = list(_find_all(entry, "NtryDtls", "TxDtls"))
    if not transactions:
        transactions = [None]
    rows: list[StatementEntry] = []
    for tx_index, tx in enumerate(transactions):
        cents, currency = entry_cents, entry_currency
        # With a single transaction the entry amount is what was booked on the account; a
        # batch entry is split into its transactions, each with its own amount.
        if tx is not None and len(transactions) > 1:
            tx_amount = _find(tx, "AmtDtls", "TxAmt", "Amt")
            if tx_amount is None:
                tx_amount = _find(tx, "Amt")
            if tx_amount is not None:
                cents, currency = _parse_amount(tx_amount, f"transaction {tx_index + 1} of {where}")
        tx_indicator = _text(tx, "CdtDbtInd")
        credit = _credit(tx_indicator, where) if tx_indicator is not None else entry_credit
        lines = _unstructured(tx)
        if not lines:
            # No RmtInf/Ustrd: some banks only fill the additional information fields.
            extra = _text(tx, "AddtlTxInf")
            if extra is None and len(transactions) == 1:
                extra = _text(entry, "AddtlNtryInf")
            lines = [extra] if extra is not None else []
        structured = _structured_reference(tx) or _reference_from_text(lines + _additional_info(tx))
        rows.append(
            StatementEntry(
                bank_reference=_text(tx, "Refs", "AcctSvcrRef") or entry_ref,
                booking_date=booking_date,
                value_date=value,
                amount_cents=cents,
                currency=currency,
                credit=credit,
                reversal=reversal,
                structured_reference=structured,
                unstructured=" ".join(lines) if lines else None,
                debtor_name=_party_name(tx, "Dbtr"),
                debtor_iban=_compact_iban(_text(tx, "RltdPties", "DbtrAcct", "Id", "IBAN")),
                end_to_end_id=_end_to_end_id(tx),
                entry_index=entry_index,
                transaction_index=tx_index,
                booked=booked,
            )
        )
    return rows


def _end_to_end_id(tx: _Element | None) -> str | None:
    value = _text(tx, "Refs", "EndToEndId")
    if value is None or value.upper() == "NOTPROVIDED":
        return None
    return value


# --------------------------------------------------------------------------- document


def _parse_xml(data: bytes) -> _Element:
    if not isinstance(data, bytes | bytearray):
        raise InvalidStatement("the bank statement must be given as the raw bytes of the file")
    if not data.strip():
        raise InvalidStatement("the bank statement file is empty")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(bytes(data), parser=parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidStatement(
            f"the file is not a readable XML bank statement (camt.053): {exc.msg}"
        ) from None
    if root is None:
        raise InvalidStatement("the file is not a readable XML bank statement (camt.053)")
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise InvalidStatement(
            "the file contains a DTD (<!DOCTYPE ...>), which bank statements never have; "
            "it was refused for safety"
        )
    return root


def _namespace(element: _Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return str(etree.QName(tag).namespace or "")


def _statements_root(root: _Element) -> _Element:
    namespace = _namespace(root)
    message = namespace.rsplit(":", 1)[-1] if namespace else ""
    if message.startswith("camt.") and not message.startswith("camt.053."):
        kind = message.split(".")[1] if "." in message else message
        raise InvalidStatement(
            f"this is a camt.{kind} file, not a camt.053 bank statement; "
            "download the end-of-day statement (camt.053) from the bank"
        )
    body = _find(root, "BkToCstmrStmt") if _local(root) == "Document" else None
    if body is None:
        raise InvalidStatement(
            f"this XML file is not a camt.053 bank statement (it starts with <{_local(root)}>"
            + (f" in namespace {namespace}" if namespace else "")
            + ")"
        )
    if namespace not in SUPPORTED_NAMESPACES:
        raise InvalidStatement(
            f"the statement's format ({namespace or 'no namespace'}) is not one this import "
            "reads; supported: urn:iso:std:iso:20022:tech:xsd:camt.053.001.02 to "
            "camt.053.001.08; nothing was imported"
        )
    return body


def _statement(node: _Element, created_fallback: datetime | None) -> Statement:
    statement_id = _text(node, "Id")
    if statement_id is None:
        raise InvalidStatement("a statement in the file has no identifier (Stmt/Id)")
    created_raw = _text(node, "CreDtTm")
    created_at = (
        _parse_datetime(created_raw, f"statement {statement_id}", "creation date")
        if created_raw is not None
        else created_fallback
    )
    entries: list[StatementEntry] = []
    for index, entry in enumerate(_children(node, "Ntry")):
        entries.extend(_entry_rows(entry, index, statement_id))
    return Statement(
        account_iban=_compact_iban(_text(node, "Acct", "Id", "IBAN")),
        statement_id=statement_id,
        created_at=created_at,
        entries=entries,
    )


def check_size(size: int, max_bytes: int) -> None:
    """Refuse a file over the limit before reading it (a statement is a few MB a day)."""
    if size > max_bytes:
        raise StatementTooLarge(
            f"the bank statement file is {size / 1_000_000:.1f} MB, over the limit of "
            f"{max_bytes / 1_000_000:.1f} MB (setting COOP_STATEMENT_MAX_BYTES); ask the bank "
            "for one file per day, or raise the limit; nothing was imported"
        )


def parse_statements(data: bytes, *, max_bytes: int | None = None) -> list[Statement]:
    """Every statement (`Stmt`) of a camt.053 file; some banks put several days or accounts
    in one file. A file over `max_bytes` is refused before it is parsed."""
    if max_bytes is not None and isinstance(data, bytes | bytearray):
        check_size(len(data), max_bytes)
    root = _parse_xml(data)
    body = _statements_root(root)
    header_raw = _text(body, "GrpHdr", "CreDtTm")
    header_created = (
        _parse_datetime(header_raw, "file header", "creation date") if header_raw else None
    )
    statements = [_statement(node, header_created) for node in _children(body, "Stmt")]
    if not statements:
        raise InvalidStatement("the camt.053 file contains no statement (Stmt)")
    return statements


def parse_statement(data: bytes) -> Statement:
    """The single statement of a camt.053 file.

    Raises `InvalidStatement` when the file is not a camt.053 statement, is malformed, or holds
    several statements (use `parse_statements` for those).
    """
    statements = parse_statements(data)
    if len(statements) != 1:
        ids = ", ".join(statement.statement_id for statement in statements)
        raise InvalidStatement(
            f"the file holds {len(statements)} statements ({ids}); import them one by one"
        )
    return statements[0]


def check_own_accounts(statements: list[Statement], own_ibans: frozenset[str]) -> None:
    """Refuse the file unless every statement is for one of the cooperative's own accounts."""
    for statement in statements:
        if statement.account_iban is None:
            raise ForeignAccount(
                f"statement {statement.statement_id} names no account IBAN (Stmt/Acct/Id/IBAN); "
                "nothing was imported"
            )
        if statement.account_iban not in own_ibans:
            raise ForeignAccount(
                f"statement {statement.statement_id} is for account {statement.account_iban}, "
                "which is not one of the cooperative's accounts (settings COOP_COOP_IBAN, "
                "COOP_BANK_ACCOUNTS); nothing was imported"
            )


def _identity(statement: Statement, entry: StatementEntry) -> tuple[str, ...]:
    """What a bank movement is, wherever it appears in a file: the account, the booking day,
    the direction, the amount and the bank's own references (else what the payer sent)."""
    base = (
        statement.account_iban or "",
        entry.booking_date.isoformat(),
        ("CRDT" if entry.credit else "DBIT") + (":RVSL" if entry.reversal else ""),
        f"{entry.amount_cents}{entry.currency}",
    )
    if entry.bank_reference or entry.end_to_end_id:
        return (*base, entry.bank_reference or "", entry.end_to_end_id or "")
    return (
        *base,
        "",
        "",
        entry.debtor_iban or "",
        entry.structured_reference or "",
        entry.unstructured or "",
    )


def transaction_keys(statement: Statement) -> list[str]:
    """A stable identity per entry of `statement` (same order), independent of its position:
    the same movement in a resent or overlapping file gets the same key. Identical movements
    within one file (a batch with one shared reference) are told apart by their occurrence."""
    seen: dict[tuple[str, ...], int] = {}
    keys = []
    for entry in statement.entries:
        identity = _identity(statement, entry)
        seen[identity] = seen.get(identity, 0) + 1
        canonical = "\x1f".join((*identity, str(seen[identity])))
        keys.append(hashlib.sha256(canonical.encode()).hexdigest())
    return keys
