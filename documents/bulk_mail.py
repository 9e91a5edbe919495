"""Mass delivery of outbox messages: several kept SMTP connections, each message marked sent
as soon as the server accepts it (the README's window: one SMTP reply per message).

Same exactly-once rules as documents/mail.py, faster for 75,000 messages:
- claims are compare-and-set updates of small batches, tagged with this host and process;
- a later run on the same host releases the claims of a process that is gone (killed), so a
  re-run after a crash sends what is missing at once instead of after the 10-minute lease;
  claims of other hosts wait for the lease (recover_stale_claims), as before;
- the MIME message is written directly, with each shared attachment base64-encoded once.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import smtplib
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.header import Header
from email.utils import encode_rfc2231, formataddr, formatdate, parseaddr
from pathlib import Path

from sqlalchemy import select, update

from documents import unsettled
from documents.attachment_names import attachment_names
from documents.email import render_email
from documents.mail import DeliveryReport, html_document, message_id_for
from governance.clock import utcnow
from governance.config import Settings, SmtpSecurity, get_settings
from governance.db.models import Document, OutboxMessage
from governance.db.uow import UnitOfWork
from governance.domain.delivery import DeliveryFailure, FailureKind, classify_smtp_code
from governance.domain.enums import OutboxStatus
from governance.placeholders import require_ready
from governance.services import outbox

_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]
_TOKEN_PREFIX = f"b{_HOST}"
# Archive folders holding one document per member: never cached (75,000 of them).
PERSONAL_FOLDERS = ("/ballots/", "/invitations/")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _token() -> str:
    return f"{_TOKEN_PREFIX}{os.getpid():x}-{secrets.token_hex(4)}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release_dead_claims(settings: Settings, keys_prefix: str) -> int:
    """Claims of a process of this host that no longer runs go back to pending (flagged
    `redelivered`: the one message it was sending may have been accepted already)."""
    with UnitOfWork(settings) as uow:
        rows = uow.session.execute(
            select(OutboxMessage.claim_token)
            .where(
                OutboxMessage.status == OutboxStatus.SENDING,
                OutboxMessage.idempotency_key.startswith(keys_prefix),
                OutboxMessage.claim_token.startswith(_TOKEN_PREFIX),
            )
            .distinct()
        ).scalars()
        dead = [t for t in rows if t and not _alive(int(t[len(_TOKEN_PREFIX) :].split("-")[0], 16))]
        released = 0
        for token in dead:
            result = uow.session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.claim_token == token, OutboxMessage.status == OutboxStatus.SENDING
                )
                .values(status=OutboxStatus.PENDING, claim_token=None, redelivered=True)
            )
            released += int(result.rowcount or 0)  # type: ignore[attr-defined]
        uow.commit()
        return released


@dataclass
class _Attachments:
    """base64 of archived files; shared ones (convocation, proxy form) are encoded once."""

    archive: Path
    cache: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def encoded(self, relative: str, shared: bool) -> str:
        if shared:
            with self.lock:
                if relative in self.cache:
                    return self.cache[relative]
        raw = (self.archive / relative).read_bytes()
        data = base64.encodebytes(raw).decode("ascii").rstrip("\n").replace("\n", "\r\n")
        if shared:
            with self.lock:
                self.cache[relative] = data
        return data


def _base64_lines(data: bytes) -> str:
    return base64.encodebytes(data).decode("ascii").rstrip("\n").replace("\n", "\r\n")


def _filename_params(filename: str) -> tuple[str, str]:
    """Content-Type name and Content-Disposition filename parameters; a non-ASCII name (e.g.
    "Récapitulatif.pdf") in RFC 2231 form, as Python's e-mail package writes it."""
    if filename.isascii() and '"' not in filename:
        return f'name="{filename}"', f'filename="{filename}"'
    encoded = encode_rfc2231(filename, "utf-8")
    return f"name*={encoded}", f"filename*={encoded}"


