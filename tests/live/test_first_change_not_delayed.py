"""Coalescing holds back only a rollout's repeated changes, never its first one."""

from __future__ import annotations

import pytest

from rollouts.live import LivePublisher
from rollouts.publish import GroupSender
from tests.live.support import a_put_rollout, connect, replaced_rows, row_id

pytestmark = pytest.mark.django_db(transaction=True)

# Far longer than the waits below: a first change held back by it could not arrive in time.
INTERVAL = 60.0


async def test_a_first_change_goes_out_at_once_and_only_a_repeated_one_waits():
    publisher = LivePublisher(GroupSender(), min_interval=INTERVAL)
    one = await a_put_rollout("my-demo", "one")
    two = await a_put_rollout("my-demo", "two")
    page = await connect("/ws/overview")
    try:
        await page.receive_from(timeout=5)
        await a_put_rollout("my-demo", "one", phase="Degraded", message="RolloutAborted: 1")
        await publisher.publish([one], [])
        assert list(replaced_rows(await page.receive_from(timeout=5))) == [row_id(one)]

        await a_put_rollout("my-demo", "one", phase="Degraded", message="RolloutAborted: 2")
        await publisher.publish([one], [])  # the same rollout again: coalesced for now
        assert await page.receive_nothing(timeout=0.5)

        await a_put_rollout("my-demo", "two", phase="Degraded", message="RolloutAborted: 3")
        await publisher.publish([two], [])  # another rollout's first change: not held back
        assert list(replaced_rows(await page.receive_from(timeout=5))) == [row_id(two)]
    finally:
        await page.disconnect()
        await publisher.aclose()
