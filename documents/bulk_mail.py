"""The bulk delivery path's mailer: the MIME message written directly (each shared
attachment base64-encoded once for the whole run), one kept SMTP connection per mailer.

governance.kernel.use_cases.delivery runs several threads, each with its own mailer and claim (the
same claim -> send -> mark loop as the single path); tasks.mail wires the two.
"""

from __future__ import annotations

import base64
import hashlib
import smtplib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.header import Header
from email.utils import encode_rfc2231, formataddr, formatdate, parseaddr

from documents.attachment_names import attachment_names
from documents.email import render_email
from documents.mail import ArchivedPath, html_document, message_id_for, unreadable_attachment
from governance.config import Settings, SmtpSecurity, get_settings
from governance.kernel.rules.delivery import (
    ClaimedMessage,
    DeliveryFailure,
    FailureKind,
    SendResult,
    classify_smtp_code,
)

# Archive folders holding one document per member: never cached (75,000 of them).
PERSONAL_FOLDERS = ("/ballots/", "/invitations/")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class _Attachments:
    """base64 of archived files; shared ones (convocation, proxy form) are encoded once."""

    archived: ArchivedPath
    cache: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def encoded(self, relative: str, shared: bool) -> str:
        if shared:
            with self.lock:
                if relative in self.cache:
                    return self.cache[relative]
        raw = self.archived(relative).read_bytes()
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
    message: ClaimedMessage,
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


class BulkMailer:
    """Renders, composes and sends one message at a time over its own SMTP connection."""

    def __init__(self, settings: Settings, attachments: _Attachments) -> None:
        self.settings = settings
        self.attachments = attachments
        self.connection = _Connection(settings)

    def send(self, message: ClaimedMessage, reply_to: str | None) -> SendResult:
        """Send one message; an SMTP refusal or a lost reply is the result, not an error."""
        rendered = render_email(message.template, message.language, message.context)
        names = attachment_names(message.attachments, str(message.language))
        try:
            parts = [
                (
                    name,
                    self.attachments.encoded(p, shared=not any(f in p for f in PERSONAL_FOLDERS)),
                )
                for p, name in zip(message.attachments, names, strict=True)
            ]
        except OSError as exc:  # not on this machine's archive: nothing sent, try again later
            return SendResult(rendered.subject, unreadable_attachment(exc))
        data = compose(
            self.settings.mail_sender, message, rendered.subject, rendered.text, parts, reply_to
        )
        try:
            self.connection.send(message.to, data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            if code == 421:  # smtplib closed the connection: open a new one for the next message
                self.connection.drop()
            return SendResult(rendered.subject, _failure(code, reply))
        except smtplib.SMTPResponseException as exc:
            self.connection.drop()
            return SendResult(rendered.subject, _failure(exc.smtp_code, exc.smtp_error))
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            self.connection.drop()
            # the reply was lost: the server may have taken the message
            failure = DeliveryFailure(FailureKind.TRANSIENT, f"{type(exc).__name__}: {exc}")
            return SendResult(rendered.subject, failure, answered=False)
        return SendResult(rendered.subject)

    def close(self) -> None:
        self.connection.quit()


def mailers(archived: ArchivedPath, settings: Settings | None = None) -> Callable[[], BulkMailer]:
    """A factory of bulk mailers (one per delivery thread) sharing one attachment cache."""
    settings = settings or get_settings()
    attachments = _Attachments(archived)
    return lambda: BulkMailer(settings, attachments)


def _failure(code: int, reply: bytes | str) -> DeliveryFailure:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    return DeliveryFailure(classify_smtp_code(code), f"{code} {text}")
