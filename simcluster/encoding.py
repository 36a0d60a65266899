"""JSON encoding for responses and watch streams, serialising each object version once.

Every committed object version has a unique resourceVersion (one global counter, one object per
write), so `(resourceVersion, apiVersion)` identifies its bytes exactly: the bytes are shared by
every list response and every watcher that sends that version. Objects that were never committed
(dry-run results) must go through `encode()`, not the cache.
"""

from __future__ import annotations

import json
import threading
from typing import Any

_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False)
_EVENT_PREFIX = {t: f'{{"type":"{t}","object":'.encode() for t in
                 ("ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR")}


def encode(value: Any) -> bytes:
    return _ENCODER.encode(value).encode()


def as_version(obj: dict[str, Any], api_version: str) -> dict[str, Any]:
    """The object as served at `api_version` (Istio kinds are served at three versions)."""
    if obj.get("apiVersion") == api_version:
        return obj
    return {**obj, "apiVersion": api_version}


def event_line(event_type: str, object_bytes: bytes) -> bytes:
    return _EVENT_PREFIX[event_type] + object_bytes + b"}\n"


class ObjectCache:
    """Bytes of committed object versions, bounded; safe to share between threads."""

    def __init__(self, limit: int = 40_000) -> None:
        self._bytes: dict[tuple[str, ...], bytes] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def object_bytes(self, obj: dict[str, Any], api_version: str) -> bytes:
        key = (obj["metadata"]["resourceVersion"], api_version)
        found = self._bytes.get(key)
        if found is None:
            found = encode(as_version(obj, api_version))
            self._remember(key, found)
        return found

    def event_line(self, event_type: str, obj: dict[str, Any], api_version: str) -> bytes:
        """A whole watch line, shared by every watcher that sends this event."""
        key = (obj["metadata"]["resourceVersion"], api_version, event_type)
        found = self._bytes.get(key)
        if found is None:
            found = event_line(event_type, self.object_bytes(obj, api_version))
            self._remember(key, found)
        return found

    def _remember(self, key: tuple[str, ...], data: bytes) -> None:
        with self._lock:
            self._bytes[key] = data
            if len(self._bytes) > self._limit:
                # Dicts keep insertion order: drop the older half in one go.
                for old in list(self._bytes)[: self._limit // 2]:
                    del self._bytes[old]

    def list_body(self, kind: str, api_version: str, rv: int, items: list[dict[str, Any]]) -> bytes:
        head = (f'{{"kind":"{kind}","apiVersion":"{api_version}",'
                f'"metadata":{{"resourceVersion":"{rv}"}},"items":[').encode()
        return head + b",".join(self.object_bytes(o, api_version) for o in items) + b"]}"
