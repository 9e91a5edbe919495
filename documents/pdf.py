"""DOCX → PDF with LibreOffice headless, in batches (one soffice process per ≤200 files)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

BATCH_SIZE = 200  # one call with ~500 files silently converted only the first 247
TIMEOUT_PER_FILE_SECONDS = 5.0


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice_binary() is not None


class PdfConversionError(RuntimeError):
    pass


def _run(binary: str, files: Sequence[Path], out_dir: Path, profile: Path) -> None:
    cmd = [
        binary,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out_dir),
        *map(str, files),
    ]
    subprocess.run(
        cmd, check=False, capture_output=True, timeout=30 + TIMEOUT_PER_FILE_SECONDS * len(files)
    )


def convert(files: Sequence[Path], out_dir: Path) -> dict[Path, Path]:
    """Convert every file; each batch has its own profile, a timeout, and a check of each PDF."""
    binary = soffice_binary()
    if binary is None:
        raise PdfConversionError("LibreOffice (soffice) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    result: dict[Path, Path] = {}
    with tempfile.TemporaryDirectory(prefix="coop-lo-") as profile_dir:
        profile = Path(profile_dir)
        for start in range(0, len(files), BATCH_SIZE):
            batch = list(files[start : start + BATCH_SIZE])
            _run(binary, batch, out_dir, profile)
            for source in batch:
                pdf = out_dir / (source.stem + ".pdf")
                if not _is_pdf(pdf):  # retry a missing one alone before giving up
                    _run(binary, [source], out_dir, profile)
                if not _is_pdf(pdf):
                    raise PdfConversionError(f"LibreOffice produced no PDF for {source.name}")
                result[source] = pdf
    return result


def _is_pdf(path: Path) -> bool:
    if not path.exists():
        return False
    with open(path, "rb") as handle:
        return handle.read(5) == b"%PDF-"
