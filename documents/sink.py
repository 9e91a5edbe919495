"""A real local SMTP server (aiosmtpd) that writes every accepted message as an .eml file."""

from __future__ import annotations

import itertools
import os
import threading
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from documents.private_files import write_private


class EmlWriter:
    """aiosmtpd handler: one file per message, written atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self._lock:
            number = next(self._counter)
        name = f"{os.getpid()}-{threading.get_ident() % 10000:04d}-{number:07d}"
        data = envelope.original_content or b""
        write_private(  # messages hold names, addresses, ballot codes
            self.directory / f"{name}.eml", data if isinstance(data, bytes) else str(data).encode()
        )
        return "250 Message accepted for delivery"


class MailSink:
    """Start/stop an SMTP sink on 127.0.0.1; `port=0` picks a free port."""

    def __init__(
        self, directory: Path, port: int = 0, host: str = "127.0.0.1", handler: Any | None = None
    ) -> None:
        self.directory = directory
        self.host = host
        self._requested_port = port
        self.handler = handler or EmlWriter(directory)
        self._controller: Controller | None = None

    @property
    def port(self) -> int:
        assert self._controller is not None
        return int(self._controller.port)

    def start(self) -> MailSink:
        port = self._requested_port or _free_port(self.host)
        self._controller = Controller(
            self.handler,
            hostname=self.host,
            port=port,
            data_size_limit=50 * 1024 * 1024,
            server_kwargs={"decode_data": False},
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> MailSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
