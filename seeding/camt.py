"""Write a small camt.053.001.02 statement (demo, tests, benchmarks): credits to the coop's account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

_NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


@dataclass(frozen=True)
class Credit:
    amount_cents: int
    debtor_name: str
    debtor_iban: str
    bank_reference: str
    structured: str | None = None  # 12 digits, sent in RmtInf/Strd (SCOR/BBA)
    free_text: str | None = None  # RmtInf/Ustrd, as a payer types it
    reversal: bool = False  # the bank takes this credit back (DBIT with RvslInd=true)


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _remittance(credit: Credit) -> str:
    if credit.structured:
        return (
            "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>"
            f"<Issr>BBA</Issr></Tp><Ref>{credit.structured}</Ref></CdtrRefInf></Strd></RmtInf>"
        )
    if credit.free_text:
        return f"<RmtInf><Ustrd>{escape(credit.free_text)}</Ustrd></RmtInf>"
    return ""


def _entry(index: int, credit: Credit, booked: date) -> str:
    amount = _amount(credit.amount_cents)
    return (
        f'<Ntry><NtryRef>{index}</NtryRef><Amt Ccy="EUR">{amount}</Amt>'
        f"<CdtDbtInd>{'DBIT' if credit.reversal else 'CRDT'}</CdtDbtInd>"
        f"{'<RvslInd>true</RvslInd>' if credit.reversal else ''}"
        f"<Sts>BOOK</Sts><BookgDt><Dt>{booked}</Dt></BookgDt>"
        f"<ValDt><Dt>{booked}</Dt></ValDt>"
        f"<AcctSvcrRef>{escape(credit.bank_reference)}</AcctSvcrRef>"
        f"<NtryDtls><TxDtls><Refs><AcctSvcrRef>{escape(credit.bank_reference)}</AcctSvcrRef>"
        f'</Refs><AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>'
        f"<RltdPties><Dbtr><Nm>{escape(credit.debtor_name)}</Nm></Dbtr>"
        f"<DbtrAcct><Id><IBAN>{credit.debtor_iban}</IBAN></Id></DbtrAcct></RltdPties>"
        f"{_remittance(credit)}</TxDtls></NtryDtls></Ntry>"
    )


def statement_xml(
    account_iban: str,
    statement_id: str,
    booked: date,
    credits: list[Credit],
    namespace: str = _NS,
) -> bytes:
    """A camt.053 file with one statement holding these credits, all booked on `booked`."""
    entries = "".join(_entry(i, c, booked) for i, c in enumerate(credits, start=1))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{namespace}"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>{escape(statement_id)}</MsgId>"
        f"<CreDtTm>{booked}T06:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{escape(statement_id)}</Id><CreDtTm>{booked}T06:00:00</CreDtTm>"
        f"<Acct><Id><IBAN>{account_iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        f"{entries}</Stmt></BkToCstmrStmt></Document>\n"
    ).encode()
