"""DOCX → PDF with LibreOffice headless.

Two paths, one result:
- a long-lived converter (one soffice kept running, driven through UNO by documents/uno_worker.py
  under the system Python) for the everyday flow: no start-up cost per document;
- batch `soffice --convert-to pdf` calls (≤200 files each, own profile, a time-out, every PDF
  checked) for bulk runs, where a batch call converts faster than one request at a time.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

# PDF/A-2b, the archival profile (fonts embedded, no external content); option syntax of
# LibreOffice 7.4+. documents/uno_worker.py asks for the same version through FilterData.
PDF_A_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
BATCH_SIZE = 200  # one call with ~500 files silently converted only the first 247
TIMEOUT_PER_FILE_SECONDS = 5.0
CONVERT_TIMEOUT = 60.0  # one document through the long-lived converter
BULK_THRESHOLD = 40  # above this many files, batch calls beat the long-lived converter
SYSTEM_PYTHON = "/usr/bin/python3"
WORKER = Path(__file__).with_name("uno_worker.py")


class PdfConversionError(RuntimeError):
    pass


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice_binary() is not None


def uno_available() -> bool:
    if not (available() and os.path.exists(SYSTEM_PYTHON)):
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, check=False)
    return probe.returncode == 0


def _is_pdf(path: Path) -> bool:
    if not path.exists():
        return False
    with open(path, "rb") as handle:
        return handle.read(5) == b"%PDF-"


class LongLivedConverter:
    """One soffice process for the life of this Python process (stopped at exit, by PID)."""

    def __init__(self, profile: Path | None = None, pdf_version: int = 0) -> None:
        self._proc: subprocess.Popen[str] | None = None
        self._profile: tempfile.TemporaryDirectory[str] | None = None
        self._own_profile = profile  # kept between starts (a pool's slot), else a temporary one
        self.pdf_version = pdf_version  # 2: PDF/A-2b
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        """The driver's PID, also its process group (soffice runs in it)."""
        return None if self._proc is None else self._proc.pid

    def memory_mib(self) -> float | None:
        """What the converter takes now (its process group, soffice included: PSS, in MiB);
        0 when it is not running, None where it cannot be measured (no /proc)."""
        from documents.process_memory import group_mib

        proc = self._proc
        if proc is None or proc.poll() is not None:
            return 0.0
        return group_mib(proc.pid)

    def _start(self) -> subprocess.Popen[str]:
        if self._own_profile is not None:
            self._own_profile.mkdir(parents=True, exist_ok=True)
            profile = str(self._own_profile.resolve())  # COOP_VAR_DIR may be relative
        else:
            self._profile = tempfile.TemporaryDirectory(prefix="coop-uno-")
            profile = self._profile.name
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        errors = tempfile.TemporaryFile()  # what the worker says when it cannot start
        try:
            proc = subprocess.Popen(
                [SYSTEM_PYTHON, str(WORKER), str(port), profile],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
                start_new_session=True,
            )  # its own process group: soffice goes with it
            assert proc.stdout is not None
            hello = proc.stdout.readline()
            if not hello or not json.loads(hello).get("ready"):
                self._kill(proc)
                errors.seek(0)
                said = errors.read().decode(errors="replace").strip().splitlines()[-3:]
                raise PdfConversionError(
                    f"the LibreOffice converter did not start: {hello.strip() or 'no answer'}"
                    + (f" ({' | '.join(said)})" if said else "")
                )
        finally:
            errors.close()  # a started worker keeps writing to the file, unlinked: never read
        return proc

    def convert(
        self, source: Path, target: Path, bookmarks: bool = False, timeout: float = CONVERT_TIMEOUT
    ) -> Path:
        """Convert one file (`bookmarks`: Word bookmarks become the PDF's named destinations)."""
        with self._lock:
            for attempt in (1, 2):  # a converter that died is restarted once
                if self._proc is None or self._proc.poll() is not None:
                    self._proc = self._start()
                assert self._proc.stdin is not None and self._proc.stdout is not None
                try:
                    self._proc.stdin.write(
                        json.dumps(
                            {
                                "src": str(source),
                                "dst": str(target),
                                "pdf_version": self.pdf_version,
                                "bookmarks": bookmarks,
                            }
                        )
                        + "\n"
                    )
                    self._proc.stdin.flush()
                    ready, _, _ = select.select([self._proc.stdout], [], [], timeout)
                    if not ready:  # a hung soffice: killed below and started again
                        reply = {"error": f"no answer within {timeout:.0f} s"}
                    else:
                        reply = json.loads(self._proc.stdout.readline() or "{}")
                except (BrokenPipeError, json.JSONDecodeError):
                    reply = {}
                if reply.get("ok") and _is_pdf(target):
                    return target
                self.close()
                if attempt == 2:
                    raise PdfConversionError(
                        f"LibreOffice could not convert {source.name}: {reply.get('error')}"
                    )
        raise AssertionError("unreachable")

    @staticmethod
    def _kill(proc: subprocess.Popen[str]) -> None:
        """Stop the driver's process group (soffice is in it) and wait until it is empty."""
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        for _ in range(100):  # soffice, reparented once the driver is gone, exits after it
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()

    def close(self) -> None:
        if self._proc is not None:
            if self._proc.stdin:
                try:
                    self._proc.stdin.close()
                    self._proc.wait(15)
                except (BrokenPipeError, subprocess.TimeoutExpired):
                    pass
            self._kill(self._proc)
            self._proc = None
        if self._profile is not None:
            self._profile.cleanup()
            self._profile = None


