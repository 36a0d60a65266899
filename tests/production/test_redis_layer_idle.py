"""On Redis, a consumer that hears nothing for longer than redis-py's default read timeout (5 s,
as long as the layer's blocking pop) still gets the next message instead of crashing."""

from __future__ import annotations

import asyncio

import pytest
from channels.layers import get_channel_layer
from django.conf import settings

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (make test)")


async def test_a_receiver_idle_past_the_blocking_pop_still_gets_the_next_message():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    receiving = asyncio.create_task(layer.receive(channel))
    try:
        # Idle on purpose: two of the layer's 5 s blocking pops must end empty in between.
        done, _ = await asyncio.wait([receiving], timeout=11)
        assert not done, receiving.exception()
        await layer.send(channel, {"type": "hello"})
        assert (await asyncio.wait_for(receiving, 5))["type"] == "hello"
    finally:
        receiving.cancel()
        await asyncio.gather(receiving, return_exceptions=True)
        await layer.flush()
