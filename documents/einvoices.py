"""The structured e-invoice as bytes: its UBL, built from the invoice facts (embedding the
archived PDF when there is one) and read back against the project's rule set; and the access
point it is handed to. Issuing and sending (what is pending, what is recorded) is
`tasks.invoices`."""

from __future__ import annotations

from dataclasses import replace

from documents.peppol import FolderSender, PeppolSender
from governance.config import Settings
from governance.contracts.rules.einvoice import InvoiceFacts
from governance.contracts.rules.ubl import to_ubl
from governance.contracts.rules.ubl_rules import RuleFailure, failures

CREDIT_NOTE_SUBJECT = "contract-credit-note"


def build(facts: InvoiceFacts, pdf: bytes | None) -> tuple[bytes, list[RuleFailure]]:
    """The UBL of these facts and the rules it breaks, read back from the XML."""
    xml = to_ubl(replace(facts, pdf=pdf))
    return xml, failures(xml)


def default_sender(settings: Settings) -> PeppolSender:
    """The outbox folder (a provider's access-point API would be chosen here by its URL)."""
    return FolderSender(settings.resolved_peppol_outbox_dir())
