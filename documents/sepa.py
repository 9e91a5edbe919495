"""SEPA credit-transfer files (pain.001.001.03) written with sepaxml, validated on export."""

from __future__ import annotations

from datetime import date
from typing import Any

from sepaxml import SepaTransfer

from governance.config import Settings
from governance.services.grant_payments import PaymentBatch


def credit_transfer_xml(batch: PaymentBatch, settings: Settings, execution_date: date) -> bytes:
    """One pain.001 file paying every payment of the batch from the coop's account.

    The message id is the batch reference, so the bank refuses a file sent twice."""
    config: dict[str, Any] = {
        "name": settings.coop_name,
        "IBAN": settings.coop_iban,
        "BIC": settings.coop_bic,
        "batch": True,
        "currency": "EUR",
    }
    transfer = SepaTransfer(config, schema="pain.001.001.03", clean=True)
    transfer.msg_id = batch.reference
    header_id = transfer._xml.find("CstmrCdtTrfInitn/GrpHdr/MsgId")
    if header_id is not None:  # the header is built in the constructor
        header_id.text = batch.reference
    for payment in batch.payments:
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
