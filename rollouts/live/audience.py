"""Whether anybody listens to a group, and with which permission sets, so nothing is rendered
for nobody and everything once per set of controls.

With the in-memory layer the answer is exact: its group table is in this process. A
cross-process layer (Redis) cannot be asked, so consumers leave a note in the shared cache
instead ("someone on this group was alive lately", renewed every `PRESENCE_REFRESH` seconds and
kept for `PRESENCE_TTL`): after the last page closes, renders go on for at most that long.

Consumers also register the permission sets ("variants", rollouts.access.variants) they render
for, with their controls, so the publisher knows which variants to ask about and what each
may press. The registry only grows (there are few distinct sets: roles × namespaces); whether
a variant is rendered is decided by its groups' listeners.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from rollouts.keys import RolloutKey
from rollouts.publish import (
    GroupSender,
    cluster_group,
    namespace_group,
    rollout_group,
    variant_group,
)

PRESENCE_REFRESH = 60.0
PRESENCE_TTL = 150.0
VARIANTS_KEY = "live:variants"

Variants = dict[str, frozenset[str]]  # variant id -> the UI verbs it shows


def presence_key(group: str) -> str:
    return "live:present:" + hashlib.sha256(group.encode()).hexdigest()[:32]


async def mark_present(groups: list[str]) -> None:
    """Called by consumers on joining and then every PRESENCE_REFRESH seconds."""
    await cache.aset_many({presence_key(group): True for group in groups},
                          timeout=PRESENCE_TTL)


async def register_variants(variants: Variants) -> None:
    """Called by consumers on joining (and when they renew their groups): a read-modify-write,
    so two processes racing may drop one; the loser's next renewal puts it back."""
    known = await cache.aget(VARIANTS_KEY) or {}
    if all(variant in known for variant in variants):
        return
    merged = {**known, **{v: sorted(verbs) for v, verbs in variants.items()}}
    await cache.aset(VARIANTS_KEY, merged, timeout=None)


def registered_variants() -> Variants:
    found = cache.get(VARIANTS_KEY) or {}
    return {str(v): frozenset(verbs) for v, verbs in found.items()}


class Audience:
    def __init__(self, sender: GroupSender, *, exact: bool | None = None) -> None:
        self.sender = sender
        self._exact = exact  # None: exact when the layer is in-memory

    @property
    def exact(self) -> bool:
        return self.sender.in_memory if self._exact is None else self._exact

    def listening(self, group: str) -> bool:
        if self.sender.layer is None:
            return False
        if not self.exact:
            return cache.get(presence_key(group)) is not None
        # Read from the watcher's thread while daphne's loop edits the table: a dict lookup and
        # a truth test are atomic under the GIL. "Nobody" cannot lose an update: a consumer
        # joins its groups before it reads its snapshot, and we ask after the change committed,
        # so a consumer we miss here reads the change in its snapshot.
        return bool(self.sender.layer.groups.get(group))

    def variants(self) -> Variants:
        """Every permission set some consumer registered (read once per render pass)."""
        return registered_variants()

    def row_variants(self, key: RolloutKey, variants: Variants) -> Variants:
        """The permission sets some overview showing this rollout's row listens with."""
        groups = (cluster_group(key.cluster), namespace_group(key.cluster, key.namespace))
        return {v: verbs for v, verbs in variants.items()
                if any(self.listening(variant_group(group, v)) for group in groups)}

    def detail_variants(self, key: RolloutKey, variants: Variants) -> Variants:
        group = rollout_group(key)
        return {v: verbs for v, verbs in variants.items()
                if self.listening(variant_group(group, v))}

    def watching_row(self, key: RolloutKey) -> bool:
        return bool(self.row_variants(key, self.variants()))

    def watching_detail(self, key: RolloutKey) -> bool:
        return bool(self.detail_variants(key, self.variants()))
