"""The aiohttp application: routing, Status errors, fault injection, the request log.

Runs in one event loop (its own thread in tests). The store is synchronous and thread-safe, so
handlers call it directly; watch streams wake through a `Broadcaster`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web

from simcluster import discovery, openapi, server_control, server_rest
from simcluster.encoding import ObjectCache
from simcluster.errors import REASONS, ApiError, status_body
from simcluster.faults import Faults, RequestLog, fault_message
from simcluster.routing import resolve
from simcluster.server_watch import Broadcaster, WatchStream
from simcluster.store import Store

log = logging.getLogger(__name__)
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclass
class WatchSettings:
    bookmark_interval: float = 30.0
    max_watch_seconds: float = 1800.0


class ControlHooks(Protocol):
    def pause_controllers(self) -> None: ...
    def resume_controllers(self) -> None: ...
    def advance(self, seconds: float) -> None: ...


class SimServer:
    def __init__(self, store: Store, *, settings: WatchSettings | None = None,
                 hooks: ControlHooks | None = None) -> None:
        self.store = store
        self.settings = settings or WatchSettings()
        self.hooks = hooks
        self.cache = ObjectCache()
        self.faults = Faults()
        self.requests = RequestLog()
        self.watch_requests = RequestLog()  # every watch opened: path and query
        # Every read (GET, HEAD, …, watches included) as it arrives: lets a test show that
        # nothing at all reached the server, not only that nothing was written.
        self.reads = RequestLog()
        self.watches: set[WatchStream] = set()
        self.broadcaster: Broadcaster | None = None
        self._runner: web.AppRunner | None = None

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._record_writes, self._errors, self._inject_faults],
                              client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        return app

    async def start(self, host: str, port: int) -> int:
        """Listen (in the running loop); returns the bound port."""
        self.broadcaster = Broadcaster(self.store, asyncio.get_running_loop())
        # handler_cancellation: a watch whose client went away ends at once instead of idling
        # until its timeout (a quiet kind without bookmarks would never notice otherwise).
        self._runner = web.AppRunner(self.build_app(), access_log=None, handle_signals=False,
                                     shutdown_timeout=0.5, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, reuse_address=True)
        await site.start()
        return self._runner.addresses[0][1]

    async def stop(self) -> None:
        self.drop_watches(abrupt=False)
        if self.broadcaster:
            self.broadcaster.close()
        if self._runner:
            await self._runner.cleanup()

    def drop_watches(self, abrupt: bool = True) -> int:
        """End every open watch stream (call in the server loop); returns how many."""
        streams = list(self.watches)
        for stream in streams:
            stream.stop(abrupt)
        return len(streams)

    # --- middlewares ---------------------------------------------------------------------------
    @web.middleware
    async def _errors(self, request: web.Request, handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiError as error:
            return _status_response(error.code, error.status_body())
        except web.HTTPException as error:
            if error.status < 400:
                raise
            reason = REASONS.get(error.status, "InternalError")
            return _status_response(error.status, status_body(error.status, reason, error.text
                                                              or error.reason))
        except Exception as error:  # a bug here must not kill the server or hang the client
            log.exception("simcluster failed on %s %s", request.method, request.path_qs)
            body = status_body(500, "InternalError", f"simcluster internal error: {error!r}")
            return _status_response(500, body)

    @web.middleware
    async def _record_writes(self, request: web.Request, handler) -> web.StreamResponse:
        if request.path.startswith("/_sim/"):
            return await handler(request)
        if request.method not in WRITE_METHODS:
            self.reads.append({"method": request.method, "path": request.path,
                               "query": dict(request.query)})
            return await handler(request)
        raw = await request.read()
        response = await handler(request)  # errors are already Status responses here
        self.requests.append(_log_entry(request, raw, response.status))
        return response

    @web.middleware
    async def _inject_faults(self, request: web.Request, handler) -> web.StreamResponse:
        if request.path.startswith("/_sim/"):
            return await handler(request)
        fault = self.faults.take(request.method, request.path)
        if fault is None:
            return await handler(request)
        reason, message = fault_message(fault)
        body = status_body(fault.code, reason, message)
        if fault.retry_after is not None:
            body["details"] = {"retryAfterSeconds": fault.retry_after}
        response = _status_response(fault.code, body)
        if fault.retry_after is not None:
            response.headers["Retry-After"] = str(fault.retry_after)
        return response

    # --- routing -------------------------------------------------------------------------------
    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path.rstrip("/") or "/"
        if path.startswith("/_sim/"):
            return await server_control.handle(self, request, path)
        if path.startswith("/openapi/"):
            return openapi.handle(request, path)
        document = _discovery_document(path) if request.method == "GET" else None
        if document is not None:
            return server_rest.json_response(document)
        if path in ("/healthz", "/readyz", "/livez"):
            return web.Response(text="ok")
        target = resolve(path)
        if target is None:
            raise ApiError(404, f"the server could not find the requested resource ({path})")
        return await server_rest.handle(self, request, target)


def _discovery_document(path: str) -> dict[str, Any] | None:
    parts = [p for p in path.split("/") if p]
    if path == "/version":
        return discovery.version_info()
    if path == "/api":
        return discovery.core_versions()
    if path == "/apis":
        return discovery.group_list()
    if len(parts) == 2 and parts[0] == "api":
        return discovery.resource_list("", parts[1])
    if len(parts) == 2 and parts[0] == "apis":
        return discovery.api_group(parts[1])
    if len(parts) == 3 and parts[0] == "apis":
        return discovery.resource_list(parts[1], parts[2])
    return None


def _status_response(code: int, body: dict[str, Any]) -> web.Response:
    return web.Response(body=json.dumps(body).encode(), status=code,
                        content_type="application/json")


def _log_entry(request: web.Request, raw: bytes, code: int) -> dict[str, Any]:
    try:
        body: Any = json.loads(raw) if raw.strip() else None
    except ValueError:
        body = raw.decode("utf-8", "replace")
    return {
        "method": request.method,
        "path": request.path,
        "query": dict(request.query),
        "content_type": request.headers.get("Content-Type"),
        "body": body,
        "code": code,
    }
