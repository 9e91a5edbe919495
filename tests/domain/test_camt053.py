"""camt.053 bank statements: hand-written fixtures and malformed or hostile input."""

from __future__ import annotations

import dataclasses
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from governance.kernel.rules.errors import RuleViolation
from governance.register.rules.camt053 import Statement, parse_statement, parse_statements
from governance.register.rules.camt053_entries import InvalidStatement, StatementEntry

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "camt053"
NS02 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


def _load(name: str) -> Statement:
    return parse_statement((FIXTURES / name).read_bytes())


def _document(statements: str, namespace: str = NS02) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<Document xmlns="{namespace}"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>T</MsgId><CreDtTm>2024-03-16T06:00:00</CreDtTm></GrpHdr>"
        f"{statements}</BkToCstmrStmt></Document>"
    ).encode()


def _one_entry(entry: str) -> bytes:
    return _document(
        f"<Stmt><Id>S1</Id><Acct><Id><IBAN>BE21001234567803</IBAN></Id></Acct>{entry}</Stmt>"
    )


SIMPLE_ENTRY = (
    '<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
    "<BookgDt><Dt>{booking}</Dt></BookgDt></Ntry>"
)


# --------------------------------------------------------------------------- exact_and_unknown.xml


def test_statement_header() -> None:
    statement = _load("exact_and_unknown.xml")
    assert statement.account_iban == "BE21001234567803"
    assert statement.statement_id == "2024-062-BE21001234567803"
    assert statement.created_at == datetime(
        2024, 3, 16, 6, 12, 45, 123000, tzinfo=timezone(timedelta(hours=1))
    )
    assert len(statement.entries) == 6


def test_credit_with_structured_reference() -> None:
    entry = _load("exact_and_unknown.xml").entries[0]
    assert entry == StatementEntry(
        bank_reference="0240315A00001",
        booking_date=date(2024, 3, 15),
        value_date=date(2024, 3, 15),
        amount_cents=15000,
        currency="EUR",
        credit=True,
        reversal=False,
        structured_reference="090933755493",
        unstructured=None,
        debtor_name="DUPONT JEAN",
        debtor_iban="BE05068123456775",
        end_to_end_id="E2E-DUPONT-0001",
        entry_index=0,
        transaction_index=0,
        booked=True,
    )


def test_reference_typed_in_unstructured_text() -> None:
    entry = _load("exact_and_unknown.xml").entries[1]
    assert entry.unstructured == "+++202/4000/01754+++"
    assert entry.structured_reference == "202400001754"
    assert entry.amount_cents == 7550
    assert entry.value_date == date(2024, 3, 14)
    assert entry.booking_date == date(2024, 3, 15)
    assert entry.debtor_name == "S. de Vries"
    assert entry.debtor_iban == "NL91ABNA0417164300"  # spaces in the file are removed
    assert entry.end_to_end_id is None  # NOTPROVIDED


def test_unknown_but_valid_reference_is_still_reported() -> None:
    entry = _load("exact_and_unknown.xml").entries[2]
    assert entry.structured_reference == "123456789002"
    assert entry.credit
    assert entry.amount_cents == 2000


def test_free_text_with_a_mistyped_reference_gives_none() -> None:
    entry = _load("exact_and_unknown.xml").entries[3]
    assert entry.structured_reference is None
    assert entry.unstructured == "parts sociales Marie Lambert 090/9337/55494"
    assert entry.credit


def test_debit() -> None:
    entry = _load("exact_and_unknown.xml").entries[4]
    assert not entry.credit
    assert not entry.reversal
    assert entry.amount_cents == 1234
    assert entry.debtor_name is None
    assert entry.debtor_iban is None
    assert entry.structured_reference is None
    assert entry.unstructured == "Facture 2024-0311"


def test_reversal() -> None:
    entry = _load("exact_and_unknown.xml").entries[5]
    assert entry.reversal
    assert not entry.credit
    assert entry.amount_cents == 7550
    assert entry.structured_reference == "202400001754"


def test_credits_sum_up_to_the_bank_totals() -> None:
    entries = _load("exact_and_unknown.xml").entries
    assert sum(e.amount_cents for e in entries if e.credit) == 29050
    assert sum(e.amount_cents for e in entries if not e.credit) == 8784
    assert {e.currency for e in entries} == {"EUR"}
    assert len({e.bank_reference for e in entries}) == 6


