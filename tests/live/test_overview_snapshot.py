from __future__ import annotations

import pytest

from tests.live.support import (
    a_cluster_status,
    a_put_rollout,
    by_id,
    connect,
    row_id,
    snapshot_rows,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_connecting_page_gets_the_indicator_and_every_row_from_the_mirror():
    await a_cluster_status("live")
    keys = [await a_put_rollout("my-demo", "rollouts-demo"),
            await a_put_rollout("payments", "checkout"),
            await a_put_rollout("my-demo", "api")]
    page = await connect("/ws/overview")
    try:
        frame = await page.receive_from(timeout=5)
        assert by_id(frame)["live-status"].oob == "true"
        assert "live" in by_id(frame)["live-status"].content.lower()
        assert snapshot_rows(frame) == [row_id(k) for k in sorted(keys)]
        assert await page.receive_nothing(timeout=0.2)
    finally:
        await page.disconnect()


async def test_a_page_of_an_empty_cluster_gets_an_empty_list():
    page = await connect("/ws/overview")
    try:
        frame = await page.receive_from(timeout=5)
        assert "rollout-list" in by_id(frame)
        assert snapshot_rows(frame) == []
    finally:
        await page.disconnect()


async def test_a_reconnecting_page_gets_rows_as_they_are_now_not_as_first_rendered():
    rollout = await a_put_rollout("my-demo", "rollouts-demo", phase="Degraded",
                                  message="RolloutAborted: first")
    first = await connect("/ws/overview")
    frame = await first.receive_from(timeout=5)
    assert "RolloutAborted: first" in by_id(frame)["rollout-list"].content
    await first.disconnect()

    await a_put_rollout("my-demo", "rollouts-demo", phase="Degraded",
                        message="RolloutAborted: second")
    again = await connect("/ws/overview")
    try:
        frame = await again.receive_from(timeout=5)
        assert snapshot_rows(frame) == [row_id(rollout)]
        assert "RolloutAborted: second" in by_id(frame)["rollout-list"].content
        assert "RolloutAborted: first" not in frame
    finally:
        await again.disconnect()
