"""List-then-watch loops, one per (kind, namespace or all namespaces), feeding a sink.

No assumption about the process: the same `run_watcher` runs embedded in daphne (its own
thread and loop, see `rollouts.runtime`) or in `manage.py watch_rollouts`. It only needs an
open `AsyncGateway` and a sink; it never touches the database.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Sequence
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any, Protocol

from rollouts import metrics
from rollouts.errors import ClusterError, Gone, NotFound
from rollouts.kinds import ISTIO_GROUP, KINDS

log = logging.getLogger(__name__)

WATCHED_KINDS = tuple(KINDS)
OBJECT_EVENTS = ("ADDED", "MODIFIED", "DELETED")


class Sink(Protocol):
    """Where the watcher puts what it sees. Called on the watcher's loop: must not block."""

    def resync(self, kind: str, scope: str | None, items: list[dict]) -> None: ...

    def apply(self, kind: str, event_type: str, obj: dict) -> None: ...

    def health(self, kind: str, state: str, message: str = "", *,
               scope: str | None = None) -> None: ...


@dataclass(frozen=True)
class WatchOptions:
    timeout_seconds: int = 240  # the server ends each watch after this
    request_timeout: float = 270.0  # the client gives up on a request after this
    inactivity: float = 90.0  # no event nor bookmark for this long: the stream is dead
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    missing_retry: float = 60.0  # how often to look again for a CRD that is not installed
    unreachable_after: int = 3  # consecutive connection failures before saying "unreachable"

    @classmethod
    def from_settings(cls, **overrides: Any) -> WatchOptions:
        from django.conf import settings

        timeout = int(settings.ROLLOUTS_WATCH_TIMEOUT)
        values: dict[str, Any] = {
            "timeout_seconds": timeout,
            "request_timeout": float(timeout + 30),
            "inactivity": float(settings.ROLLOUTS_WATCH_INACTIVITY),
        }
        return cls(**{**values, **overrides})


def malformed(obj: Any) -> str | None:
    """Why the watcher cannot mirror this object, or None if it can."""
    if not isinstance(obj, dict):
        return f"not an object but {type(obj).__name__}"
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        return "no metadata"
    for field in ("name", "namespace"):
        if not isinstance(meta.get(field), str) or not meta.get(field):
            return f"no metadata.{field}"
    return None


def _resource_version(obj: Any) -> str:
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    return str(meta.get("resourceVersion") or "") if isinstance(meta, dict) else ""


def _went_backwards(seen: str, baseline: str) -> bool:
    # resourceVersions are opaque, but every real server (etcd) and ours count upwards: a
    # smaller number than the list we started from means a different (restarted) server.
    try:
        return int(seen) < int(baseline)
    except ValueError:
        return False


