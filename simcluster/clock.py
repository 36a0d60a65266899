"""Simulated time: wall time scaled by a speed factor, plus whatever tests jump forward."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta


class SimClock:
    """sim time = start + real_elapsed * speed + advanced (thread-safe)."""

    def __init__(self, speed: float = 1.0, start: datetime | None = None) -> None:
        if not speed > 0:
            raise ValueError(f"clock speed must be a positive number, got {speed!r}")
        self.speed = float(speed)
        start = start or datetime.now(UTC)
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
        self._start = start.astimezone(UTC)
        self._real_start = time.monotonic()
        self._advanced = 0.0
        self._lock = threading.Lock()

    def now(self) -> datetime:
        elapsed = (time.monotonic() - self._real_start) * self.speed
        with self._lock:
            advanced = self._advanced
        return self._start + timedelta(seconds=elapsed + advanced)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"time only moves forward; cannot advance by {seconds!r} s")
        with self._lock:
            self._advanced += seconds

    def real_seconds(self, sim_seconds: float) -> float:
        return max(0.0, sim_seconds) / self.speed

    def timestamp(self) -> str:
        """Now as Kubernetes writes it: RFC 3339, second precision, `Z`."""
        return format_timestamp(self.now())


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
