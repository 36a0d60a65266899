"""`SimCluster`: store + clock + API server (+ controllers) in a daemon thread with its own loop.

Test code calls it from the main thread while the server runs in its loop thread; every method is
safe to call from either.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import ipaddress
import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml

from simcluster.clock import SimClock
from simcluster.kubeconfig import write_kubeconfig
from simcluster.resources import resource_for_kind
from simcluster.server import SimServer, WatchSettings
from simcluster.store import Store

log = logging.getLogger(__name__)
T = TypeVar("T")


def tune_gc_for_server() -> None:
    """For a process that hosts a big store (the `serve` command, benchmarks).

    The store holds hundreds of thousands of acyclic JSON containers; each full collection of the
    cyclic GC walks all of them (0.1-0.7 s with a 1,000-rollout store) and frees nothing. Freeze
    what exists now (seeded state) and collect the young generation less often.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


def check_host(host: str, allow_remote: bool = False) -> None:
    if allow_remote:
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise ValueError(
            f"refusing to listen on {host!r}: simcluster has no authentication and serves "
            "fault-injection hooks, so it binds to loopback only (e.g. 127.0.0.1); pass "
            "--allow-remote if you really want it reachable from other machines")


class SimCluster:
    def __init__(self, *, seeds: Sequence[str] = ("empty",), controllers: bool = True,
                 speed: float = 1.0, host: str = "127.0.0.1", port: int = 0,
                 bookmark_interval: float = 30.0, max_watch_seconds: float = 1800.0,
                 history_limit: int = 10_000, controller_options: Any = None,
                 allow_remote: bool = False) -> None:
        check_host(host, allow_remote)
        self.host, self.port = host, port
        self.seeds = tuple(seeds)
        self.clock = SimClock(speed)
        self.store = Store(history_limit=history_limit, clock=self.clock.now)
        self.settings = WatchSettings(bookmark_interval, max_watch_seconds)
        self.server = SimServer(self.store, settings=self.settings, hooks=self)
        self.controllers: Any = None
        self._want_controllers, self._controller_options = controllers, controller_options
        self.url = ""
        self.kubeconfig: Path | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping: asyncio.Event | None = None

    # --- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("this SimCluster is already started")
        self._apply_seeds()
        if self._want_controllers:
            self.controllers = _load_controllers(self.store, self.clock, self._controller_options)
        ready: concurrent.futures.Future[str] = concurrent.futures.Future()
        self._thread = threading.Thread(target=self._run, args=(ready,), name="simcluster",
                                        daemon=True)
        self._thread.start()
        self.url = ready.result(timeout=30)

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        if self._stopping is not None and self._loop.is_running():
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(timeout=10)
        self._thread = None

    def __enter__(self) -> SimCluster:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _run(self, ready: concurrent.futures.Future[str]) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(ready))
        except BaseException as error:  # surface start-up failures to start()
            if not ready.done():
                ready.set_exception(error)
            else:
                log.exception("simcluster server loop failed")
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _serve(self, ready: concurrent.futures.Future[str]) -> None:
        self._stopping = asyncio.Event()
        port = await self.server.start(self.host, self.port)
        host = f"[{self.host}]" if ":" in self.host else self.host
        task = asyncio.create_task(self.controllers.run()) if self.controllers else None
        ready.set_result(f"http://{host}:{port}")
        try:
            await self._stopping.wait()
        finally:
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
            await self.server.stop()

    def _apply_seeds(self) -> None:
        if not self.seeds:
            return
        try:
            from simcluster.seeds import apply_seed
        except ImportError as error:
            log.warning("simcluster: seeds are not available yet (%s); starting with an empty "
                        "store instead of %s", error, ", ".join(self.seeds))
            return
        for spec in self.seeds:
            apply_seed(self.store, spec, clock=self.clock)

    def _in_loop(self, fn: Callable[[], T]) -> T:
        """Run `fn` in the server loop and wait for it (directly if already there)."""
        loop = self._loop
        if loop is None or not loop.is_running():
            return fn()
        try:
            if asyncio.get_running_loop() is loop:
                return fn()
        except RuntimeError:
            pass

        async def call() -> T:
            return fn()

        return asyncio.run_coroutine_threadsafe(call(), loop).result(timeout=10)

    # --- configuration and hooks ---------------------------------------------------------------
    def write_kubeconfig(self, path: str | os.PathLike[str]) -> Path:
        if not self.url:
            raise RuntimeError("start the SimCluster before writing its kubeconfig")
        return write_kubeconfig(self.url, path)

    def requests(self) -> list[dict[str, Any]]:
        return self.server.requests.entries()

    def clear_requests(self) -> None:
        self.server.requests.clear()
        self.server.watch_requests.clear()
        self.server.reads.clear()

    def read_requests(self) -> list[dict[str, Any]]:
        """Every read request (method, path, query) as it arrived, oldest first."""
        return self.server.reads.entries()

    def watch_requests(self) -> list[dict[str, Any]]:
        """Every watch request opened (path and query), oldest first."""
        return self.server.watch_requests.entries()

    def compact(self) -> None:
        self.store.compact()

    def drop_watches(self, abrupt: bool = True) -> int:
        return self._in_loop(lambda: self.server.drop_watches(abrupt))

    def fail_next(self, code: int, *, method: str = "*", path: str = ".*", count: int = 1,
                  retry_after: int | None = None) -> None:
        self.server.faults.add(code, method=method, path=path, count=count,
                               retry_after=retry_after)

    def pause_controllers(self) -> None:
        if self.controllers is not None:
            self._in_loop(self.controllers.pause)

    def resume_controllers(self) -> None:
        if self.controllers is not None:
            self._in_loop(self.controllers.resume)

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        if self.controllers is not None:
            self._in_loop(self.controllers.kick)

    def set_bookmark_interval(self, seconds: float) -> None:
        self.settings.bookmark_interval = float(seconds)

    def set_max_watch_seconds(self, seconds: float) -> None:
        self.settings.max_watch_seconds = float(seconds)

    def apply(self, manifests: str | list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Create or replace each manifest, status included (to pose any state)."""
        documents = manifests
        if isinstance(manifests, str):
            documents = [d for d in yaml.safe_load_all(manifests) if d]
        return [self._apply_one(doc) for doc in documents]

    def _apply_one(self, doc: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(doc, dict):
            raise ValueError(f"a manifest must be a mapping, got {type(doc).__name__}")
        rtype = resource_for_kind(str(doc.get("apiVersion")), str(doc.get("kind")))
        if rtype is None:
            raise ValueError(f"simcluster does not serve {doc.get('apiVersion')}/"
                             f"{doc.get('kind')}")
        meta = doc.get("metadata") or {}
        namespace = meta.get("namespace") or ("default" if rtype.namespaced else None)
        existing = self.store.get(rtype.key, namespace, meta.get("name") or "")
        if existing is None:
            return self.store.create(rtype.key, doc, namespace=namespace)
        body = {**doc, "metadata": {**meta, "namespace": namespace}}
        body["metadata"].pop("resourceVersion", None)
        result = self.store.replace(rtype.key, body)
        if rtype.has_status and "status" in doc:
            result = self.store.replace(rtype.key, body, subresource="status")
        return result


def _load_controllers(store: Store, clock: SimClock, options: Any) -> Any:
    try:
        from simcluster.controllers import ControllerManager
    except ImportError as error:
        log.warning("simcluster: controllers are not available yet (%s); running without "
                    "controllers", error)
        return None
    return ControllerManager(store, clock, options=options)