def compose(
    sender: str,
    message: outbox.ClaimedMessage,
    subject: str,
    text: str,
    parts: list[tuple[str, str]],
    reply_to: str | None = None,
) -> str:
    """A multipart/mixed message: the body as plain text and HTML (multipart/alternative),
    then the attachments (name as the reader sees it, base64)."""
    name, address = parseaddr(sender)
    boundary = "=_coop_" + hashlib.sha256(message.key.encode()).hexdigest()[:24]
    inner = boundary + "_alt"
    lines = [
        f"From: {formataddr((name, address), charset='utf-8')}",
        f"To: {message.to}",
        *([f"Reply-To: {reply_to}"] if reply_to else []),
        f"Subject: {Header(subject, 'utf-8').encode()}",
        f"Date: {formatdate(localtime=False)}",
        f"Message-ID: {message_id_for(message.key)}",
        "MIME-Version: 1.0",
        f"Content-Language: {message.language}",
        f"X-Coop-Key: {message.key}",
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
        "",
        f"--{boundary}",
        f'Content-Type: multipart/alternative; boundary="{inner}"',
        "",
        f"--{inner}",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: base64",
        "",
        _base64_lines(text.encode("utf-8")),
        f"--{inner}",
        'Content-Type: text/html; charset="utf-8"',
        "Content-Transfer-Encoding: base64",
        "",
        _base64_lines(html_document(text, str(message.language)).encode("utf-8")),
        f"--{inner}--",
    ]
    for filename, encoded in parts:
        kind = DOCX if filename.endswith(".docx") else "application/pdf"
        type_param, disposition_param = _filename_params(filename)
        lines += [
            f"--{boundary}",
            f"Content-Type: {kind}; {type_param}",
            "Content-Transfer-Encoding: base64",
            f"Content-Disposition: attachment; {disposition_param}",
            "",
            encoded,
        ]
    lines.append(f"--{boundary}--")
    # CRLF throughout: smtplib fixes line ends only for str messages, and we send bytes.
    return "\r\n".join(lines) + "\r\n"


class _Connection:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def send(self, to: str, data: str) -> None:
        s = self.settings
        if self.smtp is None:
            if s.smtp_security is SmtpSecurity.SSL:
                self.smtp = smtplib.SMTP_SSL(
                    s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds
                )
            else:
                self.smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
                if s.smtp_security is SmtpSecurity.STARTTLS:
                    self.smtp.starttls()
            if s.smtp_user:
                self.smtp.login(s.smtp_user, s.smtp_password.get_secret_value())
        try:
            refused = self.smtp.sendmail(parseaddr(s.mail_sender)[1], [to], data.encode("utf-8"))
        except (UnicodeEncodeError, ValueError) as exc:  # an address SMTP cannot carry
            self.drop()  # the SMTP transaction may be half-open: start the next one afresh
            reply = f"address not sendable: {exc}".encode()
            raise smtplib.SMTPRecipientsRefused({to: (553, reply)}) from exc
        if refused:
            code, reply = next(iter(refused.values()))
            raise smtplib.SMTPRecipientsRefused({to: (code, reply)})

    def drop(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.close()
            except Exception:  # noqa: S110 - thrown away anyway
                pass
            self.smtp = None

    def quit(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.smtp = None


def _claim(
    settings: Settings, token: str, keys_prefix: str, limit: int
) -> list[outbox.ClaimedMessage]:
    """Compare-and-set a few due messages whose attachments all exist."""
    now = utcnow()
    with UnitOfWork(settings) as uow:
        s = uow.session
        rows = s.execute(
            select(OutboxMessage.id, OutboxMessage.attachment_keys)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
                OutboxMessage.idempotency_key.startswith(keys_prefix),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).all()
        if not rows:
            return []
        wanted = {k for _i, keys in rows for k in keys}
        docs = dict(
            s.execute(
                select(Document.idempotency_key, Document.path).where(
                    Document.idempotency_key.in_(wanted)
                )
            )
            .tuples()
            .all()
        )
        ready = [i for i, keys in rows if all(k in docs for k in keys)]
        if not ready:
            return []
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ready), OutboxMessage.status == OutboxStatus.PENDING)
            .values(
                status=OutboxStatus.SENDING,
                claim_token=token,
                claimed_at=now,
                attempts=OutboxMessage.attempts + 1,
            )
        )
        uow.commit()
        mine = s.scalars(
            select(OutboxMessage).where(
                OutboxMessage.claim_token == token, OutboxMessage.status == OutboxStatus.SENDING
            )
        ).all()
        return [outbox.ClaimedMessage.of(m, docs) for m in mine]


