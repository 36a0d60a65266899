"""How a rollout is named everywhere: cluster, namespace, name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class RolloutKey:
    cluster: str
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.cluster}/{self.namespace}/{self.name}"
