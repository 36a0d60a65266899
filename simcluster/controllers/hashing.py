"""Names the way Argo Rollouts and Kubernetes make them.

* pod-template-hash: FNV-32a over the Go JSON of the template (plus the collision count),
  printed in decimal and "safe-encoded" digit by digit into the alphabet below — which is why
  real hashes only ever contain ``4-9`` and ``b c d f``.
* Pod names: ``<replicaset>-<5 chars>`` drawn from the same alphabet (``rand.String``).
"""

from __future__ import annotations

import json
import random
import struct
from typing import Any

from .gojson import go_marshal

# k8s.io/apimachinery/pkg/util/rand: no vowels (no accidental words), no 0/1/3 (look-alikes).
SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"

_FNV_OFFSET = 0x811C9DC5
_FNV_PRIME = 0x01000193


def fnv32a(data: bytes) -> int:
    value = _FNV_OFFSET
    for byte in data:
        value = ((value ^ byte) * _FNV_PRIME) & 0xFFFFFFFF
    return value


def safe_encode(text: str) -> str:
    return "".join(SAFE_ALPHABET[ord(ch) % len(SAFE_ALPHABET)] for ch in text)


def pod_template_hash(template: Any, collision_count: int | None = None) -> str:
    # Every reconcile asks; the JSON dump (in C) is a much cheaper cache key than Go's order.
    try:
        key = json.dumps([template, collision_count], sort_keys=True)
    except (TypeError, ValueError):
        return _pod_template_hash(template, collision_count)
    found = _HASHES.get(key)
    if found is None:
        if len(_HASHES) > 4096:
            _HASHES.clear()
        found = _HASHES[key] = _pod_template_hash(template, collision_count)
    return found


_HASHES: dict[str, str] = {}


def _pod_template_hash(template: Any, collision_count: int | None) -> str:
    data = go_marshal(template, "PodTemplateSpec").encode()
    if collision_count is not None:
        # Upstream writes the uint32 into an 8-byte buffer, so four zero bytes follow.
        data += struct.pack("<I", collision_count & 0xFFFFFFFF) + bytes(4)
    return safe_encode(str(fnv32a(data)))


def step_hash(steps: Any) -> str:
    """status.currentStepHash: the same hash over the canary steps."""
    return safe_encode(str(fnv32a(go_marshal(steps, "[CanaryStep").encode())))


def random_suffix(rng: random.Random, length: int = 5) -> str:
    return "".join(rng.choice(SAFE_ALPHABET) for _ in range(length))
