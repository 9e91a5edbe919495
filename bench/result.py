"""One measured scenario, as printed and as written to bench/results.json."""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Result:
    name: str
    size: int
    seconds: float
    target: str = ""
    baseline_seconds: float | None = None  # the plain approach, same size (extrapolated if noted)
    breakdown: dict[str, float] = field(default_factory=dict)  # where the time goes, seconds
    notes: str = ""
    peak_rss_mb: float = 0.0

    @property
    def items_per_second(self) -> float:
        return self.size / self.seconds if self.seconds else 0.0

    @property
    def ratio(self) -> float | None:
        return self.baseline_seconds / self.seconds if self.baseline_seconds else None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["items_per_second"] = round(self.items_per_second, 1)
        data["ratio"] = None if self.ratio is None else round(self.ratio, 2)
        return data


def peak_rss_mb() -> float:
    """Peak resident memory of this process and its finished children, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


class Stopwatch:
    """Accumulates named phases: `with watch('render'): ...`."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = {}

    @contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.phases[phase] = self.phases.get(phase, 0.0) + time.perf_counter() - start
