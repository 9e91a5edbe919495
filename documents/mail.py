"""The single delivery path's mailer: yagmail composes, one kept-open SMTP connection.

The claim -> send -> mark loop is governance.kernel.use_cases.delivery; tasks.mail wires the two.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import smtplib
from collections.abc import Callable
from email.utils import parseaddr
from pathlib import Path
from types import TracebackType

import yagmail
from yagmail.headers import resolve_addresses
from yagmail.message import prepare_message

from documents.attachment_names import attachment_names
from documents.email import render_email
from governance.config import Settings, SmtpSecurity, get_settings
from governance.kernel.rules.delivery import (
    ClaimedMessage,
    DeliveryFailure,
    FailureKind,
    SendResult,
    classify_smtp_code,
)

# An archived file's path on this machine from its path in the archive (documents.archive's
# local_path, given by the caller: the mailers know no database, the archive may be in one)
ArchivedPath = Callable[[str], Path]

_URL = re.compile(r"https?://[^\s<>\"']+")


def html_body(text: str) -> str:
    """The HTML part: the text escaped (member text stays literal), web addresses as links."""
    parts, last = [], 0
    for found in _URL.finditer(text):
        url = found.group(0).rstrip(".,;:)")
        end = found.start() + len(url)
        parts.append(html.escape(text[last : found.start()]))
        parts.append(f'<a href="{html.escape(url)}">{html.escape(url)}</a>')
        last = end
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def html_document(text: str, language: str) -> str:
    """The HTML part of a message written directly (the bulk path): the text's lines kept."""
    body = html_body(text).replace("\n", "<br>\n")
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(language)}"><head><meta charset="utf-8">'
        '</head>\n<body><div style="font-family: sans-serif; font-size: 14px">'
        f"{body}</div></body></html>\n"
    )


class SmtpFailure(Exception):
    """The server refused the message (`answered`), or its reply was lost: then the message
    may have been taken."""

    def __init__(self, failure: DeliveryFailure, *, answered: bool = True) -> None:
        super().__init__(failure.reply)
        self.failure = failure
        self.answered = answered


def message_id_for(key: str) -> str:
    """A stable Message-ID: a redelivered message is recognisable as the same message."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@coopflow>"


class YagmailSender:
    """yagmail builds the MIME message; we keep one SMTP connection and read every reply."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        s = self.settings
        name, address = parseaddr(s.mail_sender)
        self._client = yagmail.SMTP(
            user={address: name} if name else address,
            password=s.smtp_password.get_secret_value(),  # always given: never a prompt
            host=s.smtp_host,
            port=s.smtp_port,
            smtp_ssl=s.smtp_security is SmtpSecurity.SSL,
            smtp_starttls=s.smtp_security is SmtpSecurity.STARTTLS,
            smtp_skip_login=not s.smtp_user,
            timeout=s.smtp_timeout_seconds,
        )
        self._connected = False

    def __enter__(self) -> YagmailSender:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._connected:
            self._client.close()
            self._connected = False

    def send(
        self,
        *,
        to: str,
        subject: str,
        text: str,
        attachments: list[Path],
        key: str,
        language: str,
        reply_to: str | None = None,
    ) -> None:
        """Send one message or raise SmtpFailure (transient or permanent). Attachments are
        named for the reader ("Lettre de bienvenue.pdf"), replies go to `reply_to`."""
        try:
            recipients, mime = self._compose(
                to, subject, text, attachments, key, language, reply_to
            )
            if not self._connected:
                self._client.login()
                self._connected = True
            refused = self._client.smtp.sendmail(self._client.user, recipients, mime)
        except (UnicodeEncodeError, ValueError) as exc:  # an address SMTP cannot carry
            self._drop()  # the SMTP transaction may be half-open: start the next one afresh
            raise SmtpFailure(
                DeliveryFailure(FailureKind.PERMANENT, f"address or message not sendable: {exc}")
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            if code == 421:  # smtplib closed the connection: reconnect for the next message
                self._drop()
            raise self._failure(code, reply) from exc
        except smtplib.SMTPResponseException as exc:
            self._drop()
            raise self._failure(exc.smtp_code, exc.smtp_error) from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise SmtpFailure(
                DeliveryFailure(FailureKind.TRANSIENT, f"{type(exc).__name__}: {exc}"),
                answered=False,
            ) from exc
        if refused:
            code, reply = next(iter(refused.values()))
            raise self._failure(code, reply)

    def _compose(
        self,
        to: str,
        subject: str,
        text: str,
        attachments: list[Path],
        key: str,
        language: str,
        reply_to: str | None = None,
    ) -> tuple[list[str], str]:
        """yagmail's MIME message, with member text escaped in the HTML part and kept as
        written in the plain-text part (yagmail would put `<br>` there)."""
        client = self._client
        addresses = resolve_addresses(client.user, client.useralias, to, None, None)
        headers = {"Content-Language": language, "X-Coop-Key": key}
        if reply_to:
            headers["Reply-To"] = reply_to
        files = []
        for path, name in zip(
            attachments, attachment_names([str(p) for p in attachments], language), strict=True
        ):
            data = io.BytesIO(path.read_bytes())
            data.name = name  # yagmail names the attachment after it
            files.append(data)
        msg = prepare_message(
            client.user,
            client.useralias,
            addresses,
            subject,
            [yagmail.raw(html_body(text))],
            files or None,
            headers,
            "utf-8",
            False,
            message_id_for(key),
            True,
            None,
        )
        for part in msg.walk():
            if part.get_content_type() == "text/plain" and not part.get_filename():
                del part["Content-Transfer-Encoding"]
                part.set_payload(text, charset="utf-8")
                break
        return list(addresses["recipients"]), msg.as_string()

    def _drop(self) -> None:
        try:
            self._client.smtp.close()
        except Exception:  # noqa: S110 - the connection is being thrown away anyway
            pass
        self._connected = False

    @staticmethod
    def _failure(code: int, reply: bytes | str) -> SmtpFailure:
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return SmtpFailure(DeliveryFailure(classify_smtp_code(code), f"{code} {text}"))


def unreadable_attachment(exc: OSError) -> DeliveryFailure:
    """An attachment this machine cannot read (its archive lacks the file): a transient failure,
    so the message waits for a later attempt (here once the file is there, or on another worker)
    instead of stopping the delivery or waiting for a lease."""
    return DeliveryFailure(FailureKind.TRANSIENT, f"attachment not readable on this machine: {exc}")


class YagmailMailer:
    """The single path's mailer: the e-mail rendered from its template, yagmail composes it,
    attachments read from the archive, one kept SMTP connection."""

    def __init__(self, archived: ArchivedPath, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.archived = archived
        self.sender = YagmailSender(self.settings)

    def send(self, message: ClaimedMessage, reply_to: str | None) -> SendResult:
        """Send one message; an SMTP refusal or a lost reply is the result, not an error."""
        rendered = render_email(message.template, message.language, message.context)
        try:
            attachments = [self.archived(p) for p in message.attachments]
        except OSError as exc:  # not readable on this machine: nothing sent, try again later
            return SendResult(rendered.subject, unreadable_attachment(exc))
        try:
            self.sender.send(
                to=message.to,
                subject=rendered.subject,
                text=rendered.text,
                attachments=attachments,
                key=message.key,
                language=message.language,
                reply_to=reply_to,
            )
        except SmtpFailure as exc:
            return SendResult(rendered.subject, exc.failure, answered=exc.answered)
        return SendResult(rendered.subject)

    def close(self) -> None:
        self.sender.close()
