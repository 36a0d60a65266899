from __future__ import annotations

import time

import pytest

from rollouts.live import LivePublisher
from rollouts.publish import GroupSender
from tests.live.support import (
    PAUSED,
    a_put_rollout,
    a_write_row,
    connect,
    guide_info,
    inserted_rows,
    replaced_rows,
    row_id,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_burst_of_changes_costs_a_few_renders_and_ends_in_the_last_state():
    publisher = LivePublisher(GroupSender(), min_interval=0.25)
    rollout = await a_put_rollout("my-demo", "rollouts-demo")
    states = [guide_info(PAUSED, "my-demo", "rollouts-demo", phase="Degraded",
                         message=f"RolloutAborted: burst {n}") for n in range(20)]
    page = await connect("/ws/overview")
    try:
        await page.receive_from(timeout=5)
        started = time.monotonic()
        for raw, info in states:  # 20 committed changes, each published, as fast as we can
            await a_write_row(raw, info)
            await publisher.publish([rollout], [])
        burst = time.monotonic() - started

        frames = []
        while True:
            frames.append(await page.receive_from(timeout=2))
            if "RolloutAborted: burst 19" in frames[-1]:
                break
        # One render at once, then at most one per interval until the burst is over, plus one
        # for rounding (the interval runs from the end of a render).
        most = 3 + int(burst / 0.25)
        assert publisher.stats.rows_rendered <= most < len(states)
        assert len(frames) <= most
        assert list(replaced_rows(frames[-1])) == [row_id(rollout)]
        assert await page.receive_nothing(timeout=0.4)
    finally:
        await page.disconnect()
        await publisher.aclose()


async def test_changes_of_many_rollouts_at_once_go_out_as_one_frame(publisher):
    page = await connect("/ws/overview")
    try:
        await page.receive_from(timeout=5)
        rollouts = [await a_put_rollout("my-demo", f"app-{n}") for n in range(12)]
        await publisher.publish(rollouts, [])
        frame = await page.receive_from(timeout=5)
        assert sorted(inserted_rows(frame)) == sorted(row_id(r) for r in rollouts)
        assert publisher.stats.passes == 1
    finally:
        await page.disconnect()
