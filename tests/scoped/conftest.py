from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from channels.layers import get_channel_layer
from django.core.cache import cache

from rollouts.live import LivePublisher
from rollouts.publish import GroupSender


@pytest.fixture(autouse=True)
def signing_in(settings: Any) -> None:
    """Local accounts; anonymous may see nothing; sockets recheck their access quickly."""
    settings.ROLLOUTS_AUTH, settings.ROLLOUTS_ANONYMOUS_ROLE = "local", "none"
    settings.ROLLOUTS_ACCESS_RECHECK_SECONDS = 0.2


@pytest.fixture(autouse=True)
async def clean_layer_and_cache() -> AsyncIterator[None]:
    layer = get_channel_layer()
    await layer.flush()
    cache.clear()
    yield
    await layer.flush()
    cache.clear()


@pytest.fixture
async def publisher() -> AsyncIterator[LivePublisher]:
    live = LivePublisher(GroupSender(), min_interval=0.05)
    yield live
    await live.aclose()
