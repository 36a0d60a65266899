"""ASGI wrapper counting websockets: open sockets, frames and bytes sent, by page.

At the ASGI boundary rather than in the consumers, so that every frame is counted whichever
consumer method sends it, and the gauge goes down however the socket ends.
"""

from __future__ import annotations

from typing import Any

from rollouts import metrics


def page_of(path: str) -> str:
    """`overview` or `detail` from a websocket path (under any root path), else `other`."""
    if path.endswith("/ws/overview"):
        return "overview"
    if "/ws/rollouts/" in path:
        return "detail"
    return metrics.OTHER


def _size(message: dict[str, Any]) -> int:
    text = message.get("text")
    if text is not None:
        return len(text.encode("utf-8"))
    return len(message.get("bytes") or b"")


def count_websockets(app: Any) -> Any:
    async def counted(scope: dict, receive: Any, send: Any) -> Any:
        if scope.get("type") != "websocket":
            return await app(scope, receive, send)
        page = page_of(str(scope.get("path", "")))
        accepted = False

        async def counting_send(message: dict[str, Any]) -> None:
            nonlocal accepted
            kind = message.get("type")
            if kind == "websocket.accept" and not accepted:
                accepted = True
                metrics.SOCKETS.labels(page).inc()
            elif kind == "websocket.send":
                metrics.FRAMES_SENT.labels(page).inc()
                metrics.BYTES_SENT.labels(page).inc(_size(message))
            await send(message)

        try:
            return await app(scope, receive, counting_send)
        finally:
            if accepted:
                metrics.SOCKETS.labels(page).dec()

    return counted
