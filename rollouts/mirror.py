"""The watcher's sink: buffers events, writes them in batches, publishes what changed.

The sink methods (`resync`, `apply`, `health`) run on the watcher's loop and only append to a
buffer. `run()` flushes it: the batch is processed (in-memory state, infos, timeline) and written
in one transaction on the mirror's own DB thread, then the publisher hears which rollouts
changed. A failed write is kept and retried with the next batch.

An event that reaches an idle mirror is flushed at once (a lone change is not made to wait for
company). Events gather only under load: what arrives while a flush runs waits for the next
one, and when that happened the next batch gathers a little longer (`GATHER_FACTOR` times the
last flush, never more than `batch_seconds` from its first event), so a burst becomes few
transactions and few publishes instead of one per event.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import DatabaseError, connection

from rollouts import metrics
from rollouts.dbthread import drop_broken_connections
from rollouts.keys import RolloutKey
from rollouts.mirror_batch import BatchProcessor, WriteSet
from rollouts.mirror_db import load_previous, write_batch
from rollouts.mirror_health import cluster_health
from rollouts.publish import NullPublisher, Publisher
from rollouts.readmodel import RowData

log = logging.getLogger(__name__)

# Under load a batch gathers for this many times as long as the last flush took: flushing then
# takes at most about 1 / (1 + GATHER_FACTOR) of the time, whatever the event rate.
GATHER_FACTOR = 2.0


class NotLeading(Exception):
    """This process's lease may have passed to another watcher: it must not write."""


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class MirrorStats:
    """Counters that make batching visible (tests, bench)."""

    ops: int = 0  # events and list items processed
    ops_committed: int = 0  # … and in the database (or found to change nothing)
    batches: int = 0  # flushes that had something to do
    transactions: int = 0  # committed write transactions
    failed_writes: int = 0
    rollouts_changed: int = 0
    events_written: int = 0
    process_seconds: float = 0.0  # applying events, computing infos and timelines
    write_seconds: float = 0.0  # in write transactions


def _freeze_heap() -> None:
    """After the first lists: the cluster's state is a large heap of acyclic JSON containers
    that every full collection of the cyclic GC would walk again (tens of milliseconds, every
    few hundred events) to free nothing. Collect once and leave what exists to the refcounts."""
    gc.collect()
    gc.freeze()