def _worker(
    settings: Settings,
    keys_prefix: str,
    attachments: _Attachments,
    report: DeliveryReport,
    lock: threading.Lock,
    batch: int,
    after_send: Callable[[outbox.ClaimedMessage], None] | None,
) -> None:
    connection = _Connection(settings)
    try:
        with UnitOfWork(settings) as uow, unsettled.claim(_token()) as claim:
            while True:
                claimed = _claim(settings, claim.token, keys_prefix, batch)
                if not claimed:
                    return
                with UnitOfWork(settings) as lookup:
                    offices = outbox.offices_of(lookup.session, claimed)
                for message in claimed:
                    office = outbox.reply_office(message, offices)
                    status = _deliver(
                        uow,
                        connection,
                        settings,
                        attachments,
                        message,
                        claim,
                        settings.reply_to(office),
                    )
                    with lock:
                        if status == "sent":
                            report.sent += 1
                        elif status == "bounced":
                            report.bounced += 1
                        elif status == "failed":
                            report.failed += 1
                        else:
                            report.retrying += 1
                    if after_send is not None:
                        after_send(message)
    finally:
        connection.quit()


def _deliver(
    uow: UnitOfWork,
    connection: _Connection,
    settings: Settings,
    attachments: _Attachments,
    message: outbox.ClaimedMessage,
    claim: unsettled.Claim,
    reply_to: str | None = None,
) -> str:
    rendered = render_email(message.template, message.language, message.context)
    names = attachment_names(message.attachments, str(message.language))
    parts = [
        (name, attachments.encoded(p, shared=not any(f in p for f in PERSONAL_FOLDERS)))
        for p, name in zip(message.attachments, names, strict=True)
    ]
    data = compose(settings.mail_sender, message, rendered.subject, rendered.text, parts, reply_to)
    claim.sending(message)
    try:
        connection.send(message.to, data)
    except smtplib.SMTPRecipientsRefused as exc:
        claim.refused()
        code, reply = next(iter(exc.recipients.values()))
        if code == 421:  # smtplib closed the connection: open a new one for the next message
            connection.drop()
        return _failed(uow, message, code, reply)
    except smtplib.SMTPResponseException as exc:
        claim.refused()
        connection.drop()
        return _failed(uow, message, exc.smtp_code, exc.smtp_error)
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        connection.drop()
        failure = DeliveryFailure(FailureKind.TRANSIENT, f"{type(exc).__name__}: {exc}")
        # the reply was lost: the message stays "in flight" (may have been taken) until recorded
        return str(outbox.mark_failed(uow, message, failure))
    claim.accepted(message, rendered.subject)
    outbox.mark_sent(uow, message, rendered.subject)  # marked at once: the window is one reply
    claim.recorded(message)
    return "sent"


def _failed(uow: UnitOfWork, message: outbox.ClaimedMessage, code: int, reply: bytes | str) -> str:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    failure = DeliveryFailure(classify_smtp_code(code), f"{code} {text}")
    return str(outbox.mark_failed(uow, message, failure))


def deliver_prefix(
    keys_prefix: str,
    settings: Settings | None = None,
    *,
    connections: int = 3,
    batch: int = 25,
    after_send: Callable[[outbox.ClaimedMessage], None] | None = None,
) -> DeliveryReport:
    """Send every due message whose key starts with `keys_prefix` over `connections` kept
    SMTP connections; returns what happened."""
    settings = settings or get_settings()
    require_ready(settings, "send member mail")  # production: no placeholder on a letter
    unsettled.settle(settings)  # what an earlier run of this process could not record
    release_dead_claims(settings, keys_prefix)
    report = DeliveryReport()
    lock = threading.Lock()
    attachments = _Attachments(settings.resolved_archive_dir())
    errors: list[BaseException] = []

    def run() -> None:
        try:
            _worker(settings, keys_prefix, attachments, report, lock, batch, after_send)
        except BaseException as exc:  # re-raised below, in the caller's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, name=f"smtp-{i}") for i in range(max(1, connections))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return report
