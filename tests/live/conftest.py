from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from channels.layers import get_channel_layer
from django.core.cache import cache

from rollouts.live import LivePublisher
from rollouts.publish import GroupSender


@pytest.fixture(autouse=True)
async def clean_layer_and_cache() -> AsyncIterator[None]:
    """No group membership nor cached row from one test leaks into the next."""
    layer = get_channel_layer()
    await layer.flush()
    cache.clear()
    yield
    await layer.flush()
    cache.clear()


@pytest.fixture
async def publisher() -> AsyncIterator[LivePublisher]:
    """The live publisher as the embedded watcher runs it, on the consumers' loop, with a
    short coalescing interval so tests stay fast."""
    live = LivePublisher(GroupSender(), min_interval=0.05)
    yield live
    await live.aclose()


@pytest.fixture
def in_memory_layer(settings) -> None:
    """The embedded mode's layer and cache, for tests of what only it can know exactly (who is
    in a group right now), when the suite runs against Redis (REDIS_URL)."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
