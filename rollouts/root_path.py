"""ASGI wrapper for ROLLOUTS_ROOT_PATH: the app answers under the root path only.

An ingress forwards `/rollouts/...` unchanged (no rewrite); the wrapper sets the scope's
`root_path` (what daphne's --root-path would set, so the flag is not needed) for Channels'
router and Django (whose FORCE_SCRIPT_NAME is the same value), sends `/rollouts` to
`/rollouts/`, and answers anything outside the root path with a 404, websockets included:
nothing is served at `/` that the ingress did not mean to expose.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from rollouts import paths


async def _not_found(scope: dict, receive: Any, send: Any) -> None:
    if scope["type"] == "websocket":
        await receive()  # websocket.connect
        await send({"type": "websocket.close", "code": 4404})
        return
    body = f"Not found: this dashboard is served under {settings.ROLLOUTS_ROOT_PATH}/\n".encode()
    await send({"type": "http.response.start", "status": 404,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _add_slash(scope: dict, send: Any) -> None:
    query = scope.get("query_string", b"")
    location = (settings.ROLLOUTS_ROOT_PATH + "/").encode() + (b"?" + query if query else b"")
    await send({"type": "http.response.start", "status": 308,
                "headers": [(b"location", location), (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


def under_root_path(app: Any) -> Any:
    root = settings.ROLLOUTS_ROOT_PATH
    if not root:
        return app

    async def scoped(scope: dict, receive: Any, send: Any) -> Any:
        if scope["type"] not in ("http", "websocket"):
            return await app(scope, receive, send)
        path = scope.get("path", "")
        if paths.inside(path) is None:
            return await _not_found(scope, receive, send)
        if path == root and scope["type"] == "http":
            return await _add_slash(scope, send)
        return await app({**scope, "root_path": root}, receive, send)

    return scoped
