"""Websocket consumers of the live pages: `ws/overview[?namespace=a,b]`, `ws/rollouts/<ns>/<name>`.

Each consumer works out who is on the other end and what they may see (rollouts.live.viewers):
a socket that may see nothing is refused. It joins its groups (one per permission set it needs,
so rendering stays per set, never per viewer), accepts, then sends a full snapshot (the live
indicator and every row / every detail fragment) so a first load, a reconnect and any message
lost on the way all end in the current state. After that it forwards what the publisher
rendered, choosing per row between "replace" (the page has it) and "insert" (it does not).
Frames are raw HTML for htmx's ws extension; nothing the browser sends is acted on (actions
are CSRF-protected POSTs).

Every ROLLOUTS_ACCESS_RECHECK_SECONDS the identity is worked out again from the scope (the
session may have ended, grants may have changed): if what it may see or do changed, the socket
sends a notice in place of the live indicator and closes, with 1012 (reconnect, narrowed) when
something is still visible and 4403 (stay closed) when nothing is.
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

from rollouts import fragments
from rollouts.access.variants import controls, viewable_namespaces
from rollouts.keys import InvalidName, RolloutKey, is_namespace
from rollouts.live import patches, snapshots, viewers
from rollouts.live.audience import PRESENCE_REFRESH, mark_present, register_variants
from rollouts.live.messages import chunked, rows_frames, snapshot_frames
from rollouts.publish import status_group

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
    plan: viewers.Plan
    # Channel layers forget a group member after `group_expiry` (a day by default): a page left
    # open longer would silently stop updating, so membership is renewed regularly, together
    # with the presence note a cross-process layer's publisher looks for (rollouts.live.audience).
    rejoin_seconds = PRESENCE_REFRESH

    async def join(self, groups: list[str]) -> None:
        self.live_groups = groups
        await self._add_to_groups()
        self._rejoin = asyncio.create_task(self._keep_joined(), name="rejoin live groups")
        # Without sign-in everyone holds the anonymous role, a built-in one, everywhere: what a
        # socket may see or do cannot change, so nothing is rechecked.
        if settings.ROLLOUTS_AUTH != "none":
            self._recheck = asyncio.create_task(self._keep_checking(), name="recheck access")

    async def _add_to_groups(self) -> None:
        # Registered first: the publisher must know the variant once its group has a member.
        await register_variants(self.plan.variants)
        for group in self.live_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        if not isinstance(self.channel_layer, InMemoryChannelLayer):
            await mark_present(self.live_groups)

    def plan_now(self, *, again: bool = False) -> viewers.Plan | None:
        raise NotImplementedError

    async def _keep_checking(self) -> None:
        while True:
            await asyncio.sleep(settings.ROLLOUTS_ACCESS_RECHECK_SECONDS)
            try:
                notice, code = await database_sync_to_async(viewers.recheck)(
                    self.plan, self.scope, lambda: self.plan_now(again=True))
            except Exception:  # the database away for a moment: try again next time
                log.warning("could not recheck the access of %s", self.channel_name,
                            exc_info=True)
                continue
            if code:
                if notice:
                    await self.send(text_data=fragments.live_notice(notice))
                await self.close(code=code)
                return

    async def _keep_joined(self) -> None:
        while True:
            await asyncio.sleep(self.rejoin_seconds)
            try:
                await self._add_to_groups()
            except Exception:  # e.g. Redis away for a moment: try again next time
                log.warning("could not renew the live groups of %s", self.channel_name,
                            exc_info=True)

    async def disconnect(self, code: int) -> None:
        for task in (getattr(self, "_rejoin", None), getattr(self, "_recheck", None)):
            if task is not None:
                task.cancel()
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
        plan = await database_sync_to_async(self.plan_now)()
        if plan is None:
            await self.close()  # it may see nothing: no socket
            return
        self.plan = plan
        # Join before reading the snapshot: a change committed after the read is then sent to
        # us, and one committed before it is in the snapshot.
        await self.join([status_group(self.cluster), *plan.groups])
        await self.accept()
        rows, status, known = await database_sync_to_async(self._snapshot)()
        self.known = known
        await self.send_frames(snapshot_frames(rows, status))

    def plan_now(self, *, again: bool = False) -> viewers.Plan | None:
        return viewers.overview_plan(self.scope, self.cluster, self.namespaces, again=again)

    def _snapshot(self) -> tuple[list[tuple[str, str]], str, dict[str, str]]:
        permissions = self.plan.permissions
        if self.namespaces == []:
            rows = []  # only invalid names were asked for
        else:
            rows = snapshots.overview_rows(
                self.cluster, self.namespaces or (),
                lambda ns: controls(permissions, self.cluster, ns),
                viewable_namespaces(permissions, self.cluster))
        pairs = [(str(row.key), row.html) for row in rows]
        return (pairs, snapshots.current_status_html(self.cluster),
                {key: patches.version(html) for key, html in pairs})

    async def rollouts_rows(self, message: dict[str, Any]) -> None:
        await self.send_frames(rows_frames(self._mine(message), self.known))

    def _mine(self, message: dict[str, Any]) -> dict[str, Any]:
        """Only the rows this socket may see, and those in the rendering of its own variant
        for their namespace (a cluster group's message carries every namespace)."""
        variant = message.get("variant", "")

        def ours(item: list[Any]) -> bool:
            cluster, namespace, _ = str(item[0]).rsplit("/", 2)
            return self.plan.variant_for(cluster, namespace) == variant

        return {**message, "rows": [r for r in message.get("rows", ()) if ours(r)],
                "removed": [r for r in message.get("removed", ()) if ours(r)]}


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
        plan = await database_sync_to_async(self.plan_now)()
        if plan is None:
            await self.close()  # outside the user's scope: as if there were no such page
            return
        self.plan = plan
        await self.join([status_group(self.key.cluster), *plan.groups])
        await self.accept()
        parts, status = await database_sync_to_async(self._snapshot)()
        await self.send_frames(["".join(run) for run in chunked([status, *parts.values()])])

    def plan_now(self, *, again: bool = False) -> viewers.Plan | None:
        return viewers.detail_plan(self.scope, self.key, again=again)

    def _snapshot(self) -> tuple[dict[str, str], str]:
        permissions = self.plan.permissions
        return (snapshots.detail_parts(
                    self.key, controls(permissions, self.key.cluster, self.key.namespace)),
                snapshots.current_status_html(self.key.cluster))

    async def rollouts_detail(self, message: dict[str, Any]) -> None:
        await self.send(text_data="".join(message["fragments"].values()))
