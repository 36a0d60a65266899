"""The watcher's in-memory copy of the cluster, indexed so a rollout's objects need no query.

Objects are stored as the API sent them and never edited in place: a new version replaces the
old dict, so a reader holding an old dict sees a consistent (if stale) object.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rollouts.info.objects import ClusterObjects
from rollouts.info.refs import (
    referenced_destinationrule,
    referenced_services,
    referenced_virtualservices,
)

Key = tuple[str, str]  # (namespace, name)
Ref = tuple[str, str, str]  # (kind, namespace, name)

MIRRORED_KINDS = (
    "rollouts",
    "replicasets",
    "pods",
    "analysisruns",
    "experiments",
    "services",
    "virtualservices",
    "destinationrules",
)
OWNED_KINDS = ("replicasets", "pods", "analysisruns", "experiments")
# Kinds that can own a mirrored object (ReplicaSets own pods, experiments own ReplicaSets/runs).
OWNER_KINDS = ("rollouts", "replicasets", "experiments")
REFERENCED_KINDS = ("services", "virtualservices", "destinationrules")


def meta(obj: dict) -> dict:
    value = obj.get("metadata")
    return value if isinstance(value, dict) else {}


def key_of(obj: dict) -> Key:
    m = meta(obj)
    return str(m.get("namespace") or ""), str(m.get("name") or "")


def uid_of(obj: dict) -> str:
    return str(meta(obj).get("uid") or "")


def controller_uid(obj: dict) -> str:
    """UID of the controller ownerReference (the first owner if none is marked controller)."""
    listed = meta(obj).get("ownerReferences")
    refs = [r for r in listed if isinstance(r, dict)] if isinstance(listed, list) else []
    chosen = next((r for r in refs if r.get("controller") is True), refs[0] if refs else None)
    return str(chosen.get("uid") or "") if chosen else ""


def references_of(rollout: dict) -> set[Ref]:
    """Every Service, VirtualService and DestinationRule the rollout's info depends on."""
    refs: set[Ref] = {("services", ns, name) for ns, name in referenced_services(rollout)}
    refs |= {("virtualservices", ns, name) for ns, name in referenced_virtualservices(rollout)}
    rule = referenced_destinationrule(rollout)
    if rule:
        refs.add(("destinationrules", *rule))
    return refs


class ClusterState:
    """Per kind: (namespace, name) → object, plus owner and reference indexes."""

    def __init__(self) -> None:
        self.objects: dict[str, dict[Key, dict]] = {kind: {} for kind in MIRRORED_KINDS}
        self._by_uid: dict[str, dict[str, Key]] = {kind: {} for kind in OWNER_KINDS}
        # kind → owner UID → keys of that kind it controls
        self._children: dict[str, defaultdict[str, set[Key]]] = {
            kind: defaultdict(set) for kind in OWNED_KINDS
        }
        self._referrers: defaultdict[Ref, set[Key]] = defaultdict(set)
        self._references: dict[Key, set[Ref]] = {}

    def get(self, kind: str, key: Key) -> dict | None:
        return self.objects[kind].get(key)

    def keys(self, kind: str, namespace: str | None = None) -> set[Key]:
        keys = self.objects[kind].keys()
        return {k for k in keys if k[0] == namespace} if namespace else set(keys)

    def put(self, kind: str, obj: dict) -> dict | None:
        """Store `obj`; returns the version it replaced."""
        key = key_of(obj)
        old = self.objects[kind].get(key)
        if old is not None:
            self._unindex(kind, key, old)
        self.objects[kind][key] = obj
        self._index(kind, key, obj)
        return old

    def remove(self, kind: str, key: Key) -> dict | None:
        old = self.objects[kind].pop(key, None)
        if old is not None:
            self._unindex(kind, key, old)
        return old

    def _index(self, kind: str, key: Key, obj: dict) -> None:
        if kind in self._by_uid and uid_of(obj):
            self._by_uid[kind][uid_of(obj)] = key
        if kind in self._children:
            self._children[kind][controller_uid(obj)].add(key)
        if kind == "rollouts":
            refs = references_of(obj)
            self._references[key] = refs
            for ref in refs:
                self._referrers[ref].add(key)

    def _unindex(self, kind: str, key: Key, obj: dict) -> None:
        if kind in self._by_uid and self._by_uid[kind].get(uid_of(obj)) == key:
            del self._by_uid[kind][uid_of(obj)]
        if kind in self._children:
            siblings = self._children[kind].get(controller_uid(obj))
            if siblings is not None:
                siblings.discard(key)
                if not siblings:
                    del self._children[kind][controller_uid(obj)]
        if kind == "rollouts":
            for ref in self._references.pop(key, set()):
                self._referrers[ref].discard(key)
                if not self._referrers[ref]:
                    del self._referrers[ref]

    # --- which rollouts an object feeds -------------------------------------------------

    def rollouts_affected_by(self, kind: str, obj: dict) -> set[Key]:
        """Keys of the rollouts whose info may change when this object (version) changes."""
        if kind == "rollouts":
            return {key_of(obj)}
        if kind in REFERENCED_KINDS:
            return set(self._referrers.get((kind, *key_of(obj)), ()))
        return self._rollouts_owning(controller_uid(obj), depth=3)

    def _rollouts_owning(self, uid: str, depth: int) -> set[Key]:
        # Ownership chains are short (pod → ReplicaSet → Experiment → Rollout); the depth
        # limit makes a malicious ownerReference loop harmless.
        if not uid or depth < 0:
            return set()
        if uid in self._by_uid["rollouts"]:
            return {self._by_uid["rollouts"][uid]}
        for kind in ("replicasets", "experiments"):
            key = self._by_uid[kind].get(uid)
            if key is not None:
                owner = self.objects[kind].get(key)
                return self._rollouts_owning(controller_uid(owner), depth - 1) if owner else set()
        return set()

    # --- what a rollout's info is computed from -----------------------------------------

    def _owned(self, kind: str, owner_uids: list[str]) -> list[dict]:
        found: list[dict] = []
        for uid in owner_uids:
            for key in self._children[kind].get(uid, ()):
                obj = self.objects[kind].get(key)
                if obj is not None:
                    found.append(obj)
        return found

    def objects_for(self, key: Key) -> ClusterObjects | None:
        rollout = self.objects["rollouts"].get(key)
        if rollout is None:
            return None
        uid = uid_of(rollout)
        experiments = self._owned("experiments", [uid]) if uid else []
        owners = [uid, *(uid_of(e) for e in experiments)] if uid else []
        replicasets = self._owned("replicasets", owners)
        referenced: dict[str, list[Any]] = {kind: [] for kind in REFERENCED_KINDS}
        for kind, namespace, name in self._references.get(key, ()):
            obj = self.objects[kind].get((namespace, name))
            if obj is not None:
                referenced[kind].append(obj)
        return ClusterObjects(
            rollout=rollout,
            replicasets=tuple(replicasets),
            pods=tuple(self._owned("pods", [uid_of(rs) for rs in replicasets if uid_of(rs)])),
            analysisruns=tuple(self._owned("analysisruns", owners)),
            experiments=tuple(experiments),
            services=tuple(referenced["services"]),
            virtualservices=tuple(referenced["virtualservices"]),
            destinationrules=tuple(referenced["destinationrules"]),
        )
