"""One batch of watch events → what to write: objects, rollout infos, timeline events.

`BatchProcessor` owns the in-memory `ClusterState` and the last info of every rollout. It runs
on one thread at a time (the mirror's DB thread), never on the watcher's loop. It knows what the
database holds (uid and resourceVersion per row) so unchanged objects are not written again,
and so a re-list after a restart finds rows of objects deleted while nobody watched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rollouts.state import (
    MIRRORED_KINDS,
    OWNED_KINDS,
    ClusterState,
    Key,
    controller_uid,
    key_of,
    meta,
    uid_of,
)
from rollouts.timeline import TimelineEvent, derive_events

log = logging.getLogger(__name__)


@dataclass
class RolloutRow:
    raw: dict
    info: dict
    info_changed: bool  # False: only the raw object (resourceVersion, ...) moved on
    changed_at: datetime


@dataclass
class WriteSet:
    """Everything one transaction writes. Merged into the next one if the write fails."""

    upserts: dict[str, dict[Key, dict]] = field(default_factory=dict)
    deletes: dict[str, set[Key]] = field(default_factory=dict)
    rollouts: dict[Key, RolloutRow] = field(default_factory=dict)
    events: list[tuple[Key, str, TimelineEvent]] = field(default_factory=list)
    status: dict[str, Any] | None = None
    changed: set[Key] = field(default_factory=set)
    removed: set[Key] = field(default_factory=set)
    ops: int = 0  # watch events and list items this covers

    def is_empty(self) -> bool:
        return not (any(self.upserts.values()) or any(self.deletes.values()) or self.rollouts
                    or self.events or self.status is not None or self.removed)

    def upsert(self, kind: str, key: Key, obj: dict) -> None:
        self.deletes.get(kind, set()).discard(key)
        self.upserts.setdefault(kind, {})[key] = obj

    def delete(self, kind: str, key: Key) -> None:
        self.upserts.get(kind, {}).pop(key, None)
        self.deletes.setdefault(kind, set()).add(key)
        if kind == "rollouts":
            self.rollouts.pop(key, None)

    def merge(self, later: WriteSet) -> None:
        """Fold a later batch into this unwritten one (the later state wins)."""
        for kind, objects in later.upserts.items():
            for key, obj in objects.items():
                self.upsert(kind, key, obj)
        for kind, keys in later.deletes.items():
            for key in keys:
                self.delete(kind, key)
        for key, row in later.rollouts.items():
            earlier = self.rollouts.get(key)
            row.info_changed = row.info_changed or bool(earlier and earlier.info_changed)
            self.rollouts[key] = row
        self.events += later.events
        self.status = later.status if later.status is not None else self.status
        self.changed = (self.changed - later.removed) | later.changed
        self.removed = (self.removed - later.changed) | later.removed
        self.ops += later.ops


def same_version(a: dict | None, b: dict | None) -> bool:
    if a is None or b is None:
        return a is b
    return uid_of(a) == uid_of(b) and meta(a).get("resourceVersion") == meta(b).get(
        "resourceVersion"
    )


def time_sensitive(info: dict) -> bool:
    """Infos that can change with the clock alone (pause timers, traffic convergence)."""
    traffic = info.get("traffic")
    converged = traffic.get("converged", True) if isinstance(traffic, dict) else True
    return info.get("status") != "Healthy" or converged is False


def fallback_info(rollout: dict, problem: str) -> dict:
    """What to store when the info model fails on an object: the failure, loudly."""
    namespace, name = key_of(rollout)
    return {
        "name": name, "namespace": namespace, "uid": uid_of(rollout), "status": "Unknown",
        "message": f"cannot read this rollout: {problem}", "errors": [problem],
        "needs_attention": True,
    }


class BatchProcessor:
    def __init__(self, cluster: str) -> None:
        self.cluster = cluster
        self.state = ClusterState()
        self.infos: dict[Key, dict] = {}
        # What the database holds (or will, once the pending WriteSet is written).
        self.db: dict[str, dict[Key, tuple[str, str]]] = {k: {} for k in MIRRORED_KINDS}
        self.sensitive: set[Key] = set()
        # Before every kind has been listed (see `process(provisional=True)`):
        self.deferred: set[Key] = set()  # rollouts to compute properly once all lists are in
        self.provisional: set[Key] = set()  # rows written with what was known so far

    def load(self, infos: dict[Key, dict], db: dict[str, dict[Key, tuple[str, str]]]) -> None:
        self.infos = dict(infos)
        self.db = {kind: dict(db.get(kind, {})) for kind in MIRRORED_KINDS}
        self.sensitive = {key for key, info in self.infos.items() if time_sensitive(info)}

    def process(self, ops: Iterable[tuple], now: datetime, *, reevaluate: bool = False,
                build: Any = None, provisional: bool = False) -> WriteSet:
        """What `ops` change. `provisional`: not every kind has been listed yet (startup)."""
        out = WriteSet()
        affected: set[Key] = set(self.sensitive) if reevaluate else set()
        for op in ops:
            if op[0] == "resync":
                out.ops += len(op[3]) or 1
                self._resync(op[1], op[2], op[3], affected, out)
            else:
                out.ops += 1
                self._apply(op[1], op[2], op[3], affected, out)
        if provisional:
            self._provisional(affected, now, out, build)
            return out
        affected |= self.deferred
        for key in sorted(affected):
            self._recompute(key, now, out, build)
        for key in self.provisional - self.infos.keys():  # gone before its proper info
            out.removed.add(key)
            out.changed.discard(key)
        self.deferred, self.provisional = set(), set()
        return out

    def _provisional(self, affected: set[Key], now: datetime, out: WriteSet,
                     build: Any) -> None:
        """A rollout never seen before is written at once with what is known of it, so it is
        served before the last kind is listed; its proper info, and the timeline, follow once
        all lists are in (the first batch after them computes everything affected meanwhile).
        """
        self.deferred |= affected
        for key in sorted(affected - self.infos.keys() - self.provisional):
            objects = self.state.objects_for(key)
            if objects is not None:
                info = self._info(objects, now, build)
                out.rollouts[key] = RolloutRow(objects.rollout, info, True, now)
                out.changed.add(key)
                self.provisional.add(key)
        for key, raw in out.upserts.get("rollouts", {}).items():
            if key not in out.rollouts:  # known from before: its new raw object, info later
                out.rollouts[key] = RolloutRow(raw, self.infos.get(key, {}), False, now)

    # --- objects ------------------------------------------------------------------------

    def _apply(self, kind: str, event_type: str, obj: dict, affected: set[Key],
               out: WriteSet) -> None:
        key = key_of(obj)
        if event_type == "DELETED":
            old = self.state.remove(kind, key)
            affected |= self.state.rollouts_affected_by(kind, old or obj)
            self._delete_row(kind, key, out)
            return
        old = self.state.put(kind, obj)
        if same_version(old, obj):
            return
        # The old version matters only if it fed other rollouts (another owner, references).
        moved = kind not in OWNED_KINDS or controller_uid(old or {}) != controller_uid(obj)
        if old is not None and moved:
            affected |= self.state.rollouts_affected_by(kind, old)
        affected |= self.state.rollouts_affected_by(kind, obj)
        version = (uid_of(obj), str(meta(obj).get("resourceVersion") or ""))
        if self.db[kind].get(key) != version:
            self.db[kind][key] = version
            out.upsert(kind, key, obj)

    def _delete_row(self, kind: str, key: Key, out: WriteSet) -> None:
        if self.db[kind].pop(key, None) is not None:
            out.delete(kind, key)

    def _resync(self, kind: str, scope: str | None, items: list[dict], affected: set[Key],
                out: WriteSet) -> None:
        listed = {key_of(item) for item in items}
        for item in items:
            self._apply(kind, "ADDED", item, affected, out)
        for key in self.state.keys(kind, scope) - listed:
            old = self.state.get(kind, key)
            if old is not None:
                self._apply(kind, "DELETED", old, affected, out)
        # Rows left from before this process started, of objects deleted meanwhile.
        for key in [k for k in self.db[kind] if k not in listed and scope in (None, k[0])]:
            self._delete_row(kind, key, out)
            if kind == "rollouts":
                affected.add(key)

    # --- rollouts -----------------------------------------------------------------------

    def _recompute(self, key: Key, now: datetime, out: WriteSet, build: Any) -> None:
        objects = self.state.objects_for(key)
        prev = self.infos.get(key)
        info = None if objects is None else self._info(objects, now, build)
        if objects is not None and key in out.upserts.get("rollouts", {}):
            row_info = info if info is not None else {}
            out.rollouts[key] = RolloutRow(objects.rollout, row_info, info != prev, now)
        if info == prev:
            return
        uid = uid_of(objects.rollout) if objects is not None else str((prev or {}).get("uid", ""))
        created = _parse_time(meta(objects.rollout).get("creationTimestamp")) if objects else None
        out.events += [(key, uid, event) for event in _events(prev, info, now, created)]
        if info is None:
            self.infos.pop(key, None)
            self.sensitive.discard(key)
            out.removed.add(key)
            out.changed.discard(key)
            return
        self.infos[key] = info
        (self.sensitive.add if time_sensitive(info) else self.sensitive.discard)(key)
        out.rollouts[key] = RolloutRow(objects.rollout, info, True, now)
        out.changed.add(key)

    def _info(self, objects: Any, now: datetime, build: Any) -> dict:
        if build is None:
            from rollouts.info import build_rollout_info as build
        try:
            return build(objects, now).to_dict()
        except Exception as exc:  # the info model should never raise; if it does, say so
            log.exception("info model failed on %s/%s", *key_of(objects.rollout))
            return fallback_info(objects.rollout, f"{type(exc).__name__}: {exc}")


def _events(prev: dict | None, info: dict | None, now: datetime,
            created: datetime | None) -> list[TimelineEvent]:
    try:
        if prev and info and prev.get("uid") and prev.get("uid") != info.get("uid"):
            # Deleted and created again between two batches: not the same rollout.
            return derive_events(prev, None, now) + derive_events(None, info, now)
        return derive_events(prev, info, now, created_at=created)
    except Exception:  # a timeline bug must not cost the batch: the row is still written
        log.exception("timeline rules failed on %s", (info or prev or {}).get("name"))
        return []


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
