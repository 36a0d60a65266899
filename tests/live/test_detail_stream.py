from __future__ import annotations

import pytest

from rollouts.dom import dom_id
from rollouts.fragments import DETAIL_PARTS
from tests.live.support import (
    a_add_event,
    a_delete_rollout,
    a_put_rollout,
    by_id,
    connect,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_detail_page_gets_the_indicator_and_every_part_of_its_rollout():
    rollout = await a_put_rollout("my-demo", "rollouts-demo")
    page = await connect("/ws/rollouts/my-demo/rollouts-demo")
    try:
        parts = by_id(await page.receive_from(timeout=5))
        assert set(parts) == {"live-status"} | {dom_id(p, rollout) for p in DETAIL_PARTS}
        assert all(element.oob == "true" for element in parts.values())
    finally:
        await page.disconnect()


async def test_only_the_parts_that_changed_are_sent(publisher):
    rollout = await a_put_rollout("my-demo", "rollouts-demo")
    page = await connect("/ws/rollouts/my-demo/rollouts-demo")
    try:
        await page.receive_from(timeout=5)
        await publisher.publish([rollout], [])  # first render: everything goes out once
        await page.receive_from(timeout=5)

        await a_add_event(rollout, "Rollout paused by the live test")
        await publisher.publish([rollout], [])
        frame = await page.receive_from(timeout=5)
        assert set(by_id(frame)) == {dom_id("timeline", rollout)}
        assert "Rollout paused by the live test" in by_id(frame)[
            dom_id("timeline", rollout)].content
    finally:
        await page.disconnect()


async def test_a_detail_page_follows_only_its_own_rollout(publisher):
    await a_put_rollout("my-demo", "rollouts-demo")
    other = await a_put_rollout("my-demo", "other")
    page = await connect("/ws/rollouts/my-demo/rollouts-demo")
    try:
        await page.receive_from(timeout=5)
        await a_put_rollout("my-demo", "other", phase="Degraded", message="RolloutAborted: x")
        await publisher.publish([other], [])
        assert await page.receive_nothing(timeout=0.3)
    finally:
        await page.disconnect()


async def test_a_detail_page_says_so_when_its_rollout_is_deleted(publisher):
    rollout = await a_put_rollout("my-demo", "rollouts-demo")
    page = await connect("/ws/rollouts/my-demo/rollouts-demo")
    try:
        summary = by_id(await page.receive_from(timeout=5))[dom_id("summary", rollout)]
        await a_delete_rollout("my-demo", "rollouts-demo")  # as the mirror does: row gone,
        await a_add_event(rollout, "Rollout deleted", "deleted")  # a "deleted" event written
        await publisher.publish([], [rollout])
        gone = by_id(await page.receive_from(timeout=5))[dom_id("summary", rollout)]
        assert gone.oob == "true"
        assert "deleted" in gone.content.lower()
        assert gone.content != summary.content
    finally:
        await page.disconnect()


async def test_a_detail_page_of_an_unknown_rollout_says_it_is_not_there():
    page = await connect("/ws/rollouts/my-demo/nothing-here")
    try:
        parts = by_id(await page.receive_from(timeout=5))
        assert "live-status" in parts
        assert any("deleted" in p.content.lower() or "not" in p.content.lower()
                   for p in parts.values() if p.id != "live-status")
    finally:
        await page.disconnect()
