"""How much memory a process group takes, read from Linux's /proc (no dependency).

A LibreOffice converter is a process group (its driver leads it; soffice runs in it), so its
size is the sum over the group: proportional set size (PSS: a shared page counts a share in each
process that maps it, so the sizes of several converters add up to what they take together), or
the resident set size where PSS cannot be read. None where /proc is not there (not Linux): the
caller falls back to counting documents. And a way to give the C heap's free pages back.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path

PROC = Path("/proc")


def _group_of(pid: str) -> int | None:
    """The process group of a process, from /proc/PID/stat (after the command's parentheses:
    state, parent, group)."""
    try:
        stat = (PROC / pid / "stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    return int(fields[2]) if len(fields) > 2 else None


def _process_kib(pid: str) -> int:
    """One process's PSS in KiB (smaps_rollup, Linux 4.14+), else its RSS (statm); 0 if gone."""
    try:
        for line in (PROC / pid / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    try:
        resident = int((PROC / pid / "statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return resident * os.sysconf("SC_PAGE_SIZE") // 1024


def group_mib(group: int) -> float | None:
    """Memory of every process in process group `group`, in MiB; None without /proc."""
    if not (PROC / "self" / "stat").exists():
        return None
    total = 0
    for entry in os.scandir(PROC):
        if entry.name.isdigit() and _group_of(entry.name) == group:
            total += _process_kib(entry.name)
    return total / 1024


def give_back_free_memory() -> None:
    """Return the C heap's free pages to the system (glibc's malloc_trim; nothing elsewhere):
    merging, splitting (qpdf) and checking (PDFium) a chunk in several threads leaves freed
    memory in each thread's arena, which glibc otherwise keeps for the process's life."""
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        trim = None
    if trim is not None:
        trim(0)