def test_entries_are_frozen() -> None:
    entry = _load("exact_and_unknown.xml").entries[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.amount_cents = 1  # type: ignore[misc]


# --------------------------------------------------------------------------- batch.xml


def test_batch_entry_is_split_per_transaction() -> None:
    statement = _load("batch.xml")
    assert statement.created_at == datetime(2024, 3, 19, 5, 30)  # noqa: DTZ001 - as written, no offset
    entries = statement.entries
    assert [e.amount_cents for e in entries] == [10000, 12500, 7500]
    assert sum(e.amount_cents for e in entries) == 30000  # the booked entry amount
    assert [e.structured_reference for e in entries] == [
        "000000010104",
        "000000010205",
        "000000010306",
    ]
    assert [e.transaction_index for e in entries] == [0, 1, 2]
    assert {e.entry_index for e in entries} == {0}
    assert all(e.credit and not e.reversal for e in entries)
    assert {e.booking_date for e in entries} == {date(2024, 3, 18)}


def test_batch_references_and_debtors() -> None:
    entries = _load("batch.xml").entries
    assert [e.bank_reference for e in entries] == [
        "0240318B00001-1",
        "0240318B00001-2",
        "0240318B00001",  # no TxDtls reference: falls back to the entry's
    ]
    assert [e.debtor_name for e in entries] == ["PEETERS AN", "Martin Claire", "Janssens Koen"]
    assert [e.debtor_iban for e in entries] == [
        "BE05068123456775",
        "FR1420041010050500013M02606",
        None,
    ]
    assert entries[1].unstructured == "000 0000 10205 parts B"


def test_batch_transaction_without_its_own_amount_falls_back_to_the_entry_amount() -> None:
    data = _one_entry(
        '<Ntry><Amt Ccy="EUR">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        "<BookgDt><Dt>2024-03-18</Dt></BookgDt><NtryDtls>"
        '<TxDtls><AmtDtls><TxAmt><Amt Ccy="EUR">10.00</Amt></TxAmt></AmtDtls></TxDtls>'
        '<TxDtls><Amt Ccy="EUR">20.00</Amt></TxDtls>'
        "<TxDtls><RmtInf><Ustrd>no amount</Ustrd></RmtInf></TxDtls>"
        "</NtryDtls></Ntry>"
    )
    entries = parse_statement(data).entries
    assert [e.amount_cents for e in entries] == [1000, 2000, 3000]


# --------------------------------------------------------------------------- v08.xml


def test_version_08() -> None:
    statement = _load("v08.xml")
    assert statement.account_iban == "BE05068123456775"
    assert statement.statement_id == "2024-093"
    assert statement.created_at == datetime(
        2024, 4, 3, 4, 0, 12, tzinfo=timezone(timedelta(hours=2))
    )
    first, second, third = statement.entries
    assert first.debtor_name == "Willems Sarah"  # Dbtr/Pty/Nm
    assert first.debtor_iban == "DE89370400440532013000"
    assert first.structured_reference == "090933755493"
    assert first.amount_cents == 25000
    assert first.end_to_end_id == "E2E-WILLEMS-2024"
    assert not first.reversal
    assert second.booking_date == date(2024, 4, 2)  # from BookgDt/DtTm
    assert second.structured_reference == "000000010407"
    assert second.amount_cents == 4210
    # an ISO 11649 "RF" creditor reference is not a Belgian structured communication
    assert third.structured_reference is None
    assert third.debtor_iban is None


def test_same_content_in_any_supported_namespace_version() -> None:
    entry = SIMPLE_ENTRY.format(amount="1.5", indicator="CRDT", booking="2024-01-02")
    results = [
        parse_statement(
            _document(f"<Stmt><Id>S</Id>{entry}</Stmt>", f"urn:iso:std:iso:20022:tech:xsd:{v}")
        ).entries
        for v in ("camt.053.001.02", "camt.053.001.04", "camt.053.001.08")
    ]
    assert all(r == results[0] for r in results)
    assert results[0][0].amount_cents == 150


def test_prefixed_namespace_is_read_and_no_namespace_is_refused() -> None:
    prefixed = (
        b'<c:Document xmlns:c="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        b"<c:BkToCstmrStmt><c:Stmt><c:Id>P</c:Id>"
        b'<c:Ntry><c:Amt Ccy="EUR">2.00</c:Amt><c:CdtDbtInd>DBIT</c:CdtDbtInd>'
        b"<c:BookgDt><c:Dt>2024-01-02</c:Dt></c:BookgDt></c:Ntry>"
        b"</c:Stmt></c:BkToCstmrStmt></c:Document>"
    )
    assert parse_statement(prefixed).entries[0].amount_cents == 200
    bare = prefixed.replace(b"c:", b"").replace(
        b' xmlns:c="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"', b""
    )
    with pytest.raises(InvalidStatement, match="no namespace"):
        parse_statement(bare)


# --------------------------------------------------------------------------- remittance details


@pytest.mark.parametrize(
    ("remittance", "expected"),
    [
        ("<Ustrd>090933755493</Ustrd>", "090933755493"),
        ("<Ustrd>090/9337/55493</Ustrd>", "090933755493"),
        ("<Ustrd>***090/9337/55493***</Ustrd>", "090933755493"),
        ("<Ustrd>+++ 090 / 9337 / 55493 +++</Ustrd>", "090933755493"),
        ("<Ustrd>parts sociales</Ustrd><Ustrd>+++090/9337/55493+++</Ustrd>", "090933755493"),
        # a bank cutting the text in the middle of the reference
        ("<Ustrd>Cotisation +++090/9337/5</Ustrd><Ustrd>5493+++</Ustrd>", "090933755493"),
        ("<Ustrd>nothing here</Ustrd>", None),
        (
            "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
            "<Ref>090933755493</Ref></CdtrRefInf></Strd>",
            "090933755493",  # issuer left out
        ),
        (
            "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>BBA</Issr></Tp>"
            "<Ref>090933755494</Ref></CdtrRefInf></Strd>",
            None,  # wrong check digits, even in Strd
        ),
        (
            "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>BBA</Issr></Tp>"
            "<Ref>090933755494</Ref></CdtrRefInf></Strd><Ustrd>+++010/8068/17183+++</Ustrd>",
            "010806817183",  # Strd unusable: Ustrd is the fallback
        ),
        (
            "<Strd><AddtlRmtInf>+++090/9337/55493+++</AddtlRmtInf></Strd>",
            "090933755493",
        ),
    ],
)
def test_remittance_forms(remittance: str, expected: str | None) -> None:
    data = _one_entry(
        '<Ntry><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        "<BookgDt><Dt>2024-03-18</Dt></BookgDt><NtryDtls><TxDtls>"
        f"<RmtInf>{remittance}</RmtInf></TxDtls></NtryDtls></Ntry>"
    )
    assert parse_statement(data).entries[0].structured_reference == expected


def test_entry_without_details() -> None:
    data = _one_entry(
        '<Ntry><Amt Ccy="EUR">0.07</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>1</RvslInd>'
        "<BookgDt><DtTm>2024-03-18T23:59:59+01:00</DtTm></BookgDt>"
        "<AcctSvcrRef>REF-1</AcctSvcrRef></Ntry>"
    )
    (entry,) = parse_statement(data).entries
    assert entry.amount_cents == 7
    assert entry.reversal
    assert entry.bank_reference == "REF-1"
    assert entry.booking_date == date(2024, 3, 18)
    assert entry.value_date is None
    assert entry.structured_reference is None
    assert entry.unstructured is None


@pytest.mark.parametrize(
    ("status", "booked"),
    [
        ("", True),
        ("<Sts>BOOK</Sts>", True),
        ("<Sts><Cd>BOOK</Cd></Sts>", True),
        ("<Sts>PDNG</Sts>", False),
        ("<Sts><Cd>INFO</Cd></Sts>", False),
    ],
)
def test_entry_status(status: str, booked: bool) -> None:
    data = _one_entry(
        f'<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>{status}'
        "<BookgDt><Dt>2024-03-20</Dt></BookgDt></Ntry>"
    )
    assert parse_statement(data).entries[0].booked is booked


def test_fixture_entries_are_booked() -> None:
    for name in ("exact_and_unknown.xml", "batch.xml", "v08.xml"):
        assert all(entry.booked for entry in _load(name).entries)


def test_additional_information_is_the_last_resort_for_the_text() -> None:
    data = _one_entry(
        '<Ntry><Amt Ccy="EUR">3.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        "<BookgDt><Dt>2024-03-20</Dt></BookgDt>"
        "<AddtlNtryInf>VIREMENT EUROPEEN DE DUPONT JEAN 090/9337/55493</AddtlNtryInf></Ntry>"
    )
    entry = parse_statement(data).entries[0]
    assert entry.unstructured == "VIREMENT EUROPEEN DE DUPONT JEAN 090/9337/55493"
    assert entry.structured_reference == "090933755493"


def test_value_date_used_when_booking_date_missing() -> None:
    data = _one_entry(
        '<Ntry><Amt Ccy="EUR">1</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        "<ValDt><Dt>2024-03-20</Dt></ValDt></Ntry>"
    )
    entry = parse_statement(data).entries[0]
    assert entry.booking_date == date(2024, 3, 20)
    assert entry.amount_cents == 100


def test_several_statements() -> None:
    stmt = "<Stmt><Id>{}</Id>" + SIMPLE_ENTRY + "</Stmt>"
    data = _document(
        stmt.format("A", amount="1", indicator="CRDT", booking="2024-01-02")
        + stmt.format("B", amount="2", indicator="DBIT", booking="2024-01-03")
    )
    statements = parse_statements(data)
    assert [s.statement_id for s in statements] == ["A", "B"]
    assert statements[0].created_at == datetime(2024, 3, 16, 6, 0)  # noqa: DTZ001 - as written, no offset
    with pytest.raises(InvalidStatement, match="holds 2 statements"):
        parse_statement(data)


# --------------------------------------------------------------------------- malformed input


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x00\xff\xfe garbage \x01", "not a readable XML"),
        (b"PK\x03\x04\x14\x00\x00\x00", "not a readable XML"),  # a zip/xlsx file
        (
            b"Date;Montant;Communication\n2024-03-15;150,00;+++090/9337/55493+++\n",
            "not a readable XML",
        ),
        (b"<Document><BkToCstmrStmt>", "not a readable XML"),  # truncated
        (b"<html><body>Session expired</body></html>", "not a camt.053 bank statement"),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">'
            b"<CstmrCdtTrfInitn/></Document>",
            "not a camt.053 bank statement",
        ),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">'
            b"<BkToCstmrDbtCdtNtfctn/></Document>",
            "camt.054 file",
        ),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02">'
            b"<BkToCstmrAcctRpt/></Document>",
            "camt.052 file",
        ),
        (
            b'<?xml version="1.0"?><CODA><Record>0000015032400005</Record></CODA>',
            "not a camt.053 bank statement",
        ),
        (_document(""), "no statement"),
        (_document("<Stmt><Ntry/></Stmt>"), "no identifier"),
    ],
)
def test_not_a_statement(data: bytes, fragment: str) -> None:
    with pytest.raises(InvalidStatement, match=fragment) as info:
        parse_statement(data)
    assert isinstance(info.value, RuleViolation)
    assert info.value.message


