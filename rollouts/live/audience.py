"""Whether anybody listens to a group, so nothing is rendered for nobody.

With the in-memory layer the answer is exact: its group table is in this process. A
cross-process layer (Redis) cannot be asked, so consumers leave a note in the shared cache
instead ("someone on this group was alive lately", renewed every `PRESENCE_REFRESH` seconds and
kept for `PRESENCE_TTL`): after the last page closes, renders go on for at most that long.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from rollouts.keys import RolloutKey
from rollouts.publish import GroupSender, cluster_group, namespace_group, rollout_group

PRESENCE_REFRESH = 60.0
PRESENCE_TTL = 150.0


def presence_key(group: str) -> str:
    return "live:present:" + hashlib.sha256(group.encode()).hexdigest()[:32]


async def mark_present(groups: list[str]) -> None:
    """Called by consumers on joining and then every PRESENCE_REFRESH seconds."""
    await cache.aset_many({presence_key(group): True for group in groups},
                          timeout=PRESENCE_TTL)


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

    def watching_row(self, key: RolloutKey) -> bool:
        return (self.listening(cluster_group(key.cluster))
                or self.listening(namespace_group(key.cluster, key.namespace)))

    def watching_detail(self, key: RolloutKey) -> bool:
        return self.listening(rollout_group(key))
