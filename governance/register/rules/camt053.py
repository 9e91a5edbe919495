"""Read an ISO 20022 camt.053 bank statement (versions .001.02 to .001.08 and later).

Pure: takes the file's bytes, returns data (each entry is read by `camt053_entries`). Elements
are matched by local name so that every namespace version reads the same way. The XML parser
never resolves entities, never touches the network, and a document that carries a DTD is
refused outright.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree
from lxml.etree import _Element

from governance.register.rules.camt053_entries import (
    InvalidStatement,
    StatementEntry,
    children,
    compact_iban,
    entry_rows,
    find,
    local_name,
    parse_datetime,
    text,
)

__all__ = [
    "SUPPORTED_NAMESPACES",
    "ForeignAccount",
    "Statement",
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


class StatementTooLarge(InvalidStatement):
    """The file is larger than the configured limit for a bank statement."""

    code = "statement_too_large"


class ForeignAccount(InvalidStatement):
    """The statement is for an account that is not one of the cooperative's own."""

    code = "foreign_account"


@dataclass(frozen=True, slots=True)
class Statement:
    """One `Stmt` of a camt.053 file: an account's movements over a period (usually one day)."""

    account_iban: str | None
    statement_id: str
    created_at: datetime | None
    entries: list[StatementEntry] = field(default_factory=list)


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
    body = find(root, "BkToCstmrStmt") if local_name(root) == "Document" else None
    if body is None:
        raise InvalidStatement(
            f"this XML file is not a camt.053 bank statement (it starts with <{local_name(root)}>"
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
    statement_id = text(node, "Id")
    if statement_id is None:
        raise InvalidStatement("a statement in the file has no identifier (Stmt/Id)")
    created_raw = text(node, "CreDtTm")
    created_at = (
        parse_datetime(created_raw, f"statement {statement_id}", "creation date")
        if created_raw is not None
        else created_fallback
    )
    entries: list[StatementEntry] = []
    for index, entry in enumerate(children(node, "Ntry")):
        entries.extend(entry_rows(entry, index, statement_id))
    return Statement(
        account_iban=compact_iban(text(node, "Acct", "Id", "IBAN")),
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
    header_raw = text(body, "GrpHdr", "CreDtTm")
    header_created = (
        parse_datetime(header_raw, "file header", "creation date") if header_raw else None
    )
    statements = [_statement(node, header_created) for node in children(body, "Stmt")]
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
