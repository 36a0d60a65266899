"""`LivePublisher`: the mirror's publisher for the live UI.

`publish()` only notes which rollouts changed and returns, so the mirror never waits for
templates. A task on the same loop renders and sends:

1. Each changed rollout becomes due at once, or `min_interval` after its last render, so a
   rollout changing 50 times a second costs at most 1/min_interval renders (coalescing); a
   removed one is due at once.
2. When something is due, one render pass runs on the publisher's own thread (DB reads and
   templates must not block a loop): rows for rollouts some overview shows, detail fragments
   for rollouts some detail page shows; nobody listening, nothing rendered. A row comes from
   the mirror's own batch when `publish` was given it (what was just committed), else from
   the database. Each is rendered once per permission set listening
   (rollouts.access.variants): buttons differ by role.
3. Each row / fragment is compared with what was last sent for it; unchanged ones are dropped.
   A rollout not rendered for lack of an audience forgets what was last sent for it, so its
   next render goes out in full.
4. The rest goes out as one message per group (cluster, namespace, rollout): every connected
   page gets the same HTML, rendered once, however many pages there are.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.db import connections

from rollouts import metrics, readmodel
from rollouts.dbthread import drop_broken_connections
from rollouts.dom import dom_id
from rollouts.keys import RolloutKey
from rollouts.live import snapshots
from rollouts.live.audience import Audience, Variants
from rollouts.live.messages import (
    RenderedRow,
    detail_message,
    rows_messages,
    status_message,
    updated_row,
)
from rollouts.publish import GroupSender, Rows
from rollouts.readmodel import RowData

log = logging.getLogger(__name__)

Messages = list[tuple[str, dict[str, Any]]]


@dataclass
class PublisherStats:
    """Counters that make coalescing and de-duplication visible (tests, bench)."""

    passes: int = 0  # render passes
    rows_rendered: int = 0
    rows_sent: int = 0
    rows_unchanged: int = 0
    details_rendered: int = 0
    fragments_sent: int = 0
    fragments_unchanged: int = 0
    removals_sent: int = 0
    skipped_no_audience: int = 0
    messages: int = 0


def _keep_only(sent: dict[RolloutKey, dict[str, Any]], views: dict[RolloutKey, Variants]
               ) -> None:
    for key, listening in views.items():
        by_variant = sent.get(key)
        if by_variant is None:
            continue
        for variant in [v for v in by_variant if v not in listening]:
            del by_variant[variant]
        if not by_variant:
            del sent[key]


@dataclass
class _Pass:
    """What one render pass produced."""

    given: dict[RolloutKey, RowData] = field(default_factory=dict)  # rows from the mirror
    rendered: set[RolloutKey] = field(default_factory=set)
    rows: list[RenderedRow] = field(default_factory=list)
    removed: list[tuple[RolloutKey, str]] = field(default_factory=list)
    messages: Messages = field(default_factory=list)


class LivePublisher:
    def __init__(self, sender: GroupSender | None = None, *, min_interval: float = 0.25,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.sender = sender or GroupSender()
        self.audience = Audience(self.sender)
        self.min_interval = min_interval
        self.clock = clock
        self.stats = PublisherStats()
        self._due: dict[RolloutKey, float] = {}
        self._removed: set[RolloutKey] = set()
        self._last_render: dict[RolloutKey, float] = {}
        self._given: dict[RolloutKey, RowData] = {}  # the latest row published, until due
        # Only touched on the render thread:
        # key -> variant -> what was last sent for it
        self._sent_rows: dict[RolloutKey, dict[str, str]] = {}
        self._sent_detail: dict[RolloutKey, dict[str, dict[str, str]]] = {}
        self._sent_status: dict[str, str] = {}
        self._busy = False  # a render pass or its sends are under way
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rollouts-render")

    # --- the Publisher protocol (called by the mirror after each committed batch) ---------

    async def publish(self, changed: list[RolloutKey], removed: list[RolloutKey],
                      rows: Rows | None = None) -> None:
        now = self.clock()
        for key in removed:
            self._due.pop(key, None)
            self._given.pop(key, None)
            self._removed.add(key)
        for key in changed:
            self._removed.discard(key)
            row = rows.get(key) if rows is not None else None
            if row is not None:
                self._given[key] = row
            else:  # an older one is stale now: read this change from the database
                self._given.pop(key, None)
            if key not in self._due:
                self._due[key] = max(now, self._last_render.get(key, -math.inf)
                                     + self.min_interval)
        self._running().set()

    async def cluster_status(self, status: Any) -> None:
        messages = await self._on_thread(self._render_status, status)
        await self._send(messages)

    # --- the render loop -----------------------------------------------------------------

    def _running(self) -> asyncio.Event:
        """The wake-up event of the render task, (re)started on the current loop if needed."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop or self._task is None or self._task.done():
            self._loop, self._wake = loop, asyncio.Event()
            self._task = loop.create_task(self._run(), name="live publisher")
        assert self._wake is not None
        return self._wake

    async def _run(self) -> None:
        while True:
            await self._until_due()
            due, removed = self._take_due()
            if not due and not removed:
                continue
            given = {key: row for key in due if (row := self._given.pop(key, None))}
            self._busy = True
            try:
                await self._publish_pass(due, removed, given)
            finally:
                self._busy = False

    async def _publish_pass(self, due: list[RolloutKey], removed: list[RolloutKey],
                            given: dict[RolloutKey, RowData]) -> None:
        try:
            result = await self._on_thread(self._render_pass, due, removed, given)
        except Exception:  # a broken template must not end live updates for good
            log.exception("live publisher: rendering %d rollouts failed", len(due))
            return
        now = self.clock()
        for key in result.rendered:
            self._last_render[key] = now
        await self._send(result.messages)
        metrics.publish_lag.published([*due, *removed])

    async def _until_due(self) -> None:
        assert self._wake is not None
        while not self._removed:
            soonest = min(self._due.values(), default=math.inf) - self.clock()
            if soonest <= 0:
                return
            self._wake.clear()
            timeout = None if soonest == math.inf else soonest
            try:
                await asyncio.wait_for(self._wake.wait(), timeout)
            except TimeoutError:
                return

    def _take_due(self) -> tuple[list[RolloutKey], list[RolloutKey]]:
        now = self.clock()
        due = sorted(key for key, at in self._due.items() if at <= now)
        for key in due:
            del self._due[key]
        removed, self._removed = sorted(self._removed), set()
        return due, removed

    async def _on_thread(self, fn: Callable[..., Any], *args: Any) -> Any:
        def call() -> Any:
            drop_broken_connections()
            return fn(*args)

        return await asyncio.get_running_loop().run_in_executor(self._thread, call)

    async def _send(self, messages: Messages) -> None:
        if messages:
            self.stats.messages += len(messages)
            await self.sender.send_all(messages)

    async def settled(self, timeout: float = 10.0) -> None:
        """Wait until everything published so far has been rendered and sent (tests, bench)."""
        deadline = self.clock() + timeout
        while self._due or self._removed or self._busy:
            if self.clock() > deadline:
                raise TimeoutError("the live publisher did not settle")
            await asyncio.sleep(0.01)

    async def aclose(self) -> None:
        """Stop the render task and its thread (tests; a process exit needs nothing)."""
        if self._task is not None and self._loop is asyncio.get_running_loop():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        # Connections belong to the thread that opened them.
        await asyncio.get_running_loop().run_in_executor(self._thread, connections.close_all)
        self._thread.shutdown(wait=True)

    # --- one render pass (on the render thread) ------------------------------------------

    def _render_pass(self, due: list[RolloutKey], removed: list[RolloutKey],
                     given: dict[RolloutKey, RowData] | None = None) -> _Pass:
        self.stats.passes += 1
        out = _Pass(given=dict(given or {}))
        variants = self.audience.variants()
        row_views = {key: self.audience.row_variants(key, variants) for key in due}
        detail_views = {key: self.audience.detail_variants(key, variants) for key in due}
        # What a variant nobody listens with was last sent is forgotten: its next render of
        # the rollout goes out in full.
        _keep_only(self._sent_rows, row_views)
        _keep_only(self._sent_detail, detail_views)
        self.stats.skipped_no_audience += sum(
            1 for key in due if not row_views[key] and not detail_views[key])
        gone = self._render_rows([key for key in due if row_views[key]], row_views, out)
        for key in due:
            for variant, controls in detail_views[key].items():
                self._render_detail(key, variant, controls, out)
        for key in [*removed, *gone]:
            self._sent_rows.pop(key, None)
            self._sent_detail.pop(key, None)
            self._last_render.pop(key, None)
            out.removed.append((key, dom_id("row", key)))
            if key not in gone:
                for variant, controls in self.audience.detail_variants(key, variants).items():
                    self._render_detail(key, variant, controls, out)
        snapshots.forget_rows(removed, variants)
        self.stats.removals_sent += len(out.removed)
        if out.rows or out.removed:
            out.messages[:0] = rows_messages(out.rows, out.removed, variants)
        return out

    def _render_rows(self, keys: list[RolloutKey], views: dict[RolloutKey, Variants],
                     out: _Pass) -> list[RolloutKey]:
        """Render the rows of `keys` into `out`, once per variant listening to each; returns
        the keys no longer mirrored."""
        if not keys:
            return []
        read = readmodel.load_rows_for([key for key in keys if key not in out.given])
        rows = {key: row for key in keys if (row := out.given.get(key) or read.get(key))}
        rendered = [(row, snapshots.render_row(row, controls))
                    for row in rows.values() for controls in views[row.key].values()]
        # Nothing sent for a row since this process started: pages have what they loaded (or
        # got in their snapshot), from the cache. A patch only goes to pages that have its
        # base, so a guess here can cost bytes, never correctness.
        loaded = self._loaded(rendered)
        snapshots.remember_rows(rendered)
        metrics.RENDERS.labels("row").inc(len(rendered))
        for _, row in rendered:
            out.rendered.add(row.key)
            sent_for = self._sent_rows.setdefault(row.key, {})
            sent = sent_for.get(row.variant)
            if sent == row.html:
                self.stats.rows_unchanged += 1
                continue
            sent_for[row.variant] = row.html
            base = sent if sent is not None else loaded.get((row.key, row.variant))
            out.rows.append(updated_row(row, base))
        self.stats.rows_rendered += len(rendered)
        self.stats.rows_sent += len(out.rows)
        return [key for key in keys if key not in rows]

    def _loaded(self, rendered: list[tuple[Any, RenderedRow]]
                ) -> dict[tuple[RolloutKey, str], str]:
        """The cached renderings of rows nothing was sent for yet, by (key, variant)."""
        unsent: dict[str, list[RolloutKey]] = {}
        for _, row in rendered:
            if row.variant not in self._sent_rows.get(row.key, {}):
                unsent.setdefault(row.variant, []).append(row.key)
        return {(key, variant): html for variant, keys in unsent.items()
                for key, html in snapshots.cached_html(keys, variant).items()}

    def _render_detail(self, key: RolloutKey, variant: str, controls: frozenset[str],
                       out: _Pass) -> None:
        parts = snapshots.detail_parts(key, controls)
        self.stats.details_rendered += 1
        metrics.RENDERS.labels("detail").inc()
        out.rendered.add(key)
        sent = self._sent_detail.setdefault(key, {}).setdefault(variant, {})
        changed = {part: html for part, html in parts.items() if sent.get(part) != html}
        self.stats.fragments_unchanged += len(parts) - len(changed)
        if changed:
            sent.update(changed)
            self.stats.fragments_sent += len(changed)
            out.messages.append(detail_message(key, variant, changed))

    def _render_status(self, status: Any) -> Messages:
        cluster = str(status.cluster)
        html = snapshots.status_html(status, cluster)
        metrics.RENDERS.labels("status").inc()
        if self._sent_status.get(cluster) == html:
            return []
        self._sent_status[cluster] = html
        return [status_message(cluster, html)]
