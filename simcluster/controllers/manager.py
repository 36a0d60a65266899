"""The controller manager: a work queue of object keys, woken by store events and timers.

Runs as one asyncio task in the simulator's event loop. Store subscribers fire in whatever thread
wrote, so events are handed over with ``call_soon_threadsafe``. Timers are kept in simulated time
and re-checked at least every ``POLL_SECONDS`` of real time, so a ``SimClock.advance()`` is noticed
even without ``kick()``. One failing reconcile is logged and retried with back-off; it never stops
the loop.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections.abc import Callable
from datetime import datetime

from simcluster.store import Event, Store

from . import analysis, experiments, replicasets, rollout_controller
from .changer import Changer
from .objects import dig
from .options import ControllerOptions
from .runtime import Conflict, Key, Runtime
from .watches import keys_for_event

log = logging.getLogger("simcluster.controllers")

POLL_SECONDS = 0.2
RESYNC_REAL_SECONDS = 15.0
MAX_BACKOFF_SECONDS = 60.0
HOT_LOOP_LIMIT = 50

Handler = Callable[[Runtime, str, str], None]
HANDLERS: dict[str, Handler] = {  # keys must match watches.HANDLED
    "rollouts": rollout_controller.reconcile_rollout,
    "replicasets": replicasets.reconcile_replicaset,
    "pods": replicasets.reconcile_pod,
    "analysisruns": analysis.reconcile_analysis_run,
    "experiments": experiments.reconcile_experiment,
}


class ControllerManager:
    def __init__(self, store: Store, clock, *, options: ControllerOptions | None = None) -> None:
        self.store = store
        self.clock = clock
        self.options = options or ControllerOptions()
        self.runtime = Runtime(store, clock, self.options, enqueue=self._enqueue_threadsafe,
                               schedule=self._schedule)
        self._pending: dict[Key, None] = {}
        self._timers: list[tuple[datetime, int, Key]] = []
        self._timer_due: dict[Key, datetime] = {}
        self._counter = itertools.count()
        self._failures: dict[Key, int] = {}
        self._hot: dict[Key, tuple[float, int]] = {}
        self._paused = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiter: asyncio.Future | None = None
        self._changer = Changer(self.runtime)
        self.reconciles = 0  # how many reconciles ran (for tests and benches)

    # --- public API --------------------------------------------------------------------------
    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        unsubscribe = self.store.subscribe(self._on_event)
        self.resync()
        last_resync = self._loop.time()
        try:
            while True:
                await self._sleep()
                if self._paused:
                    continue
                if self._loop.time() - last_resync > RESYNC_REAL_SECONDS:
                    self.resync()
                    self.runtime.prune_events()
                    self._hot.clear()
                    last_resync = self._loop.time()
                self._changer.tick()
                await self._drain()
        finally:
            unsubscribe()

    def pause(self) -> None:
        self._paused = True

    def resume(self) -> None:
        self._paused = False
        self.resync()

    def kick(self) -> None:
        """Re-evaluate every timer now and reconcile everything soon (e.g. after advance())."""
        self.resync()

    @property
    def paused(self) -> bool:
        return self._paused

    def settle(self, *, max_jump: float = 60.0, budget: float = 3600.0,
               max_reconciles: int = 200_000) -> float:
        """Run synchronously (no event loop) until quiet: reconcile what is pending, and when
        nothing is, jump the clock to the next timer if it is at most `max_jump` seconds away.
        Returns the simulated seconds that passed. For building seeds and for tests."""
        if self._loop is not None:
            raise RuntimeError("settle() is for a manager that is not running")
        unsubscribe = self.store.subscribe(self._on_event)
        started = self.clock.now()
        try:
            self.resync()
            for _ in range(max_reconciles):
                if self._pending:
                    key = next(iter(self._pending))
                    del self._pending[key]
                    self._reconcile(key)
                    continue
                self._jump_to_next_timer(started, max_jump, budget)
                if not self._pending:
                    break
        finally:
            unsubscribe()
        return (self.clock.now() - started).total_seconds()

    def _jump_to_next_timer(self, started: datetime, max_jump: float, budget: float) -> None:
        """Advance the clock to the next timer (within limits) and queue what is due."""
        while self._timers and self._timer_due.get(self._timers[0][2]) != self._timers[0][0]:
            heapq.heappop(self._timers)  # stale entries
        if not self._timers:
            return
        now = self.clock.now()
        ahead = (self._timers[0][0] - now).total_seconds()
        spent = (now - started).total_seconds()
        if ahead > max_jump or spent + max(ahead, 0.0) > budget:
            return
        if ahead > 0:
            self.clock.advance(ahead + 0.001)
        now = self.clock.now()
        while self._timers and self._timers[0][0] <= now:
            when, _, key = heapq.heappop(self._timers)
            if self._timer_due.get(key) == when:
                del self._timer_due[key]
                self._pending[key] = None

    def resync(self) -> None:
        for plural in HANDLERS:
            for obj in self.store.list(plural):
                self._enqueue_threadsafe((plural, dig(obj, "metadata", "namespace", default=""),
                                          dig(obj, "metadata", "name", default="")))

    # --- queueing ----------------------------------------------------------------------------
    def _enqueue_threadsafe(self, key: Key) -> None:
        loop = self._loop
        if loop is None:
            self._pending[key] = None
        elif loop.is_closed():
            return
        else:
            try:
                loop.call_soon_threadsafe(self._enqueue, key)
            except RuntimeError:  # the loop is shutting down
                return

    def _enqueue(self, key: Key) -> None:
        self._pending[key] = None
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def _schedule(self, key: Key, when: datetime) -> None:
        """Remember the earliest wake-up per key (a reconcile asks again for later ones)."""
        due = self._timer_due.get(key)
        if due is not None and due <= when:
            return
        self._timer_due[key] = when
        heapq.heappush(self._timers, (when, next(self._counter), key))
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake)

    def _on_event(self, event: Event) -> None:
        for key in keys_for_event(self.store, event):
            self._enqueue_threadsafe(key)

    # --- the loop ----------------------------------------------------------------------------
    async def _sleep(self) -> None:
        # A plain future rather than asyncio.wait_for: on Python 3.11 wait_for can swallow a
        # cancellation that races with the wake-up, and then the manager would never stop.
        if self._pending and not self._paused:
            return
        timeout = POLL_SECONDS
        if self._timers and not self._paused:
            ahead = (self._timers[0][0] - self.clock.now()).total_seconds()
            timeout = min(timeout, self.clock.real_seconds(ahead))
        if timeout > 0:
            assert self._loop is not None
            self._waiter = self._loop.create_future()
            handle = self._loop.call_later(timeout, self._wake)
            try:
                await self._waiter
            finally:
                handle.cancel()
                self._waiter = None
        now = self.clock.now()
        while self._timers and self._timers[0][0] <= now:
            when, _, key = heapq.heappop(self._timers)
            if self._timer_due.get(key) == when:
                del self._timer_due[key]
                self._pending[key] = None

    async def _drain(self) -> None:
        batch = list(self._pending)
        self._pending.clear()
        for key in batch:
            if self._paused:
                self._pending.update(dict.fromkeys(batch))
                return
            self._reconcile(key)
            await asyncio.sleep(0)  # let the API server answer between reconciles

    def _throttled(self, key: Key) -> bool:
        """A key reconciled more than HOT_LOOP_LIMIT times in a real second is flapping (a bug
        we would rather log than spin on): park it for a simulated second."""
        now = self._loop.time() if self._loop is not None else 0.0
        window, count = self._hot.get(key, (now, 0))
        if now - window > 1.0:
            window, count = now, 0
        self._hot[key] = (window, count + 1)
        if count + 1 <= HOT_LOOP_LIMIT or self._loop is None:
            return False
        if count + 1 == HOT_LOOP_LIMIT + 1:
            log.warning("%s %s/%s is reconciling in a loop; slowing it down", *key)
        self.runtime.requeue_after(key, 1.0)
        return True

    def _reconcile(self, key: Key) -> None:
        plural, namespace, name = key
        if self._throttled(key):
            return
        self.reconciles += 1
        try:
            HANDLERS[plural](self.runtime, namespace, name)
        except Conflict as conflict:
            log.debug("retrying %s/%s/%s: %s", plural, namespace, name, conflict)
            self._enqueue(key)
        except Exception:
            failures = self._failures.get(key, 0) + 1
            self._failures[key] = failures
            delay = min(2.0 ** failures, MAX_BACKOFF_SECONDS)
            log.exception("reconciling %s %s/%s failed (attempt %d); retrying in %.0fs",
                          plural, namespace, name, failures, delay)
            self.runtime.requeue_after(key, delay)
        else:
            self._failures.pop(key, None)
