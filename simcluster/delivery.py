"""Ordered delivery of committed store events to subscribers, outside the store lock."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class Subscribers:
    """Subscribers see events one at a time in commit (RV) order, whatever thread wrote them.

    Writers enqueue under the store lock, then call `deliver()` after releasing it. One thread
    delivers at a time; a write made from inside a callback is picked up by the running loop
    rather than delivered re-entrantly (which would reorder events).
    """

    def __init__(self, store_lock: threading.RLock) -> None:
        self._store_lock = store_lock
        self._callbacks: list[Callable[[Any], None]] = []
        self._pending: deque[Any] = deque()
        self._delivery = threading.Lock()
        self._delivering_thread: int | None = None

    def add(self, callback: Callable[[Any], None]) -> Callable[[], None]:
        with self._store_lock:
            self._callbacks.append(callback)

        def unsubscribe() -> None:
            with self._store_lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return unsubscribe

    def enqueue(self, event: Any) -> None:
        """Call with the store lock held."""
        if self._callbacks:
            self._pending.append(event)

    def deliver(self) -> None:
        me = threading.get_ident()
        if self._delivering_thread == me or self._store_lock._is_owned():  # type: ignore[attr-defined]
            return  # the outer delivery loop (or the outer write) picks these up
        with self._delivery:
            self._delivering_thread = me
            try:
                self._drain()
            finally:
                self._delivering_thread = None

    def _drain(self) -> None:
        while True:
            with self._store_lock:
                if not self._pending:
                    return
                event = self._pending.popleft()
                callbacks = list(self._callbacks)
            for callback in callbacks:
                try:
                    callback(event)
                except Exception:
                    log.exception("store subscriber %r failed on %s %s rv=%s", callback,
                                  event.type, event.plural, event.rv)