class KindLoop:
    """Keeps one kind in one scope mirrored into the sink, forever.

    1. List the kind; hand all items to `sink.resync` (a full replace of the scope, so objects
       deleted meanwhile are found) and keep the list's resourceVersion.
    2. Watch from that resourceVersion with bookmarks, the server-side timeout, a larger
       client-side timeout and an inactivity watchdog.
    3. ADDED/MODIFIED/DELETED → `sink.apply`; BOOKMARK → only advance the resourceVersion;
       a malformed object is logged and skipped.
    4. The stream ends at its timeout → watch again from the last version (2). It ended
       early, the watchdog fired, or a request failed → first ask the server for its current
       resourceVersion (a one-item list): lower than ours means a new server, so (5).
    5. 410 Gone (HTTP or ERROR event), "too large resource version", or resourceVersions
       going backwards (a restarted API server) → list again (1).
    6. 404 → the CRD is not installed: health "missing", look again every `missing_retry` (1).
    7. Any other error → health, exponential backoff with full jitter (reset by any success),
       then watch again (2, via the check in 4) — or list again (1) if the connection itself
       failed.
    """

    def __init__(self, gateway: Any, sink: Sink, kind: str, scope: str | None,
                 options: WatchOptions) -> None:
        self.gateway, self.sink, self.kind, self.scope = gateway, sink, kind, scope
        self.options = options
        self.rv = self.list_rv = ""
        self.need_list = True
        self.verify = False  # check the server has not gone backwards before resuming
        self.failures = 0
        self.missing = False
        self.healthy = False

    def __repr__(self) -> str:
        return f"{self.kind} in {self.scope or 'all namespaces'}"

    async def run(self) -> None:
        while True:
            try:
                if self.need_list:
                    await self.list()
                elif self.verify:
                    await self.check_server()
                await self.watch()
            except Gone as exc:
                log.info("%s: %s; listing again", self, exc.message or exc)
                self.need_list = True
            except NotFound as exc:
                await self.wait_for_crd(exc)
            except ClusterError as exc:
                if "too large resource version" in exc.message.lower():
                    log.info("%s: %s; listing again", self, exc.message)
                    self.need_list = True
                    continue
                await self.back_off(exc)
            except Exception as exc:  # a bug must not end the mirror: log it and carry on
                log.exception("%s: unexpected error", self)
                await self.back_off(ClusterError(0, type(exc).__name__, str(exc)))

    async def list(self) -> None:
        started = time.monotonic()
        items, rv = await self.gateway.list(self.kind, self.scope)
        metrics.RELISTS.labels(self.kind).inc()
        log.info("%s: listed %d at resourceVersion %s in %.2fs", self, len(items), rv,
                 time.monotonic() - started)
        valid = [item for item in items if not self._skip(item)]
        self.sink.resync(self.kind, self.scope, valid)
        self.rv = self.list_rv = rv
        self.need_list = self.verify = False
        self.missing = False
        self._succeeded()

    async def check_server(self) -> None:
        """Gone if the server's resourceVersion is below ours: it is not the server we knew."""
        _, server_rv = await self.gateway.list(self.kind, self.scope, limit=1)
        self.verify = False
        if server_rv and self.rv and _went_backwards(server_rv, self.rv):
            raise Gone(410, "Expired", f"the server is at {server_rv}, we were at {self.rv}")

    async def watch(self) -> None:
        started, seen = time.monotonic(), 0
        stream = self.gateway.watch(
            self.kind, self.scope, self.rv, self.options.timeout_seconds,
            self.options.request_timeout,
        )
        async with aclosing(stream):
            while True:
                try:
                    async with asyncio.timeout(self.options.inactivity):
                        event_type, obj = await anext(stream)
                except StopAsyncIteration:
                    timed_out = time.monotonic() - started >= 0.9 * self.options.timeout_seconds
                    self.verify = not timed_out
                    break
                except TimeoutError:
                    log.info("%s: nothing for %.1fs; watching again", self, self.options.inactivity)
                    self.verify = True
                    break
                self.handle(event_type, obj)
                seen += 1
        self._succeeded()
        if seen == 0 and time.monotonic() - started < 1.0:
            await asyncio.sleep(0.2)  # a server that ends every watch at once must not spin us

    def handle(self, event_type: str, obj: Any) -> None:
        metrics.watch_event(self.kind, event_type)
        rv = _resource_version(obj)
        if rv and _went_backwards(rv, self.list_rv):
            raise Gone(410, "Expired", f"resourceVersion {rv} is older than {self.list_rv}")
        if event_type == "BOOKMARK":
            self.rv = rv or self.rv
            return
        if event_type not in OBJECT_EVENTS:
            log.warning("%s: skipped a %s event: %.200r", self, event_type, obj)
            return
        self.rv = rv or self.rv
        if not self._skip(obj):
            self.sink.apply(self.kind, event_type, obj)
        self._succeeded()

    def _skip(self, obj: Any) -> bool:
        problem = malformed(obj)
        if problem:
            log.warning("%s: skipped a malformed object (%s): %.200r", self, problem, obj)
        return problem is not None

    def _succeeded(self) -> None:
        self.failures = 0
        if not self.healthy:
            self.healthy = True
            self.sink.health(self.kind, "synced", "", scope=self.scope)

    async def back_off(self, exc: ClusterError) -> None:
        metrics.WATCH_ERRORS.labels(self.kind).inc()
        self.failures += 1
        self.healthy = False
        connection_failed = exc.status == 0
        if connection_failed:
            self.need_list = True  # the server may be a new one: resuming is not safe
        self.verify = True
        broken = connection_failed or exc.status >= 500
        state = "unreachable" if broken and self.failures >= self.options.unreachable_after else (
            "reconnecting"
        )
        self.sink.health(self.kind, state, str(exc), scope=self.scope)
        delay = random.uniform(0, min(self.options.backoff_cap,
                                      self.options.backoff_base * 2 ** (self.failures - 1)))
        log.warning("%s: %s; retrying in %.1fs", self, exc, delay)
        await asyncio.sleep(delay)

    async def wait_for_crd(self, exc: ClusterError) -> None:
        self.need_list = True
        self.healthy = False
        if not self.missing:
            self.missing = True
            log.warning("%s: not served by the cluster (%s); looking again every %.0fs",
                        self, exc.message or exc, self.options.missing_retry)
            self.sink.resync(self.kind, self.scope, [])  # no CRD, no objects
            self.sink.health(self.kind, "missing", exc.message or str(exc), scope=self.scope)
        await asyncio.sleep(self.options.missing_retry)
        if KINDS[self.kind].group == ISTIO_GROUP:
            try:
                await self.gateway.discover()  # Istio may be back at another version
            except ClusterError as problem:
                log.info("%s: discovery failed: %s", self, problem)


