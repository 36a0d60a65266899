from __future__ import annotations

import pytest

from tests.live.support import a_cluster_status, by_id, connect

pytestmark = pytest.mark.django_db(transaction=True)


async def test_every_page_hears_when_the_cluster_becomes_unreachable(publisher):
    await a_cluster_status("live")
    overview = await connect("/ws/overview")
    detail = await connect("/ws/rollouts/my-demo/rollouts-demo")
    try:
        for page in (overview, detail):
            assert "live-status" in by_id(await page.receive_from(timeout=5))

        status = await a_cluster_status("unreachable", "rollouts: connection refused")
        await publisher.cluster_status(status)
        for page in (overview, detail):
            frame = await page.receive_from(timeout=5)
            indicator = by_id(frame)["live-status"]
            assert indicator.oob == "true"
            assert "unreachable" in indicator.content.lower()
            assert "data-state=\"unreachable\"" in frame
    finally:
        await overview.disconnect()
        await detail.disconnect()


async def test_an_unchanged_status_is_not_sent_again(publisher):
    page = await connect("/ws/overview")
    try:
        await page.receive_from(timeout=5)
        status = await a_cluster_status("reconnecting", "rollouts: watch dropped")
        await publisher.cluster_status(status)
        assert "reconnecting" in (await page.receive_from(timeout=5)).lower()
        await publisher.cluster_status(status)
        assert await page.receive_nothing(timeout=0.3)
    finally:
        await page.disconnect()


async def test_a_page_connecting_before_any_watcher_reported_says_so():
    page = await connect("/ws/overview")
    try:
        indicator = by_id(await page.receive_from(timeout=5))["live-status"]
        assert indicator.oob == "true"
    finally:
        await page.disconnect()
