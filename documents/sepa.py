"""SEPA credit-transfer files (pain.001.001.03) written with sepaxml, validated on export:
grant instalments and share repayments and refunds go out the same way."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from sepaxml import SepaTransfer

from governance.config import Settings


class CreditTransfer(Protocol):
    @property
    def end_to_end_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def iban(self) -> str: ...
    @property
    def bic(self) -> str | None: ...
    @property
    def amount_cents(self) -> int: ...
    @property
    def description(self) -> str: ...


def credit_transfer_xml(
    reference: str,
    payments: Sequence[CreditTransfer],
    settings: Settings,
    execution_date: date,
) -> bytes:
    """One pain.001 file paying every payment from the coop's account.

    The message id is `reference`, so the bank refuses the same file sent twice."""
    config: dict[str, Any] = {
        "name": settings.coop_name,
        "IBAN": settings.coop_iban,
        "BIC": settings.coop_bic,
        "batch": True,
        "currency": "EUR",
    }
    transfer = SepaTransfer(config, schema="pain.001.001.03", clean=True)
    transfer.msg_id = reference
    header_id = transfer._xml.find("CstmrCdtTrfInitn/GrpHdr/MsgId")
    if header_id is not None:  # the header is built in the constructor
        header_id.text = reference
    for payment in payments:
        item: dict[str, Any] = {
            "name": payment.name[:70],
            "IBAN": payment.iban,
            "amount": payment.amount_cents,
            "execution_date": execution_date,
            "description": payment.description,
            "endtoend_id": payment.end_to_end_id,
        }
        if payment.bic:
            item["BIC"] = payment.bic
        transfer.add_payment(item)
    result: bytes = transfer.export(validate=True)
    return result
