"""How the mirror tells the rest of the app what changed, after each committed batch.

`Publisher` is the interface; `NullPublisher` drops everything, `RecordingPublisher` keeps it
for tests. The live UI's implementation, `rollouts.live.LivePublisher`, renders each changed
rollout's fragments once and sends them to Channels groups per cluster, per namespace and per
rollout (named here, so senders and consumers agree) through a `GroupSender`.

Loops: the in-memory channel layer is a set of asyncio queues owned by the loop the consumers
run on (daphne's). The embedded watcher runs on its own loop in a thread, so its publisher must
not touch those queues directly: `GroupSender(target_loop=...)` hands each send to the
consumers' loop with `run_coroutine_threadsafe` and waits for it. `rollouts.runtime` captures
that loop on the first ASGI call; before it, no consumer can exist, so there is nobody to tell
and in-memory sends are skipped. A cross-process layer (Redis) needs no hop: pass no target.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from rollouts.keys import RolloutKey

if TYPE_CHECKING:
    from rollouts.readmodel import RowData

# What the mirror has just committed for the changed rollouts (their info and stamp), so an
# in-process publisher need not read back the rows it was told about.
Rows = Mapping[RolloutKey, "RowData"]

log = logging.getLogger(__name__)

_SAFE = re.compile(r"^[a-z0-9.-]+$")
_MAX_GROUP = 99  # Channels requires group names shorter than 100 characters


class Publisher(Protocol):
    async def publish(self, changed: list[RolloutKey], removed: list[RolloutKey],
                      rows: Rows | None = None) -> None: ...

    async def cluster_status(self, status: Any) -> None: ...


class NullPublisher:
    async def publish(self, changed: list[RolloutKey], removed: list[RolloutKey],
                      rows: Rows | None = None) -> None:
        return None

    async def cluster_status(self, status: Any) -> None:
        return None


class RecordingPublisher:
    """Keeps every call, for tests: `batches` of (changed, removed), `statuses`, and the
    latest row handed over for each rollout (`rows`)."""

    def __init__(self) -> None:
        self.batches: list[tuple[list[RolloutKey], list[RolloutKey]]] = []
        self.statuses: list[Any] = []
        self.rows: dict[RolloutKey, RowData] = {}

    async def publish(self, changed: list[RolloutKey], removed: list[RolloutKey],
                      rows: Rows | None = None) -> None:
        self.batches.append((list(changed), list(removed)))
        self.rows.update(rows or {})

    async def cluster_status(self, status: Any) -> None:
        self.statuses.append(status)

    @property
    def changed(self) -> set[RolloutKey]:
        return {key for changed, _ in self.batches for key in changed}

    @property
    def removed(self) -> set[RolloutKey]:
        return {key for _, removed in self.batches for key in removed}


# --- group names ------------------------------------------------------------------------
# Kubernetes names use [a-z0-9.-] only, so "_" separates the parts unambiguously. Anything
# else (an odd cluster name, a long name) is hashed, identically on the sending and the
# listening side.


def _group(scope: str, *parts: str) -> str:
    name = f"rollouts_{scope}_" + "_".join(parts)
    if all(_SAFE.match(part) for part in parts) and len(name) <= _MAX_GROUP:
        return name
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:40]
    return f"rollouts_{scope}_h{digest}"


def cluster_group(cluster: str) -> str:
    return _group("c", cluster)


def namespace_group(cluster: str, namespace: str) -> str:
    return _group("n", cluster, namespace)


def rollout_group(key: RolloutKey) -> str:
    return _group("r", key.cluster, key.namespace, key.name)


def variant_group(group: str, variant: str) -> str:
    """`group` for the viewers of one permission set (rollouts.access.variants.variant_id):
    rows and detail fragments carry buttons, so each set gets its own rendering and group."""
    name = f"{group}.{variant}"
    if len(name) <= _MAX_GROUP:
        return name
    return "rollouts_v_h" + hashlib.sha256(name.encode()).hexdigest()[:40]


def status_group(cluster: str) -> str:
    """Everyone showing the cluster's live indicator: overview and detail pages alike."""
    return _group("s", cluster)


class GroupSender:
    """`group_send` from any loop to consumers that may live on another one.

    The send runs on `target_loop()` when that is a different loop than ours and the layer is
    in-memory; before that loop is known no consumer exists, so the messages are dropped.
    Without an explicit layer the configured one is looked up on every use (tests reset it).
    """

    def __init__(self, layer: Any = None, *,
                 target_loop: Callable[[], asyncio.AbstractEventLoop | None] | None = None,
                 send_timeout: float = 5.0) -> None:
        self._layer = layer
        self.target_loop = target_loop
        self.send_timeout = send_timeout

    @property
    def layer(self) -> Any:
        if self._layer is not None:
            return self._layer
        from channels.layers import get_channel_layer

        return get_channel_layer()

    @property
    def in_memory(self) -> bool:
        return self.layer is not None and _in_memory(self.layer)

    def reachable(self) -> bool:
        """False while an in-memory layer's consumers cannot exist yet (no serving loop)."""
        if self.layer is None:
            return False
        return not (self.target_loop is not None and self.in_memory
                    and self.target_loop() is None)

    async def send_all(self, messages: list[tuple[str, dict[str, Any]]]) -> None:
        if not messages or not self.reachable():
            return

        layer = self.layer

        async def send() -> None:
            for group, message in messages:
                await layer.group_send(group, message)

        loop = self.target_loop() if self.target_loop and self.in_memory else None
        if loop is None or loop is asyncio.get_running_loop():
            await send()
            return
        if not loop.is_running():
            return  # the server is shutting down: its consumers are gone
        future = asyncio.run_coroutine_threadsafe(send(), loop)
        try:
            await asyncio.wait_for(asyncio.wrap_future(future), self.send_timeout)
        except TimeoutError:
            log.warning("the consumers' loop did not take %d messages in time", len(messages))


def _in_memory(layer: Any) -> bool:
    from channels.layers import InMemoryChannelLayer

    return isinstance(layer, InMemoryChannelLayer)
