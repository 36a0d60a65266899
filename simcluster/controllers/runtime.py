"""What every simulated controller shares: the store, the clock, the work queue and events."""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from simcluster.objects import clone
from simcluster.store import Store

from .objects import (
    controller_uid,
    format_time,
    meta,
    name_of,
    namespace_of,
    parse_time,
    uid_of,
)
from .options import ControllerOptions

Key = tuple[str, str, str]  # (plural, namespace, name)


class Conflict(Exception):
    """The object changed since it was read: reconcile it again from fresh state."""


class Runtime:
    def __init__(self, store: Store, clock: Any, options: ControllerOptions, *,
                 enqueue: Callable[[Key], None],
                 schedule: Callable[[Key, datetime], None]) -> None:
        self.store = store
        self.clock = clock
        self.options = options
        self.rng = random.Random(options.random_seed)
        self._enqueue = enqueue
        self._schedule = schedule
        self._event_names: dict[tuple[str, str, str], str] = {}

    def now(self) -> datetime:
        return self.clock.now()

    def now_str(self) -> str:
        return format_time(self.clock.now())

    def owned(self, plural: str, namespace: str, owner_uid: str) -> list[dict]:
        """Objects whose controller is `owner_uid`: filtered on the store's shared snapshot, so
        only the matches are copied (listing is on every reconcile)."""
        items, _ = self.store.snapshot(plural, namespace,
                                       lambda obj: controller_uid(obj) == owner_uid)
        return [clone(obj) for obj in items]

    def read_only(self, plural: str, namespace: str | None = None) -> list[dict]:
        """The store's shared objects, for looking only (never modify them)."""
        return self.store.snapshot(plural, namespace)[0]

    def enqueue(self, key: Key) -> None:
        self._enqueue(key)

    def requeue_after(self, key: Key, seconds: float) -> None:
        self._schedule(key, self.clock.now() + timedelta(seconds=max(0.0, seconds)))

    def write(self, plural: str, obj: dict, edit: Callable[[dict], None], *,
              check_rv: bool = False) -> dict:
        """Edit the stored object through Store.mutate; with check_rv, refuse (Conflict) if it
        changed since `obj` was read. Returns the new object (or `obj` when nothing changed)."""
        expected = meta(obj).get("resourceVersion")

        def apply(current: dict) -> None:
            if check_rv and meta(current).get("resourceVersion") != expected:
                raise Conflict(f"{plural} {namespace_of(obj)}/{name_of(obj)} changed")
            edit(current)

        updated = self.store.mutate(plural, namespace_of(obj) or None, name_of(obj), apply)
        if updated is None and self.store.get(plural, namespace_of(obj) or None,
                                              name_of(obj)) is None:
            raise Conflict(f"{plural} {namespace_of(obj)}/{name_of(obj)} is gone")
        return updated if updated is not None else obj

    # --- v1 Events ---------------------------------------------------------------------------
    def event(self, obj: dict, kind: str, reason: str, message: str, *,
              component: str = "rollouts-controller", warning: bool = False) -> None:
        """Record a v1 Event about `obj`, folding repeats into `count` like the real recorder."""
        namespace = namespace_of(obj)
        if not self.options.events or not namespace:
            return
        key = (uid_of(obj), reason, message)
        now = self.now_str()
        name = self._event_names.get(key)
        if name and self.store.mutate("events", namespace, name, _bump(now)) is not None:
            return
        body = {
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": f"{name_of(obj)}.{secrets.token_hex(8)}", "namespace": namespace},
            "involvedObject": {"kind": kind, "namespace": namespace, "name": name_of(obj),
                               "uid": uid_of(obj), "apiVersion": obj.get("apiVersion", ""),
                               "resourceVersion": meta(obj).get("resourceVersion", "")},
            "reason": reason, "message": message, "type": "Warning" if warning else "Normal",
            "source": {"component": component}, "reportingComponent": component,
            "firstTimestamp": now, "lastTimestamp": now, "count": 1,
        }
        try:
            created = self.store.create("events", body, namespace=namespace)
        except Exception:  # the namespace may be going away; events are best-effort
            return
        if len(self._event_names) > 5000:
            self._event_names.clear()
        self._event_names[key] = name_of(created)


    def prune_events(self, max_age_seconds: float = 3600.0) -> int:
        """Delete Events last seen more than an hour ago (the apiserver's default event TTL)."""
        cutoff = self.now() - timedelta(seconds=max_age_seconds)
        pruned = 0
        for event in self.store.list("events"):
            seen = parse_time(event.get("lastTimestamp") or meta(event).get("creationTimestamp"))
            if seen is not None and seen < cutoff:
                try:
                    self.store.delete("events", namespace_of(event), name_of(event))
                except Exception:  # already gone
                    continue
                pruned += 1
        return pruned


def _bump(now: str) -> Callable[[dict], None]:
    def edit(event: dict) -> None:
        event["count"] = int(event.get("count") or 1) + 1
        event["lastTimestamp"] = now
    return edit
