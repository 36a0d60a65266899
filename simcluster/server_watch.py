"""Watch streams: chunked JSON lines, resumption from the global history, bookmarks, 410s.

The protocol, as the official client relies on it:
1. `resourceVersion` unset or "0": synthetic ADDED for every matching object, then changes.
   "N": every event after N from the history, then live ones; N older than the history: one ERROR
   event carrying a 410 `Expired` Status, then a clean end.
2. Events are filtered by namespace and selectors; an object that stops (starts) matching a
   selector is sent as DELETED (ADDED), like the apiserver does.
3. BOOKMARKs only with `allowWatchBookmarks`, every `bookmark_interval` and just before a
   timed-out watch ends.
4. The stream ends cleanly after `timeoutSeconds` or the server's maximum watch duration; a watcher
   that falls behind the history while open gets a 410 ERROR and the end of the stream.
5. Test hooks can end every open stream cleanly or abruptly (the socket is cut mid-stream).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from simcluster.encoding import ObjectCache, encode, event_line
from simcluster.errors import expired
from simcluster.routing import Target
from simcluster.selectors import Predicate
from simcluster.store import Event, Store

if TYPE_CHECKING:
    from simcluster.server import WatchSettings


class Broadcaster:
    """Wakes every open watch stream (in the server loop) after any store write (any thread)."""

    def __init__(self, store: Store, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._flags: set[asyncio.Event] = set()
        self._scheduled = False
        self._unsubscribe = store.subscribe(self._on_event)

    def _on_event(self, _event: Event) -> None:
        # One wake-up per burst: the streams read the history themselves.
        if not self._scheduled:
            self._scheduled = True
            try:
                self._loop.call_soon_threadsafe(self._fire)
            except RuntimeError:  # the loop is closed: the server is shutting down
                self._scheduled = False

    def _fire(self) -> None:
        self._scheduled = False
        for flag in self._flags:
            flag.set()

    def register(self) -> asyncio.Event:
        flag = asyncio.Event()
        self._flags.add(flag)
        return flag

    def unregister(self, flag: asyncio.Event) -> None:
        self._flags.discard(flag)

    def close(self) -> None:
        self._unsubscribe()


class WatchStream:
    def __init__(self, request: web.Request, target: Target, store: Store, cache: ObjectCache,
                 matches: Predicate | None, flag: asyncio.Event, settings: WatchSettings,
                 *, bookmarks: bool, timeout: float | None) -> None:
        self.request, self.target, self.store, self.cache = request, target, store, cache
        self.matches, self.flag, self.settings = matches, flag, settings
        self.bookmarks, self.timeout = bookmarks, timeout
        self.stop_mode: str | None = None  # "clean" | "abrupt", set by drop_watches
        self.response = web.StreamResponse(
            status=200, headers={"Content-Type": "application/json",
                                 "Cache-Control": "no-cache, private"})
        self.response.enable_chunked_encoding()

    def stop(self, abrupt: bool) -> None:
        self.stop_mode = "abrupt" if abrupt else "clean"
        if abrupt and self.request.transport is not None:
            self.request.transport.abort()  # no terminating chunk: the client sees a broken stream
        self.flag.set()

    async def run(self, start_rv: str) -> None:
        await self.response.prepare(self.request)
        last = await self._start(start_rv)
        if last is None:
            return await self._finish()  # the start RV had expired
        loop = asyncio.get_running_loop()
        started = loop.time()
        next_bookmark = started + self.settings.bookmark_interval if self.bookmarks else math.inf
        while self.stop_mode is None:
            self.flag.clear()
            events = self.store.events_since(last)
            if events is None:  # fell behind the history while open
                await self._expire(last)
                break
            if events:
                await self._send_events(events)
                last = events[-1].rv
            now = loop.time()
            deadline = started + self._duration()
            if now >= deadline:
                if self.bookmarks:
                    await self._bookmark(last)
                break
            if now >= next_bookmark:
                await self._bookmark(last)
                next_bookmark = now + self.settings.bookmark_interval
            await self._sleep(min(deadline, next_bookmark) - now)
        await self._finish()

    def _duration(self) -> float:
        limit = self.settings.max_watch_seconds
        return min(limit, self.timeout) if self.timeout is not None else limit

    async def _start(self, start_rv: str) -> int | None:
        if start_rv in ("", "0"):
            items, rv = self.store.snapshot(self.target.rtype.key, self.target.namespace,
                                            self.matches)
            api_version = self.target.api_version
            await self._write(b"".join(
                self.cache.event_line("ADDED", o, api_version) for o in items))
            return rv
        rv = int(start_rv)
        if rv < self.store.oldest_rv():
            await self._expire(rv)
            return None
        return rv

    async def _sleep(self, seconds: float) -> None:
        try:
            async with asyncio.timeout(max(0.0, seconds)):
                await self.flag.wait()
        except TimeoutError:
            pass

    async def _send_events(self, events: list[Event]) -> None:
        key, namespace, api_version = self.target.rtype.key, self.target.namespace, \
            self.target.api_version
        lines = []
        for event in events:
            if event.plural != key:
                continue
            if namespace and event.shared["metadata"].get("namespace") != namespace:
                continue
            event_type = self._visible_type(event, self.matches)
            if event_type:
                lines.append(self.cache.event_line(event_type, event.shared, api_version))
        if lines:
            await self._write(b"".join(lines))

    @staticmethod
    def _visible_type(event: Event, matches: Callable[[dict[str, Any]], bool] | None) -> str | None:
        if matches is None:
            return event.type
        now_matches = matches(event.shared)
        if event.type != "MODIFIED":
            return event.type if now_matches else None
        was_matching = matches(event.old_shared) if event.old_shared is not None else False
        if now_matches:
            return "MODIFIED" if was_matching else "ADDED"
        return "DELETED" if was_matching else None

    async def _bookmark(self, rv: int) -> None:
        obj = {"kind": self.target.rtype.kind, "apiVersion": self.target.api_version,
               "metadata": {"resourceVersion": str(rv)}}
        await self._write(event_line("BOOKMARK", encode(obj)))

    async def _expire(self, rv: int) -> None:
        status = expired(rv, self.store.oldest_rv()).status_body()
        await self._write(event_line("ERROR", encode(status)))

    async def _write(self, data: bytes) -> None:
        if data and self.stop_mode != "abrupt":
            await self.response.write(data)

    async def _finish(self) -> None:
        if self.stop_mode != "abrupt":
            await self.response.write_eof()