class Mirror:
    def __init__(self, cluster: str, publisher: Publisher | None = None, *,
                 namespaces: Sequence[str] = (), batch_seconds: float = 0.15,
                 reevaluate_seconds: float = 5.0, clock: Callable[[], datetime] = utcnow,
                 build: Any = None, initial_wait: float = 10.0) -> None:
        self.cluster = cluster
        self.publisher: Publisher = publisher or NullPublisher()
        self.namespaces = list(namespaces)
        self.batch_seconds = batch_seconds
        self.reevaluate_seconds = reevaluate_seconds
        self.clock = clock
        self.initial_wait = initial_wait
        self._first_op_at = 0.0
        self.build = build  # the info builder; None means rollouts.info.build_rollout_info
        self.processor = BatchProcessor(cluster)
        self.stats = MirrorStats()
        self._ops: list[tuple] = []
        self._health: dict[tuple[str, str | None], tuple[str, str]] = {}
        self._status_dirty = False
        self._unwritten: WriteSet | None = None
        self._wake = asyncio.Event()
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rollouts-mirror-db")
        self._loaded = False
        self._next_reevaluation = 0.0
        self._under_load = False  # events came in while the last flush ran
        self._last_flush_seconds = 0.0
        # Leader fencing (rollouts.leader): asked before every write and every publish.
        self.may_write: Callable[[], bool] = lambda: True

    # --- the sink (watcher's loop; must not block) ----------------------------------------

    def resync(self, kind: str, scope: str | None, items: list[dict]) -> None:
        self._add(("resync", kind, scope, items))

    def apply(self, kind: str, event_type: str, obj: dict) -> None:
        self._add(("apply", kind, event_type, obj))

    def _add(self, op: tuple) -> None:
        if not self._ops:
            self._first_op_at = time.monotonic()
        self._ops.append(op)
        self._wake.set()

    def health(self, kind: str, state: str, message: str = "", *,
               scope: str | None = None) -> None:
        if self._health.get((kind, scope)) != (state, message):
            self._health[(kind, scope)] = (state, message)
            self._status_dirty = True
            self._wake.set()

    # --- the loop ------------------------------------------------------------------------

    async def _in_db(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        def call() -> Any:
            drop_broken_connections()
            return fn(*args, **kwargs)

        return await asyncio.get_running_loop().run_in_executor(self._db, call)

    async def load(self) -> None:
        """Pick up where the last run stopped, so a restart invents no events."""
        infos, index = await self._in_db(load_previous, self.cluster, self.namespaces)
        await self._in_db(self.processor.load, infos, index)
        self._loaded = True
        log.info("mirror of %s: %d rollouts known from before", self.cluster, len(infos))

    async def _load_when_possible(self, stop: asyncio.Event) -> None:
        # The database may not be ready yet (migrations still running): wait, do not die.
        while not self._loaded and not stop.is_set():
            try:
                await self.load()
            except DatabaseError as exc:
                log.warning("mirror cannot read the database yet (%s); retrying in 5s", exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 5.0)

    async def run(self, stop: asyncio.Event) -> None:
        """Flush batches until `stop` is set, then flush once more and close the DB thread."""
        try:
            await self._load_when_possible(stop)
            self._next_reevaluation = time.monotonic() + self.reevaluate_seconds
            await self._wait_for_initial_lists(stop)
            if not stop.is_set():
                await self._flush_logged()  # the first lists, in one transaction
                _freeze_heap()
            while not stop.is_set():
                await self._wait_for_work(stop)
                await self._gather()
                await self._flush_logged()
            await self._flush_logged()
        finally:
            await self.close()

    async def _gather(self) -> None:
        """Idle: nothing to wait for. Under load: let the batch fill up for a while, counted
        from its first event (events that came in during the last flush have waited already)."""
        if not self._under_load or not self._ops:
            return
        hold = min(self.batch_seconds, GATHER_FACTOR * self._last_flush_seconds)
        await asyncio.sleep(max(0.0, self._first_op_at + hold - time.monotonic()))

    async def _wait_for_initial_lists(self, stop: asyncio.Event) -> None:
        """Until every kind has been listed (or `initial_wait` passed), batches are
        provisional: each list is committed as it comes in, new rollouts with what is known
        of them so far; their infos and timelines are computed once, by the first batch
        after the last list (infos computed before the pods arrive would change again)."""
        deadline = time.monotonic() + self.initial_wait
        while not stop.is_set() and time.monotonic() < deadline:
            states = {state for state, _ in self._health.values()}
            if self._health and "connecting" not in states:
                return
            if self._ops:  # a kind's first list: new rollouts are served at once
                await self._flush_logged(provisional=True)
                continue
            # Every list that comes in and every change of health wakes us: no polling delay
            # between the last list and the first batch.
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), min(0.5, deadline - time.monotonic()))

    async def _flush_logged(self, *, provisional: bool = False) -> None:
        started = time.monotonic()
        try:
            await self.flush(provisional=provisional)
        except Exception:  # a bug in one batch must not stop the mirror for good
            log.exception("mirror batch failed")
            await asyncio.sleep(1.0)
        self._last_flush_seconds = time.monotonic() - started
        self._under_load = bool(self._ops)

    async def _wait_for_work(self, stop: asyncio.Event) -> None:
        timeout = max(0.0, self._next_reevaluation - time.monotonic())
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def close(self) -> None:
        if self._db is not None:
            # The proxy must be resolved on the DB thread: connections are per thread.
            await self._in_db(lambda: connection.close())
            self._db.shutdown(wait=False)
            self._db = None  # type: ignore[assignment]

    async def flush(self, *, provisional: bool = False) -> WriteSet | None:
        """Process and write everything received so far. Returns what was written, if any.
        `provisional`: not every kind has been listed yet (BatchProcessor.process)."""
        self._wake.clear()
        ops, self._ops, since = self._ops, [], self._first_op_at
        reevaluate = time.monotonic() >= self._next_reevaluation
        if reevaluate:
            self._next_reevaluation = time.monotonic() + self.reevaluate_seconds
        status = cluster_health(self._health) if self._status_dirty else None
        self._status_dirty = False
        if not ops and status is None and self._unwritten is None and not reevaluate:
            return None
        now, started = self.clock(), time.perf_counter()
        batch = await self._in_db(self.processor.process, ops, now, reevaluate=reevaluate,
                                  build=self.build, provisional=provisional)
        self.stats.process_seconds += time.perf_counter() - started
        self.stats.ops += batch.ops
        batch.status = status
        metrics.publish_lag.changed(self.cluster, batch.changed | batch.removed,
                                    since if ops else time.monotonic())
        if self._unwritten is not None:
            self._unwritten.merge(batch)
            batch, self._unwritten = self._unwritten, None
        if batch.is_empty():
            self.stats.ops_committed += batch.ops
            return None
        return await self._write(batch, now)

    async def _write(self, batch: WriteSet, now: datetime) -> WriteSet | None:
        self.stats.batches += 1
        started = time.perf_counter()
        try:
            saved_status = await self._in_db(self._write_if_leading, batch, now)
            self.stats.write_seconds += time.perf_counter() - started
        except NotLeading:  # the next leader lists everything again: drop, do not retry
            log.warning("not the leader any more: a batch of %d events is left to the next one",
                        batch.ops)
            return None
        except DatabaseError as exc:
            self.stats.failed_writes += 1
            log.warning("mirror write failed (%s); retrying with the next batch", exc)
            self._unwritten = batch
            self._wake.set()
            return None
        self.stats.transactions += 1
        self.stats.ops_committed += batch.ops
        took = time.perf_counter() - started
        log.log(logging.INFO if took > 1.0 else logging.DEBUG,
                "mirror batch: %d events, %d rows, %d rollouts changed, written in %.2fs",
                batch.ops, sum(map(len, batch.upserts.values())) + len(batch.rollouts),
                len(batch.changed), took)
        self.stats.rollouts_changed += len(batch.changed)
        self.stats.events_written += len(batch.events)
        metrics.MIRROR_BATCH_SIZE.observe(batch.ops)
        metrics.MIRROR_COMMIT_SECONDS.observe(took)
        await self._publish(batch, saved_status)
        return batch

    def _write_if_leading(self, batch: WriteSet, now: datetime) -> Any:
        if not self.may_write():
            raise NotLeading
        return write_batch(self.cluster, batch, now)

    async def _publish(self, batch: WriteSet, status: Any) -> None:
        if not self.may_write():
            return
        try:
            if batch.changed or batch.removed:
                await self.publisher.publish(
                    [RolloutKey(self.cluster, *key) for key in sorted(batch.changed)],
                    [RolloutKey(self.cluster, *key) for key in sorted(batch.removed)],
                    self._committed_rows(batch),
                )
            if status is not None:
                await self.publisher.cluster_status(status)
        except Exception:  # a broken publisher must not stop the mirror
            log.exception("publisher failed")

    def _committed_rows(self, batch: WriteSet) -> dict[RolloutKey, RowData]:
        """The changed rollouts' rows exactly as just committed: the publisher renders from
        these instead of reading back what it was told about."""
        rows = {}
        for key in batch.changed:
            row = batch.rollouts.get(key)
            if row is not None:
                rollout = RolloutKey(self.cluster, *key)
                rows[rollout] = RowData(rollout, row.info, row.changed_at)
        return rows
