"""Websocket consumers of the live pages: `ws/overview[?namespace=a,b]`, `ws/rollouts/<ns>/<name>`.

Each consumer joins its groups, accepts, then sends a full snapshot (the live indicator and every
row / every detail fragment) so a first load, a reconnect and any message lost on the way all
end in the current state. After that it forwards what the publisher rendered, choosing per row
between "replace" (the page has it) and "insert" (it does not). Frames are raw HTML for htmx's
ws extension; nothing the browser sends is acted on (actions are CSRF-protected POSTs).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import InMemoryChannelLayer
from django.conf import settings

from rollouts.keys import InvalidName, RolloutKey, is_namespace
from rollouts.live import patches, snapshots
from rollouts.live.audience import PRESENCE_REFRESH, mark_present
from rollouts.live.messages import chunked, rows_frames, snapshot_frames
from rollouts.publish import cluster_group, namespace_group, rollout_group, status_group

log = logging.getLogger(__name__)

MAX_NAMESPACES = 50


def requested_namespaces(query_string: bytes) -> list[str] | None:
    """`?namespace=a,b` (or repeated): None for "all namespaces", else the valid names asked for.

    A name that is not a valid namespace cannot hold rollouts, so it is dropped rather than
    refused (a refused socket would only be retried): the page shows nothing for it, as the
    server-rendered page does.
    """
    query = parse_qs(query_string.decode("latin-1"))
    asked = [name.strip() for value in query.get("namespace", []) for name in value.split(",")]
    asked = [name for name in asked if name]
    if not asked:
        return None
    valid = [name for name in dict.fromkeys(asked) if is_namespace(name)]
    return valid[:MAX_NAMESPACES]


class LiveConsumer(AsyncWebsocketConsumer):
    """Group bookkeeping shared by both pages."""

    live_groups: list[str]
    # Channel layers forget a group member after `group_expiry` (a day by default): a page left
    # open longer would silently stop updating, so membership is renewed regularly, together
    # with the presence note a cross-process layer's publisher looks for (rollouts.live.audience).
    rejoin_seconds = PRESENCE_REFRESH

    async def join(self, groups: list[str]) -> None:
        self.live_groups = groups
        await self._add_to_groups()
        self._rejoin = asyncio.create_task(self._keep_joined(), name="rejoin live groups")

    async def _add_to_groups(self) -> None:
        for group in self.live_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        if not isinstance(self.channel_layer, InMemoryChannelLayer):
            await mark_present(self.live_groups)

    async def _keep_joined(self) -> None:
        while True:
            await asyncio.sleep(self.rejoin_seconds)
            try:
                await self._add_to_groups()
            except Exception:  # e.g. Redis away for a moment: try again next time
                log.warning("could not renew the live groups of %s", self.channel_name,
                            exc_info=True)

    async def disconnect(self, code: int) -> None:
        rejoin = getattr(self, "_rejoin", None)
        if rejoin is not None:
            rejoin.cancel()
        for group in getattr(self, "live_groups", ()):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        return None  # the page has nothing to say over this socket

    async def send_frames(self, frames: list[str]) -> None:
        for frame in frames:
            await self.send(text_data=frame)

    async def rollouts_status(self, message: dict[str, Any]) -> None:
        await self.send(text_data=message["html"])


class OverviewConsumer(LiveConsumer):
    async def connect(self) -> None:
        self.cluster = settings.ROLLOUTS_CLUSTER_NAME
        self.namespaces = requested_namespaces(self.scope.get("query_string", b""))
        # str(RolloutKey) -> version of the rendering the page has, of every row it has
        self.known: dict[str, str] = {}
        if self.namespaces is None:
            rows_groups = [cluster_group(self.cluster)]
        else:
            rows_groups = [namespace_group(self.cluster, ns) for ns in self.namespaces]
        # Join before reading the snapshot: a change committed after the read is then sent to
        # us, and one committed before it is in the snapshot.
        await self.join([status_group(self.cluster), *rows_groups])
        await self.accept()
        rows, status, known = await database_sync_to_async(self._snapshot)()
        self.known = known
        await self.send_frames(snapshot_frames(rows, status))

    def _snapshot(self) -> tuple[list[tuple[str, str]], str, dict[str, str]]:
        if self.namespaces == []:
            rows = []  # only invalid names were asked for
        else:
            rows = snapshots.overview_rows(self.cluster, self.namespaces or ())
        pairs = [(str(row.key), row.html) for row in rows]
        return (pairs, snapshots.current_status_html(self.cluster),
                {key: patches.version(html) for key, html in pairs})

    async def rollouts_rows(self, message: dict[str, Any]) -> None:
        await self.send_frames(rows_frames(message, self.known))


class DetailConsumer(LiveConsumer):
    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        self.key = RolloutKey(settings.ROLLOUTS_CLUSTER_NAME, kwargs["namespace"], kwargs["name"])
        try:
            self.key.check()
        except InvalidName:
            # No page exists for it (the detail view answers 404): refuse the handshake.
            await self.close()
            return
        await self.join([status_group(self.key.cluster), rollout_group(self.key)])
        await self.accept()
        parts, status = await database_sync_to_async(self._snapshot)()
        await self.send_frames(["".join(run) for run in chunked([status, *parts.values()])])

    def _snapshot(self) -> tuple[dict[str, str], str]:
        return (snapshots.detail_parts(self.key),
                snapshots.current_status_html(self.key.cluster))

    async def rollouts_detail(self, message: dict[str, Any]) -> None:
        await self.send(text_data="".join(message["fragments"].values()))
