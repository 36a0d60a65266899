"""Open websockets are counted by page while they are open, and every frame sent with its bytes;
a refused handshake counts nothing."""

from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator
from prometheus_client import REGISTRY

from dashboard.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)
SAME_ORIGIN = [(b"host", b"localhost:3100"), (b"origin", b"http://localhost:3100")]


def counted(page: str) -> tuple[float, ...]:
    names = ("rollouts_websockets_connected", "rollouts_frames_sent_total",
             "rollouts_sent_bytes_total")
    return tuple(REGISTRY.get_sample_value(name, {"page": page}) for name in names)


async def test_a_socket_is_counted_while_open_with_its_frames_and_bytes() -> None:
    sockets, frames, sent = counted("overview")
    page = WebsocketCommunicator(application, "/ws/overview", headers=SAME_ORIGIN)
    connected, _ = await page.connect(timeout=5)
    assert connected
    snapshot = await page.receive_from(timeout=5)
    now_sockets, now_frames, now_sent = counted("overview")
    assert now_sockets == sockets + 1
    assert now_frames >= frames + 1 and now_sent >= sent + len(snapshot.encode())
    await page.disconnect()
    assert counted("overview")[0] == sockets


async def test_a_refused_handshake_counts_nothing() -> None:
    before = counted("detail")
    page = WebsocketCommunicator(application, "/ws/rollouts/my-demo/x",
                                 headers=[(b"host", b"localhost:3100"),
                                          (b"origin", b"http://evil.example")])
    connected, _ = await page.connect(timeout=5)
    assert not connected
    await page.disconnect()
    assert counted("detail") == before