async def discover_until_done(gateway: Any, sink: Sink, kinds: Sequence[str],
                              scopes: Sequence[str | None], options: WatchOptions) -> None:
    """Discovery decides the Istio version; keep trying (with backoff) until it answers."""
    failures = 0
    while True:
        try:
            found = await gateway.discover()
            log.info("cluster discovery: istio %s, missing %s",
                     found.istio_version or "absent", sorted(found.missing) or "nothing")
            return
        except Exception as exc:  # ClusterError, or a bug: neither may stop the watcher
            failures += 1
            state = "unreachable" if failures >= options.unreachable_after else "connecting"
            for kind in kinds:
                for scope in scopes:
                    sink.health(kind, state, str(exc), scope=scope)
            delay = random.uniform(0, min(options.backoff_cap,
                                          options.backoff_base * 2 ** (failures - 1)))
            log.warning("cluster discovery failed: %s; retrying in %.1fs", exc, delay)
            await asyncio.sleep(delay)


async def run_watcher(gateway: Any, sink: Sink, *, namespaces: Sequence[str] = (),
                      stop: asyncio.Event | None = None,
                      kinds: Sequence[str] = WATCHED_KINDS,
                      options: WatchOptions | None = None) -> None:
    """Mirror `kinds` in `namespaces` (empty: all) into `sink` until `stop` is set."""
    options = options or WatchOptions.from_settings()
    stop = stop or asyncio.Event()
    scopes: list[str | None] = list(namespaces) or [None]
    for kind in kinds:
        for scope in scopes:
            sink.health(kind, "connecting", "", scope=scope)
    discovery = asyncio.create_task(discover_until_done(gateway, sink, kinds, scopes, options))
    stopping = asyncio.create_task(stop.wait())
    tasks: list[asyncio.Task] = [discovery, stopping]
    try:
        await asyncio.wait([discovery, stopping], return_when=asyncio.FIRST_COMPLETED)
        if not stop.is_set():
            loops = [KindLoop(gateway, sink, k, s, options) for k in kinds for s in scopes]
            tasks += [asyncio.create_task(loop.run(), name=f"watch {loop}") for loop in loops]
            await stopping
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
