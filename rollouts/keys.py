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

    @classmethod
    def parse(cls, text: str) -> RolloutKey:
        """The inverse of str(): "cluster/namespace/name"."""
        parts = text.split("/")
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"not a rollout key (cluster/namespace/name): {text!r}")
        return cls(*parts)
