"""A reverse proxy of the tests' own, on loopback, in front of daphne in ROLLOUTS_AUTH=proxy mode.

It plays the part of an authenticating proxy (oauth2-proxy, an ingress with SSO): every request,
websocket upgrades included, goes on to daphne with the identity headers of the user it "signed
in", X-Forwarded-For and X-Forwarded-Proto. Identity headers a client sends itself are dropped
first, as a real one must. aiohttp.web on an event loop in a thread of its own: the browser
tests' Playwright owns the main thread's loop.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import aiohttp
from aiohttp import web
from multidict import CIMultiDict

from tests.servers import free_port

# Per connection, never forwarded (RFC 9110 §7.6.1); the websocket handshake's own headers are
# made again by the client side of the proxy.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailer", "transfer-encoding", "upgrade", "content-length"}
WEBSOCKET_HANDSHAKE = {"sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
                       "sec-websocket-accept", "sec-websocket-protocol"}
IDENTITY = ("x-forwarded-user", "x-forwarded-email", "x-forwarded-groups", "x-forwarded-for",
            "x-forwarded-proto")


class IdentityProxy:
    """Forwards to `upstream` (daphne's URL) as `user` with `groups`."""

    def __init__(self, upstream: str, user: str, groups: str, email: str = "") -> None:
        self.upstream = upstream
        self.identity = {"X-Forwarded-User": user, "X-Forwarded-Groups": groups,
                         **({"X-Forwarded-Email": email} if email else {})}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.websockets: list[str] = []  # the paths of the websockets it carried
        self.frames_to_browser = 0
        self._open: set[web.WebSocketResponse] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(30)

    def stop(self) -> None:
        try:
            asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(30)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()

    async def _start(self) -> None:
        # No cookie jar: the browser's cookies pass through, the proxy keeps none of its own.
        self._client = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(),
                                             auto_decompress=False)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=2)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def _stop(self) -> None:
        # Open websockets would keep the runner's clean-up waiting.
        for socket in list(self._open):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()
        if self._client is not None:
            await self._client.close()

    def _headers(self, request: web.Request) -> CIMultiDict[str]:
        headers: CIMultiDict[str] = CIMultiDict()
        for key, value in request.headers.items():
            lower = key.lower()
            if lower not in HOP_BY_HOP and lower not in WEBSOCKET_HANDSHAKE \
                    and lower not in IDENTITY:
                headers.add(key, value)  # Host included: daphne checks Origin against it
        headers.update(self.identity)
        headers["X-Forwarded-For"] = request.remote or "127.0.0.1"
        headers["X-Forwarded-Proto"] = request.scheme
        return headers

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return await self._websocket(request)
        assert self._client is not None
        async with self._client.request(
                request.method, self.upstream + request.path_qs, headers=self._headers(request),
                data=await request.read() if request.can_read_body else None,
                allow_redirects=False) as upstream:
            body = await upstream.read()
            headers: CIMultiDict[str] = CIMultiDict()
            for key, value in upstream.headers.items():
                if key.lower() not in HOP_BY_HOP:
                    headers.add(key, value)  # every Set-Cookie, one by one
            return web.Response(status=upstream.status, headers=headers, body=body)

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        assert self._client is not None
        protocols = [p.strip() for p in
                     request.headers.get("Sec-WebSocket-Protocol", "").split(",") if p.strip()]
        browser = web.WebSocketResponse(protocols=protocols)
        await browser.prepare(request)
        self._open.add(browser)
        self.websockets.append(request.path_qs)
        try:
            async with self._client.ws_connect(
                    "ws" + self.upstream.removeprefix("http") + request.path_qs,
                    headers=self._headers(request), protocols=protocols) as daphne:
                await asyncio.wait(
                    [asyncio.create_task(self._pump(browser, daphne, to_browser=False)),
                     asyncio.create_task(self._pump(daphne, browser, to_browser=True))],
                    return_when=asyncio.FIRST_COMPLETED)
                await daphne.close()
        except aiohttp.ClientError:
            pass  # daphne refused or went away: the browser sees its socket close
        finally:
            self._open.discard(browser)
            await browser.close()
        return browser

    async def _pump(self, source: Any, sink: Any, *, to_browser: bool) -> None:
        """Frames from one side to the other until `source` closes."""
        async for message in source:
            if message.type == aiohttp.WSMsgType.TEXT:
                await sink.send_str(message.data)
            elif message.type == aiohttp.WSMsgType.BINARY:
                await sink.send_bytes(message.data)
            else:
                break
            if to_browser:
                self.frames_to_browser += 1