@pytest.mark.parametrize(
    ("entry", "fragment"),
    [
        (
            "<Ntry><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-01-02</Dt></BookgDt></Ntry>",
            "no amount",
        ),
        (
            SIMPLE_ENTRY.format(amount="1,00", indicator="CRDT", booking="2024-01-02"),
            "not a number",
        ),
        (
            SIMPLE_ENTRY.format(amount="-1.00", indicator="CRDT", booking="2024-01-02"),
            "not a valid amount",
        ),
        (
            SIMPLE_ENTRY.format(amount="NaN", indicator="CRDT", booking="2024-01-02"),
            "not a valid amount",
        ),
        (
            SIMPLE_ENTRY.format(amount="1.005", indicator="CRDT", booking="2024-01-02"),
            "more than two",
        ),
        (
            SIMPLE_ENTRY.format(amount="1.00", indicator="CRED", booking="2024-01-02"),
            "CRDT or DBIT",
        ),
        (
            SIMPLE_ENTRY.format(amount="1.00", indicator="CRDT", booking="15/03/2024"),
            "not a valid date",
        ),
        (
            "<Ntry><Amt>1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-01-02</Dt></BookgDt></Ntry>",
            "currency",
        ),
        (
            '<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>',
            "neither a booking date",
        ),
    ],
)
def test_malformed_entry(entry: str, fragment: str) -> None:
    with pytest.raises(InvalidStatement, match=fragment) as info:
        parse_statement(_one_entry(entry))
    assert "entry 1 of statement S1" in info.value.message


