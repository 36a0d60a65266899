"""The websocket handshake is accepted only from the dashboard's own origin: scheme, host, port."""

from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator

from dashboard.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


async def handshake(path: str, headers: list[tuple[bytes, bytes]], scheme: str = "ws") -> bool:
    page = WebsocketCommunicator(application, path, headers=headers)
    page.scope["scheme"] = scheme
    connected, _ = await page.connect(timeout=5)
    await page.disconnect()
    return connected


@pytest.mark.parametrize(
    "origin",
    [
        b"http://evil.example",
        b"http://localhost:8080",  # same host name, another port: another site
        b"http://localhost",  # port 80
        b"https://localhost:3100",  # same host and port, another scheme
        b"http://127.0.0.1:3100",  # an allowed host, but not the one this page is on
        b"http://localhost:3100.evil.example",
        b"null",
    ],
)
async def test_a_socket_from_another_origin_is_refused(origin):
    headers = [(b"host", b"localhost:3100"), (b"origin", origin)]
    assert await handshake("/ws/overview", headers) is False


async def test_a_socket_without_an_origin_is_refused():
    assert await handshake("/ws/overview", [(b"host", b"localhost:3100")]) is False


async def test_a_socket_to_a_host_not_in_allowed_hosts_is_refused_even_from_itself():
    headers = [(b"host", b"evil.example:3100"), (b"origin", b"http://evil.example:3100")]
    assert await handshake("/ws/overview", headers) is False


async def test_a_secure_socket_wants_an_https_origin():
    headers = [(b"host", b"localhost:3100"), (b"origin", b"http://localhost:3100")]
    assert await handshake("/ws/overview", headers, scheme="wss") is False


async def test_a_trusted_origin_is_accepted(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.example.com"]
    headers = [(b"host", b"localhost:3100"), (b"origin", b"https://dash.example.com")]
    assert await handshake("/ws/overview", headers) is True


@pytest.mark.parametrize(
    ("host", "origin", "scheme"),
    [
        (b"localhost:3100", b"http://localhost:3100", "ws"),
        (b"127.0.0.1:3100", b"http://127.0.0.1:3100", "ws"),
        (b"LOCALHOST:3100", b"http://localhost:3100", "ws"),
        (b"localhost", b"http://localhost", "ws"),
        (b"localhost", b"https://localhost:443", "wss"),
        (b"[::1]:3100", b"http://[::1]:3100", "ws"),
    ],
)
async def test_a_socket_from_its_own_origin_is_accepted(host, origin, scheme):
    page = WebsocketCommunicator(application, "/ws/rollouts/my-demo/rollouts-demo",
                                 headers=[(b"host", host), (b"origin", origin)])
    page.scope["scheme"] = scheme
    connected, _ = await page.connect(timeout=5)
    try:
        assert connected is True
        assert "live-status" in await page.receive_from(timeout=5)
    finally:
        await page.disconnect()
