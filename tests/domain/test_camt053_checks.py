"""camt.053 statements checked against the cooperative: supported versions only, its own
accounts only, a size limit, and a stable identity per bank movement."""

from __future__ import annotations

import pytest

from governance.register.rules.camt053 import (
    SUPPORTED_NAMESPACES,
    ForeignAccount,
    StatementTooLarge,
    check_own_accounts,
    parse_statement,
    parse_statements,
    transaction_keys,
)
from governance.register.rules.camt053_entries import InvalidStatement

COOP = "BE71096123456769"


def _entry(version: int, ref: str, amount: str = "30.00", e2e: str = "E2E-1") -> str:
    """A booked credit written the way version .0`version` writes it."""
    status = "<Sts>BOOK</Sts>" if version <= 4 else "<Sts><Cd>BOOK</Cd></Sts>"
    debtor = "<Dbtr><Nm>Ana</Nm></Dbtr>" if version < 8 else "<Dbtr><Pty><Nm>Ana</Nm></Pty></Dbtr>"
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>{status}'
        f"<BookgDt><Dt>2026-03-02</Dt></BookgDt><AcctSvcrRef>{ref}</AcctSvcrRef>"
        f"<NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>"
        f"<RltdPties>{debtor}<DbtrAcct><Id><IBAN>BE05068123456775</IBAN></Id></DbtrAcct>"
        "</RltdPties><RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>"
        "<Issr>BBA</Issr></Tp><Ref>100000000135</Ref></CdtrRefInf></Strd></RmtInf>"
        "</TxDtls></NtryDtls></Ntry>"
    )


def _file(entries: str, *, version: int = 2, iban: str = COOP, statement: str = "S1") -> bytes:
    namespace = f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version:02d}"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{namespace}"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>M</MsgId><CreDtTm>2026-03-02T06:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{statement}</Id><Acct><Id><IBAN>{iban}</IBAN></Id></Acct>{entries}</Stmt>"
        "</BkToCstmrStmt></Document>"
    ).encode()


@pytest.mark.parametrize("version", range(2, 9))
def test_every_supported_version_reads_the_same_credit(version: int) -> None:
    assert f"camt.053.001.{version:02d}" in SUPPORTED_NAMESPACES[version - 2]
    (entry,) = parse_statement(_file(_entry(version, "REF-1"), version=version)).entries
    assert (entry.amount_cents, entry.credit, entry.booked) == (3000, True, True)
    assert entry.debtor_name == "Ana"
    assert entry.structured_reference == "100000000135"
    assert entry.bank_reference == "REF-1"


@pytest.mark.parametrize(
    "namespace",
    [
        "urn:evil:camt.053.001.02",
        "urn:iso:std:iso:20022:tech:xsd:camt.053.001.13",
        "urn:iso:std:iso:20022:tech:xsd:camt.053.001.01",
        "http://example.org/camt.053.001.02",
    ],
)
def test_a_namespace_not_supported_is_refused_by_name(namespace: str) -> None:
    data = _file(_entry(2, "REF-1")).replace(
        b"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02", namespace.encode()
    )
    with pytest.raises(InvalidStatement) as refused:
        parse_statements(data)
    assert namespace in refused.value.message
    assert "camt.053.001.02" in refused.value.message  # says what is supported


def test_a_file_over_the_limit_is_refused_before_parsing() -> None:
    data = _file(_entry(2, "REF-1") * 50)
    with pytest.raises(StatementTooLarge, match="over the limit"):
        parse_statements(data, max_bytes=len(data) - 1)
    assert len(parse_statements(data, max_bytes=len(data))[0].entries) == 50


def test_a_statement_of_another_account_is_refused_naming_the_iban() -> None:
    statements = parse_statements(_file(_entry(2, "REF-1"), iban="BE62510007547061"))
    with pytest.raises(ForeignAccount, match="BE62510007547061"):
        check_own_accounts(statements, frozenset({COOP}))
    check_own_accounts(statements, frozenset({COOP, "BE62510007547061"}))


def test_the_same_movement_has_the_same_key_at_another_position_and_in_another_file() -> None:
    first = parse_statement(_file(_entry(2, "REF-1") + _entry(2, "REF-2"), statement="INTRADAY"))
    second = parse_statement(
        _file(_entry(2, "REF-0") + _entry(2, "REF-2") + _entry(2, "REF-1"), statement="EOD")
    )
    keys_first = dict(zip(("REF-1", "REF-2"), transaction_keys(first), strict=True))
    keys_second = dict(zip(("REF-0", "REF-2", "REF-1"), transaction_keys(second), strict=True))
    assert keys_first["REF-1"] == keys_second["REF-1"]
    assert keys_first["REF-2"] == keys_second["REF-2"]
    assert len(set(keys_second.values())) == 3


def test_movements_differing_in_amount_or_account_have_different_keys() -> None:
    base = transaction_keys(parse_statement(_file(_entry(2, "REF-1"))))
    other_amount = transaction_keys(parse_statement(_file(_entry(2, "REF-1", amount="60.00"))))
    other_account = transaction_keys(
        parse_statement(_file(_entry(2, "REF-1"), iban="BE62510007547061"))
    )
    assert len({base[0], other_amount[0], other_account[0]}) == 3


def test_identical_movements_in_one_file_are_two_movements() -> None:
    twice = parse_statement(_file(_entry(2, "SHARED") + _entry(2, "SHARED")))
    once = parse_statement(_file(_entry(2, "SHARED")))
    keys = transaction_keys(twice)
    assert keys[0] != keys[1]
    assert transaction_keys(once) == keys[:1]