def test_rejects_non_bytes() -> None:
    with pytest.raises(InvalidStatement, match="raw bytes"):
        parse_statement("<Document/>")  # type: ignore[arg-type]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Document [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<Stmt><Id>&lol9;</Id><Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<BookgDt><Dt>2024-01-02</Dt></BookgDt><NtryDtls><TxDtls><RmtInf><Ustrd>&lol9;</Ustrd>
</RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>
"""


def test_xml_bomb_does_not_expand() -> None:
    started = time.monotonic()
    with pytest.raises(InvalidStatement):
        parse_statement(BILLION_LAUGHS)
    assert time.monotonic() - started < 2


def test_small_internal_entity_is_refused_not_expanded() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY ref "+++090/9337/55493+++">]>'
        + _one_entry(
            '<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
            "<BookgDt><Dt>2024-01-02</Dt></BookgDt><NtryDtls><TxDtls><RmtInf>"
            "<Ustrd>&ref;</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
        ).split(b"?>", 1)[1]
    )
    with pytest.raises(InvalidStatement, match="DTD"):
        parse_statement(data)


def test_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        f'<Document xmlns="{NS02}"><BkToCstmrStmt><Stmt><Id>&x;</Id></Stmt>'
        "</BkToCstmrStmt></Document>"
    ).encode()
    with pytest.raises(InvalidStatement) as info:
        parse_statement(data)
    assert "TOP-SECRET" not in info.value.message


def test_external_dtd_over_the_network_is_refused() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE Document SYSTEM "http://127.0.0.1:9/evil.dtd">'
        + _document("<Stmt><Id>S</Id></Stmt>").split(b"?>", 1)[1]
    )
    with pytest.raises(InvalidStatement, match="DTD"):
        parse_statement(data)
