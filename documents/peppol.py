"""Sending e-invoices: the `PeppolSender` interface and the outbox folder an access point reads.

A Peppol access point is a provider's service (AS4). A cooperative without a provider contract
runs `FolderSender`: each UBL is written once into the outbox folder, named by its document
number; the access point picks the files up and drops a report per document into `reports/`
(`<number>.json`: {"status": "delivered" | "rejected", "detail": "..."}). A provider's API
would be another implementation of the same three calls (COOP_PEPPOL_ACCESS_POINT_URL).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from governance.contracts.rules.einvoice import EInvoiceStatus

_SAFE_NUMBER = re.compile(r"^[A-Z]{1,3}\d{4}-\d{1,10}$")


class SendingRefused(RuntimeError):
    """The sender will not take this document (e.g. another file already holds its number)."""


@dataclass(frozen=True)
class DeliveryReport:
    number: str
    status: EInvoiceStatus  # DELIVERED or REJECTED
    detail: str


class PeppolSender(Protocol):
    def submit(self, number: str, ubl: bytes) -> str:
        """Hand the document over once (idempotent by number); returns a receipt."""
        ...

    def status(self, number: str) -> EInvoiceStatus | None:
        """Where the document stands on the sender's side (None: never submitted)."""
        ...

    def delivery_report(self, number: str) -> DeliveryReport | None:
        """The access point's final word on the document, once there is one."""
        ...


class FolderSender:
    """The outbox folder an access point picks up (COOP_PEPPOL_OUTBOX_DIR)."""

    def __init__(self, outbox: Path) -> None:
        self.outbox = outbox
        self.reports = outbox / "reports"

    def _path(self, number: str) -> Path:
        if not _SAFE_NUMBER.match(number):
            raise SendingRefused(f"{number!r} is not a document number")
        return self.outbox / f"{number}.xml"

    def submit(self, number: str, ubl: bytes) -> str:
        path = self._path(number)
        digest = hashlib.sha256(ubl).hexdigest()
        if path.exists():  # a retry after a crash: the same bytes are fine, others never
            if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                raise SendingRefused(
                    f"{path.name} is already in the outbox with other content: a sent "
                    "document is never replaced"
                )
            return f"outbox:{path.name}:sha256={digest}"
        self.outbox.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(temporary, "wb") as out:
            out.write(ubl)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temporary, path)  # fails if another writer won: never overwrite
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise SendingRefused(f"{path.name} was written by another process with other content")
        return f"outbox:{path.name}:sha256={digest}"

    def delivery_report(self, number: str) -> DeliveryReport | None:
        report = self.reports / f"{number}.json"
        if not report.exists():
            return None
        try:
            data = json.loads(report.read_text(encoding="utf-8"))
            status = EInvoiceStatus(str(data["status"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise SendingRefused(f"{report.name}: unreadable report ({exc})") from None
        if status not in (EInvoiceStatus.DELIVERED, EInvoiceStatus.REJECTED):
            raise SendingRefused(f"{report.name}: status must be delivered or rejected")
        return DeliveryReport(number, status, str(data.get("detail", ""))[:2000])

    def status(self, number: str) -> EInvoiceStatus | None:
        report = self.delivery_report(number)
        if report is not None:
            return report.status
        return EInvoiceStatus.SUBMITTED if self._path(number).exists() else None
