"""The `/_sim/*` test-control surface (loopback clients only).

GET/DELETE /_sim/requests (the write log), GET /_sim/watches (watch requests opened),
POST /_sim/compact, /_sim/drop-watches {"abrupt"}, /_sim/fail-next {"code", "method", "path",
"count", "retryAfter"}, /_sim/pause, /_sim/resume, /_sim/advance {"seconds"},
/_sim/settings {"bookmarkInterval", "maxWatchSeconds"}.
"""

from __future__ import annotations

import ipaddress
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from simcluster.errors import ApiError
from simcluster.server_rest import json_response

if TYPE_CHECKING:
    from simcluster.server import SimServer


def _is_loopback(remote: str | None) -> bool:
    try:
        return remote is not None and ipaddress.ip_address(remote).is_loopback
    except ValueError:
        return False


async def _options(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        options = json.loads(raw)
    except ValueError as error:
        raise ApiError(400, f"the control request body is not JSON: {error}") from None
    if not isinstance(options, dict):
        raise ApiError(400, "the control request body must be a JSON object")
    return options


def _number(options: dict[str, Any], key: str) -> float:
    value = options.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ApiError(400, f"{key!r} must be a non-negative number, got {value!r}")
    return float(value)


async def handle(server: SimServer, request: web.Request, path: str) -> web.Response:
    if not _is_loopback(request.remote):
        raise ApiError(403, "the /_sim control surface only answers loopback clients")
    action = path.removeprefix("/_sim/")
    if action == "requests" and request.method == "GET":
        return json_response(server.requests.entries())
    if action == "watches" and request.method == "GET":
        return json_response(server.watch_requests.entries())
    if action == "requests" and request.method == "DELETE":
        server.requests.clear()
        server.watch_requests.clear()
        server.reads.clear()
        return json_response({"ok": True})
    if request.method != "POST":
        raise ApiError(405, f"{request.method} /_sim/{action} is not supported",
                       reason="MethodNotAllowed")
    options = await _options(request)
    return json_response(_control(server, action, options))


def _control(server: SimServer, action: str, options: dict[str, Any]) -> dict[str, Any]:
    if action == "compact":
        server.store.compact()
        return {"ok": True, "oldestResourceVersion": str(server.store.oldest_rv())}
    if action == "drop-watches":
        return {"ok": True, "dropped": server.drop_watches(bool(options.get("abrupt", True)))}
    if action == "fail-next":
        return _fail_next(server, options)
    if action == "settings":
        if "bookmarkInterval" in options:
            server.settings.bookmark_interval = _number(options, "bookmarkInterval")
        if "maxWatchSeconds" in options:
            server.settings.max_watch_seconds = _number(options, "maxWatchSeconds")
        return {"ok": True, "bookmarkInterval": server.settings.bookmark_interval,
                "maxWatchSeconds": server.settings.max_watch_seconds}
    if action in ("pause", "resume", "advance") and server.hooks is None:
        raise ApiError(503, "this server has no controllers attached", reason="ServiceUnavailable")
    if action == "pause":
        server.hooks.pause_controllers()
    elif action == "resume":
        server.hooks.resume_controllers()
    elif action == "advance":
        server.hooks.advance(_number(options, "seconds"))
    else:
        raise ApiError(404, f"unknown control endpoint /_sim/{action}")
    return {"ok": True}


def _fail_next(server: SimServer, options: dict[str, Any]) -> dict[str, Any]:
    try:
        server.faults.add(
            options.get("code"), method=options.get("method", "*"),
            path=options.get("path", ".*"), count=options.get("count", 1),
            retry_after=options.get("retryAfter"),
        )
    except ValueError as error:
        raise ApiError(400, str(error)) from None
    return {"ok": True}