_CONVERTER: LongLivedConverter | None = None


def converter() -> LongLivedConverter:
    global _CONVERTER
    if _CONVERTER is None:
        _CONVERTER = LongLivedConverter()
        atexit.register(_CONVERTER.close)
    return _CONVERTER


def stop_converter() -> None:
    """Stop the process's everyday converter, if it runs (the next use starts it again): a
    mass run that used it for a few shared documents leaves that memory to its pool."""
    if _CONVERTER is not None:
        _CONVERTER.close()


def _batch_call(binary: str, files: Sequence[Path], out_dir: Path, profile: Path) -> None:
    cmd = [
        binary,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        PDF_A_FILTER,
        "--outdir",
        str(out_dir),
        *map(str, files),
    ]
    try:
        subprocess.run(
            cmd,
            check=False,
            capture_output=True,
            timeout=30 + TIMEOUT_PER_FILE_SECONDS * len(files),
        )
    except subprocess.TimeoutExpired:
        pass  # every expected PDF is checked below; missing ones are retried alone


def convert_in_batches(files: Sequence[Path], out_dir: Path) -> dict[Path, Path]:
    """Bulk: soffice --convert-to per ≤200 files, each PDF checked, a missing one retried alone."""
    binary = soffice_binary()
    if binary is None:
        raise PdfConversionError("LibreOffice (soffice) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    result: dict[Path, Path] = {}
    with tempfile.TemporaryDirectory(prefix="coop-lo-") as profile_dir:
        profile = Path(profile_dir)
        for start in range(0, len(files), BATCH_SIZE):
            batch = list(files[start : start + BATCH_SIZE])
            _batch_call(binary, batch, out_dir, profile)
            for source in batch:
                pdf = out_dir / (source.stem + ".pdf")
                if not _is_pdf(pdf):
                    _batch_call(binary, [source], out_dir, profile)
                if not _is_pdf(pdf):
                    raise PdfConversionError(f"LibreOffice produced no PDF for {source.name}")
                result[source] = pdf
    return result


def convert(files: Sequence[Path], out_dir: Path) -> dict[Path, Path]:
    """Convert every file: the long-lived converter for a few, batch calls for many."""
    if not available():
        raise PdfConversionError("LibreOffice (soffice) is not installed")
    if len(files) > BULK_THRESHOLD or not uno_available():
        return convert_in_batches(files, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    service = converter()
    return {source: service.convert(source, out_dir / (source.stem + ".pdf")) for source in files}
