"""The simulated cluster's state: objects, one global resourceVersion, a bounded event history.

Thread-safe (one RLock) and synchronous. Committed objects are never mutated in place: every write
builds a new dict, so readers holding a reference see a consistent snapshot. Public methods hand out
deep copies; `snapshot()` hands out the shared (read-only) objects to the HTTP server, which only
serialises them.

Subscribers are called outside the lock, in commit order (one delivery at a time), so a watch stream
or controller never sees RV 7 before RV 6.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from simcluster import objects
from simcluster.clock import format_timestamp
from simcluster.delivery import Subscribers
from simcluster.errors import ApiError, already_exists, conflict, invalid, not_found
from simcluster.events import Event
from simcluster.patching import apply_patch
from simcluster.resources import RESOURCES, ResourceType, resource
from simcluster.selectors import Predicate, combine, field_predicate, label_predicate

__all__ = ["ApiError", "Event", "Store"]

FIRST_RESOURCE_VERSION = 100  # like a real etcd, the counter does not start at zero
ObjectKey = tuple[str, str]  # (namespace or "", name)
# A check the HTTP write path runs on the object about to be stored: raising ApiError refuses
# it. The store's own callers (seeds, controllers, tests) pass none.
Admit = Callable[[ResourceType, Any], None]


class Store:
    def __init__(self, *, history_limit: int = 10_000,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._lock = threading.RLock()
        self._objects: dict[str, dict[ObjectKey, dict[str, Any]]] = {k: {} for k in RESOURCES}
        self._rv = FIRST_RESOURCE_VERSION
        self._history: deque[Event] = deque(maxlen=max(1, history_limit))
        self._oldest = self._rv  # oldest RV one can resume from
        self._dependents: dict[str, set[tuple[str, str, str]]] = {}
        self._subscribers = Subscribers(self._lock)
        self._clock = clock or (lambda: datetime.now(UTC))

    # --- reads -------------------------------------------------------------------------------
    @property
    def resource_version(self) -> int:
        return self._rv

    def oldest_rv(self) -> int:
        with self._lock:
            return self._history[0].rv - 1 if self._history else self._oldest

    def get(self, plural: str, namespace: str | None, name: str) -> dict[str, Any] | None:
        rtype = resource(plural)
        stored = self._objects[rtype.key].get((self._ns(rtype, namespace), name))
        return objects.clone(stored) if stored is not None else None

    def list(self, plural: str, namespace: str | None = None, *,
             label_selector: str | None = None,
             field_selector: str | None = None) -> list[dict[str, Any]]:
        matches = combine(label_predicate(label_selector), field_predicate(plural, field_selector))
        items, _ = self.snapshot(plural, namespace, matches)
        return [objects.clone(item) for item in items]

    def snapshot(self, plural: str, namespace: str | None = None,
                 matches: Predicate | None = None) -> tuple[list[dict[str, Any]], int]:
        """Matching objects (shared, read-only) and the RV they are current at, atomically."""
        rtype = resource(plural)
        with self._lock:
            stored = self._objects[rtype.key]
            if namespace and rtype.namespaced:
                items = [o for (ns, _), o in stored.items() if ns == namespace]
            else:
                items = list(stored.values())
            rv = self._rv
        if matches is not None:
            items = [o for o in items if matches(o)]
        items.sort(key=_sort_key)
        return items, rv

    def events_since(self, rv: int) -> list[Event] | None:
        """Events with an RV above `rv`, oldest first; None if `rv` fell out of the history."""
        with self._lock:
            if rv >= self._rv:
                return []
            if rv < self.oldest_rv():
                return None
            found = []
            for event in reversed(self._history):
                if event.rv <= rv:
                    break
                found.append(event)
        found.reverse()
        return found

    def compact(self) -> None:
        with self._lock:
            self._history.clear()
            self._oldest = self._rv

    def subscribe(self, callback: Callable[[Event], None]) -> Callable[[], None]:
        """`callback(event)` after every committed write, outside the lock, in RV order."""
        return self._subscribers.add(callback)

    # --- writes ------------------------------------------------------------------------------
    def create(self, plural: str, obj: dict[str, Any], *, namespace: str | None = None,
               dry_run: bool = False, admit: Admit | None = None) -> dict[str, Any]:
        rtype = resource(plural)
        meta = objects.check_shape(rtype, obj)
        namespace = self._create_namespace(rtype, meta, namespace)
        with self._lock:
            if rtype.namespaced and ("", namespace) not in self._objects["namespaces"]:
                raise not_found("", "namespaces", namespace)
            name = self._create_name(rtype, meta, namespace)
            new = objects.new_object(rtype, obj, namespace, name, rv=self._rv + 1,
                                     now=format_timestamp(self._clock()))
            if admit is not None:
                admit(rtype, new)
            if not dry_run:
                self._commit(rtype, "ADDED", new, None)
        self._subscribers.deliver()
        return objects.clone(new)

    def replace(self, plural: str, obj: dict[str, Any], *, subresource: str | None = None,
                dry_run: bool = False, admit: Admit | None = None) -> dict[str, Any]:
        rtype = resource(plural)
        meta = objects.check_shape(rtype, obj)
        if admit is not None:
            admit(rtype, obj)
        name = meta.get("name") or ""
        if not name:
            raise invalid(rtype.kind, "", "metadata.name: Required value: name is required")
        with self._lock:
            old = self._existing(rtype, meta.get("namespace"), name, subresource)
            sent_rv = meta.get("resourceVersion")
            if sent_rv and sent_rv != old["metadata"]["resourceVersion"]:
                raise conflict(rtype.group, rtype.plural, name)
            result = self._update(rtype, old, objects.clone(obj), subresource, dry_run)
        self._subscribers.deliver()
        return objects.clone(result)

    def patch(self, plural: str, namespace: str | None, name: str, body: Any,
              content_type: str, *, subresource: str | None = None,
              dry_run: bool = False, admit: Admit | None = None) -> dict[str, Any]:
        rtype = resource(plural)
        body = objects.clone(body)
        with self._lock:
            old = self._existing(rtype, namespace, name, subresource)
            patched = apply_patch(old, body, content_type, strategic_allowed=rtype.builtin)
            sent_rv = objects.check_shape(rtype, patched, old).get("resourceVersion")
            if admit is not None:
                admit(rtype, patched)
            if sent_rv and sent_rv != old["metadata"]["resourceVersion"]:
                raise conflict(rtype.group, rtype.plural, name)
            result = self._update(rtype, old, patched, subresource, dry_run)
        self._subscribers.deliver()
        return objects.clone(result)

    def mutate(self, plural: str, namespace: str | None, name: str,
               fn: Callable[[dict[str, Any]], None]) -> dict[str, Any] | None:
        """The controllers' write path: edit a copy in place; status allowed, no RV check."""
        rtype = resource(plural)
        with self._lock:
            old = self._objects[rtype.key].get((self._ns(rtype, namespace), name))
            if old is None:
                return None
            work = objects.clone(old)
            fn(work)
            objects.check_shape(rtype, work, old)  # malformed: a 422, and nothing is stored
            new = self._updated_object(rtype, old, objects.with_identity(rtype, work, old))
            if new is None:
                return None
            self._commit(rtype, "MODIFIED", new, old)
        self._subscribers.deliver()
        return objects.clone(new)

    def delete(self, plural: str, namespace: str | None, name: str, *,
               propagation: str = "Background", dry_run: bool = False,
               precondition_uid: str | None = None,
               precondition_rv: str | None = None) -> dict[str, Any]:
        """Delete and garbage-collect dependents (ownerReferences), transitively."""
        rtype = resource(plural)
        with self._lock:
            old = self._existing(rtype, namespace, name, None)
            old_meta = old["metadata"]
            if (precondition_uid and precondition_uid != old_meta.get("uid")) or (
                precondition_rv and precondition_rv != old_meta["resourceVersion"]
            ):
                raise conflict(rtype.group, rtype.plural, name)
            if dry_run:
                return objects.clone(old)
            final = self._delete_committed(rtype, old, propagation)
        self._subscribers.deliver()
        return objects.clone(final)

    # --- internals ---------------------------------------------------------------------------
    @staticmethod
    def _ns(rtype: ResourceType, namespace: str | None) -> str:
        return (namespace or "default") if rtype.namespaced else ""

    def _create_namespace(self, rtype: ResourceType, meta: dict[str, Any],
                          namespace: str | None) -> str:
        in_body = meta.get("namespace")
        if not rtype.namespaced:
            return ""
        if namespace and in_body and namespace != in_body:
            raise invalid(rtype.kind, meta.get("name") or "",
                                  f"metadata.namespace: Invalid value: {in_body!r}: does not "
                                  f"match the namespace of the request ({namespace!r})")
        return namespace or in_body or "default"

    def _create_name(self, rtype: ResourceType, meta: dict[str, Any], namespace: str) -> str:
        stored = self._objects[rtype.key]
        name = meta.get("name")
        if name:
            if (namespace, name) in stored:
                raise already_exists(rtype.group, rtype.plural, name)
            return name
        prefix = meta.get("generateName")
        if not prefix:
            raise invalid(rtype.kind, "", "metadata.name: Required value: name or "
                                                  "generateName is required")
        for _ in range(100):
            candidate = f"{prefix}{objects.random_suffix()}"
            if (namespace, candidate) not in stored:
                if problem := objects.name_problem(rtype, candidate):
                    raise invalid(rtype.kind, candidate, problem)
                return candidate
        raise ApiError(409, f"no free name for generateName {prefix!r}", reason="AlreadyExists")

    def _existing(self, rtype: ResourceType, namespace: str | None, name: str,
                  subresource: str | None) -> dict[str, Any]:
        if subresource not in (None, "status") or (subresource and not rtype.has_status):
            raise ApiError(404, f"the server could not find the requested resource "
                                f"({rtype.plural}/{subresource})")
        old = self._objects[rtype.key].get((self._ns(rtype, namespace), name))
        if old is None:
            raise not_found(rtype.group, rtype.plural, name)
        return old

    def _update(self, rtype: ResourceType, old: dict[str, Any], incoming: dict[str, Any],
                subresource: str | None, dry_run: bool) -> dict[str, Any]:
        objects.check_immutable_identity(rtype, incoming, old)
        if subresource == "status":
            # A status write changes only .status; everything else comes from the stored object.
            candidate = {k: v for k, v in old.items() if k != "status"}
            if "status" in incoming:
                candidate["status"] = incoming["status"]
        else:
            candidate = objects.with_identity(rtype, incoming, old)
            if rtype.has_status:
                candidate.pop("status", None)
                if "status" in old:
                    candidate["status"] = old["status"]
        new = self._updated_object(rtype, old, candidate)
        if new is None or dry_run:
            return new or old
        self._commit(rtype, "MODIFIED", new, old)
        return new

    def _updated_object(self, rtype: ResourceType, old: dict[str, Any],
                        new: dict[str, Any]) -> dict[str, Any] | None:
        """`new` with generation and RV set, or None when nothing would change."""
        if new == old:
            return None
        meta = dict(new["metadata"])
        if objects.generation_changes(old, new):
            meta["generation"] = old["metadata"].get("generation", 1) + 1
        meta["resourceVersion"] = str(self._rv + 1)
        return {**new, "metadata": meta}

    def _delete_committed(self, rtype: ResourceType, old: dict[str, Any],
                          propagation: str) -> dict[str, Any]:
        final = {**old, "metadata": {**old["metadata"], "resourceVersion": str(self._rv + 1)}}
        self._commit(rtype, "DELETED", final, old)
        uid = old["metadata"]["uid"]
        dependents = sorted(self._dependents.pop(uid, set()))
        if rtype.key == "namespaces":
            name = old["metadata"]["name"]
            dependents += [(key, name, n) for key, stored in self._objects.items()
                           for (ns, n) in list(stored) if ns == name]
        for key, ns, name in dependents:
            child = self._objects[key].get((ns, name))
            if child is None:
                continue
            if propagation == "Orphan" and rtype.key != "namespaces":
                self._orphan(RESOURCES[key], child, uid)
            else:
                self._delete_committed(RESOURCES[key], child, propagation)
        return final

    def _orphan(self, rtype: ResourceType, child: dict[str, Any], owner_uid: str) -> None:
        refs = [r for r in child["metadata"].get("ownerReferences", [])
                if r.get("uid") != owner_uid]
        meta = {**child["metadata"], "resourceVersion": str(self._rv + 1)}
        if refs:
            meta["ownerReferences"] = refs
        else:
            meta.pop("ownerReferences", None)
        self._commit(rtype, "MODIFIED", {**child, "metadata": meta}, child)

    def _commit(self, rtype: ResourceType, kind: str, new: dict[str, Any],
                old: dict[str, Any] | None) -> None:
        self._rv += 1
        assert new["metadata"]["resourceVersion"] == str(self._rv)
        meta = new["metadata"]
        key = (meta.get("namespace", ""), meta["name"])
        ref = (rtype.key, *key)
        for uid in objects.owner_uids(old) if old else ():
            self._dependents.get(uid, set()).discard(ref)
        if kind == "DELETED":
            del self._objects[rtype.key][key]
        else:
            self._objects[rtype.key][key] = new
            for uid in objects.owner_uids(new):
                self._dependents.setdefault(uid, set()).add(ref)
        event = Event(self._rv, rtype.key, kind, new, old)
        self._history.append(event)
        self._subscribers.enqueue(event)



def _sort_key(obj: dict[str, Any]) -> tuple[str, str]:
    meta = obj["metadata"]
    return meta.get("namespace", ""), meta["name"]
