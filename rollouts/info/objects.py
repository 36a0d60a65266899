"""The input bundle: a Rollout plus whatever objects of its namespace the caller has."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rollouts.info.access import Obj, name_of, namespace_of

_KINDS = (
    "replicasets",
    "pods",
    "analysisruns",
    "experiments",
    "services",
    "virtualservices",
    "destinationrules",
)


def _only_dicts(items: object) -> tuple[Obj, ...]:
    if isinstance(items, dict) or not isinstance(items, Iterable) or isinstance(items, str):
        return ()
    return tuple(item for item in items if isinstance(item, dict))


@dataclass(frozen=True)
class ClusterObjects:
    """Objects as the API returns them (plain dicts). Callers may pass every object of the
    namespace: what belongs to the rollout is selected by ownerReference UID (ReplicaSets,
    AnalysisRuns and Experiments owned by the Rollout, pods owned by those ReplicaSets) and by
    name for the Services, VirtualServices and DestinationRule it references.
    Anything that is not a dict is dropped on construction."""

    rollout: Obj
    replicasets: tuple[Obj, ...] = ()
    pods: tuple[Obj, ...] = ()
    analysisruns: tuple[Obj, ...] = ()
    experiments: tuple[Obj, ...] = ()
    services: tuple[Obj, ...] = ()
    virtualservices: tuple[Obj, ...] = ()
    destinationrules: tuple[Obj, ...] = ()

    def __post_init__(self) -> None:
        rollout: Any = self.rollout
        object.__setattr__(self, "rollout", rollout if isinstance(rollout, dict) else {})
        for kind in _KINDS:
            object.__setattr__(self, kind, _only_dicts(getattr(self, kind)))

    def find(self, kind: str, namespace: str, name: str) -> Obj | None:
        """The object of `kind` with that name in that namespace (an object that does not say
        its namespace matches any)."""
        for obj in getattr(self, kind):
            if name_of(obj) == name and namespace_of(obj) in ("", namespace):
                return obj
        return None
