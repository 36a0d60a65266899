from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator

from dashboard.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_socket_from_a_foreign_origin_is_refused():
    page = WebsocketCommunicator(application, "/ws/overview",
                                 headers=[(b"origin", b"http://evil.example")])
    connected, _ = await page.connect(timeout=5)
    assert connected is False
    await page.disconnect()


async def test_a_socket_without_an_origin_is_refused():
    page = WebsocketCommunicator(application, "/ws/overview")
    connected, _ = await page.connect(timeout=5)
    assert connected is False
    await page.disconnect()


@pytest.mark.parametrize("origin", [b"http://localhost:3100", b"http://127.0.0.1:3100"])
async def test_a_socket_from_an_allowed_host_is_accepted(origin):
    page = WebsocketCommunicator(application, "/ws/rollouts/my-demo/rollouts-demo",
                                 headers=[(b"origin", origin)])
    connected, _ = await page.connect(timeout=5)
    try:
        assert connected is True
        assert "live-status" in await page.receive_from(timeout=5)
    finally:
        await page.disconnect()
