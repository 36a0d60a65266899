"""Where the mirror runs: embedded in the web process, or on its own (`watch_rollouts`).

`run_mirror` is the whole pipeline (gateway → watcher → mirror → publisher) and does not care
which. Embedded, it runs on a daemon thread with its own event loop, so a slow batch never
stalls daphne's loop; `capture_consumer_loop` remembers daphne's loop so the Channels publisher
can hand in-memory sends over to it (see `rollouts.publish`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import Any

from django.conf import settings

from rollouts import metrics
from rollouts.errors import ClusterConfigError
from rollouts.gateway import AsyncGateway
from rollouts.kinds import ClusterConfig
from rollouts.mirror import Mirror
from rollouts.publish import GroupSender, NullPublisher, Publisher
from rollouts.watcher import WATCHED_KINDS, WatchOptions, run_watcher

log = logging.getLogger(__name__)

CONFIG_RETRY_SECONDS = 10.0


def live_publisher(target_loop: Any = None) -> Publisher:
    """The live UI's publisher (`rollouts.live`), sending through the channel layer; with a
    `target_loop`, in-memory sends hop to the consumers' loop."""
    from rollouts.live import LivePublisher

    return LivePublisher(GroupSender(target_loop=target_loop))


def _live_or_null(target_loop: Any) -> Publisher:
    # History must not depend on the live UI: without its publisher the mirror still runs.
    try:
        return live_publisher(target_loop)
    except Exception:
        log.exception("the live publisher is unavailable; mirroring without live updates")
        return NullPublisher()


def mirror_from_settings(publisher: Publisher | None = None) -> Mirror:
    return Mirror(
        settings.ROLLOUTS_CLUSTER_NAME,
        publisher,
        namespaces=settings.ROLLOUTS_NAMESPACES,
        batch_seconds=settings.ROLLOUTS_BATCH_SECONDS,
    )


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def _watch(mirror: Mirror, stop: asyncio.Event, config: ClusterConfig | None,
                 options: WatchOptions | None) -> None:
    """Run the watcher until `stop`; a missing or broken config is reported and retried."""
    while not stop.is_set():
        gateway = AsyncGateway(config)
        try:
            await gateway.open()
        except ClusterConfigError as exc:
            log.warning("%s; trying again in %.0fs", exc.message, CONFIG_RETRY_SECONDS)
            for kind in WATCHED_KINDS:
                for scope in mirror.namespaces or [None]:
                    mirror.health(kind, "unreachable", exc.message, scope=scope)
            await _wait(stop, CONFIG_RETRY_SECONDS)
            continue
        try:
            await run_watcher(gateway, mirror, namespaces=mirror.namespaces, stop=stop,
                              options=options)
        finally:
            await gateway.close()


async def run_mirror(stop: asyncio.Event, *, publisher: Publisher | None = None,
                     config: ClusterConfig | None = None, options: WatchOptions | None = None,
                     mirror: Mirror | None = None) -> None:
    """Mirror the configured cluster into the database until `stop` is set."""
    mirror = mirror or mirror_from_settings(publisher)
    flushed = asyncio.Event()
    flusher = asyncio.create_task(mirror.run(flushed), name="mirror flush")
    # Whoever runs the mirror leads: always without an election, for its terms with one (a
    # standby runs none); the election may also set it as its fencing decides.
    metrics.set_leader(True)
    try:
        await _watch(mirror, stop, config, options)
    finally:
        metrics.set_leader(False)
        flushed.set()
        await flusher


# --- embedded in the web process --------------------------------------------------------

_consumer_loop: asyncio.AbstractEventLoop | None = None


def consumer_loop() -> asyncio.AbstractEventLoop | None:
    """The loop the web process serves requests (and websocket consumers) on, once known."""
    return _consumer_loop


def capture_consumer_loop(app: Any) -> Any:
    """ASGI wrapper that records the serving loop on the first call."""

    async def remember_loop(scope: dict, receive: Any, send: Any) -> Any:
        global _consumer_loop
        if _consumer_loop is None:
            _consumer_loop = asyncio.get_running_loop()
        return await app(scope, receive, send)

    return remember_loop


class EmbeddedWatcher:
    """`run_mirror` on a daemon thread with its own loop, restarted if it ever crashes."""

    def __init__(self, publisher: Publisher | None = None) -> None:
        self.publisher = publisher
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stop_event: asyncio.Event | None = None
        self.started = threading.Event()
        self.thread = threading.Thread(target=self._main, name="rollouts-watcher", daemon=True)

    def start(self) -> EmbeddedWatcher:
        self.thread.start()
        self.started.wait(5)
        return self

    def _main(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.stop_event = asyncio.Event()
        self.started.set()
        publisher = self.publisher or _live_or_null(consumer_loop)
        log.info("embedded watcher started for cluster %s", settings.ROLLOUTS_CLUSTER_NAME)
        while not self.stop_event.is_set():
            try:
                await run_mirror(self.stop_event, publisher=publisher)
            except Exception:
                log.exception("embedded watcher crashed; restarting in 5s")
                await _wait(self.stop_event, 5.0)
        log.info("embedded watcher stopped")

    def stop(self, timeout: float = 10.0) -> None:
        if self.loop is not None and self.stop_event is not None and self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(timeout)


_embedded: EmbeddedWatcher | None = None
_embedded_lock = threading.Lock()


def start_embedded_watcher() -> EmbeddedWatcher | None:
    """Start the in-process watcher once per process (idempotent); None unless embedded."""
    global _embedded
    if settings.ROLLOUTS_WATCHER != "embedded":
        return None
    with _embedded_lock:
        if _embedded is None or not _embedded.thread.is_alive():
            if _embedded is None:
                _stop_before_executors_shut_down()
            _embedded = EmbeddedWatcher().start()
        return _embedded


def _stop_before_executors_shut_down() -> None:
    """At interpreter exit (daphne stopped), stop the watcher before concurrent.futures
    refuses new work: otherwise its last DB writes fail with "cannot schedule new futures
    after shutdown" tracebacks. `threading._register_atexit` hooks run in reverse order of
    registration, before the executors' own; plain `atexit` would run too late."""
    register = getattr(threading, "_register_atexit", None)
    if register is not None:
        register(lambda: stop_embedded_watcher(timeout=5.0))


def stop_embedded_watcher(timeout: float = 10.0) -> None:
    """Stop the in-process watcher, if one runs (tests; a clean shutdown)."""
    global _embedded
    with _embedded_lock:
        if _embedded is not None:
            _embedded.stop(timeout)
            _embedded = None
