"""Test hooks: injected failures for the next matching requests, and a log of every write."""

from __future__ import annotations

import re
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from simcluster.errors import REASONS


@dataclass
class Fault:
    code: int
    method: str  # "*" or an HTTP method
    path: re.Pattern[str]  # searched in the request path
    count: int
    retry_after: int | None

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and self.path.search(path) is not None


class Faults:
    """`fail_next(code, method, path, count)`: the next `count` matching requests fail."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, code: int, *, method: str = "*", path: str = ".*", count: int = 1,
            retry_after: int | None = None) -> None:
        if not isinstance(code, int) or not 400 <= code <= 599:
            raise ValueError(f"fail_next needs an HTTP error code (400-599), got {code!r}")
        if not isinstance(count, int) or count < 1:
            raise ValueError(f"fail_next count must be a positive integer, got {count!r}")
        if retry_after is not None and (not isinstance(retry_after, int) or retry_after < 0):
            raise ValueError(f"retryAfter must be a non-negative integer, got {retry_after!r}")
        try:
            pattern = re.compile(path)
        except (re.error, TypeError) as error:
            raise ValueError(f"fail_next path is not a valid regular expression: {error}") from None
        with self._lock:
            self._faults.append(Fault(code, str(method).upper(), pattern, count, retry_after))

    def take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()


def fault_message(fault: Fault) -> tuple[str, str]:
    reason = REASONS.get(fault.code, "InternalError")
    return reason, f"injected failure ({fault.code} {reason}) from simcluster fail-next"


class RequestLog:
    """Every write (POST, PUT, PATCH, DELETE) the API server answered, oldest first (bounded)."""

    def __init__(self, limit: int = 10_000) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=limit)
        self._lock = threading.Lock()

    def append(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._entries]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
