"""SMTP delivery with yagmail over one kept-open connection, and the outbox delivery loop."""

from __future__ import annotations

import hashlib
import html
import io
import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from types import TracebackType

import yagmail
from yagmail.headers import resolve_addresses
from yagmail.message import prepare_message

from documents import unsettled
from documents.attachment_names import attachment_names
from documents.email import render_email
from governance.config import Settings, SmtpSecurity, get_settings
from governance.db.uow import UnitOfWork
from governance.domain.delivery import DeliveryFailure, FailureKind, classify_smtp_code
from governance.placeholders import require_ready
from governance.services import outbox

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
    def __init__(self, failure: DeliveryFailure) -> None:
        super().__init__(failure.reply)
        self.failure = failure


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
                DeliveryFailure(FailureKind.TRANSIENT, f"{type(exc).__name__}: {exc}")
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


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    bounced: int = 0
    failed: int = 0

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.bounced += other.bounced
        self.failed += other.failed


def deliver_pending(
    settings: Settings | None = None,
    *,
    batch_size: int = 200,
    max_batches: int | None = None,
    keys_prefix: str | None = None,
    sender_factory: Callable[[Settings], YagmailSender] = YagmailSender,
    after_send: Callable[[outbox.ClaimedMessage], None] | None = None,
) -> DeliveryReport:
    """Claim due messages, send each, mark each: a crash loses nothing and repeats at most one."""
    settings = settings or get_settings()
    require_ready(settings, "send member mail")  # production: no placeholder on a letter
    archive = settings.resolved_archive_dir()
    report = DeliveryReport()
    unsettled.settle(settings)  # what an earlier run of this process could not record
    with UnitOfWork(settings) as uow:
        outbox.recover_stale_claims(uow)
    batches = 0
    with sender_factory(settings) as sender:
        while max_batches is None or batches < max_batches:
            with UnitOfWork(settings) as uow, unsettled.claim() as claim:
                claimed = outbox.claim_batch(
                    uow, batch_size, keys_prefix=keys_prefix, token=claim.token
                )
                if not claimed:
                    break
                batches += 1
                offices = outbox.offices_of(uow.session, claimed)
                for message in claimed:
                    office = outbox.reply_office(message, offices)
                    reply_to = settings.reply_to(office)
                    _deliver_one(uow, sender, message, archive, report, claim, reply_to)
                    if after_send is not None:
                        after_send(message)
    return report


def _deliver_one(
    uow: UnitOfWork,
    sender: YagmailSender,
    message: outbox.ClaimedMessage,
    archive: Path,
    report: DeliveryReport,
    claim: unsettled.Claim,
    reply_to: str | None = None,
) -> None:
    rendered = render_email(message.template, message.language, message.context)
    claim.sending(message)
    try:
        sender.send(
            to=message.to,
            subject=rendered.subject,
            text=rendered.text,
            attachments=[archive / p for p in message.attachments],
            key=message.key,
            language=message.language,
            reply_to=reply_to,
        )
    except SmtpFailure as exc:  # stays "in flight" (a drop may hide an acceptance) until recorded
        status = outbox.mark_failed(uow, message, exc.failure)
        claim.recorded(message)
        if status == "bounced":
            report.bounced += 1
        elif status == "failed":
            report.failed += 1
        else:
            report.retrying += 1
        return
    claim.accepted(message, rendered.subject)
    outbox.mark_sent(uow, message, rendered.subject)
    claim.recorded(message)
    report.sent += 1
