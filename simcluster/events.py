"""Entries of the store's global event history."""

from __future__ import annotations

from typing import Any

from simcluster.objects import clone


class Event:
    """One entry of the global history.

    `obj` (after the change; for DELETED the final state with its new RV) and `old` (before the
    change; None for ADDED) are private deep copies, made on first access so that the HTTP server,
    which only serialises `shared`/`old_shared`, never pays for them.
    """

    __slots__ = ("rv", "plural", "type", "shared", "old_shared", "_obj", "_old")

    def __init__(self, rv: int, plural: str, type: str, obj: dict[str, Any],
                 old: dict[str, Any] | None) -> None:
        self.rv, self.plural, self.type = rv, plural, type  # type: ADDED | MODIFIED | DELETED
        self.shared, self.old_shared = obj, old  # committed objects: read-only
        self._obj: dict[str, Any] | None = None
        self._old: dict[str, Any] | None = None

    @property
    def obj(self) -> dict[str, Any]:
        if self._obj is None:
            self._obj = clone(self.shared)
        return self._obj

    @property
    def old(self) -> dict[str, Any] | None:
        if self._old is None and self.old_shared is not None:
            self._old = clone(self.old_shared)
        return self._old

    def __repr__(self) -> str:
        meta = self.shared.get("metadata", {})
        return (f"Event(rv={self.rv}, {self.type} {self.plural} "
                f"{meta.get('namespace', '')}/{meta.get('name', '')})")
