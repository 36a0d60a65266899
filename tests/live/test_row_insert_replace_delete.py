from __future__ import annotations

import pytest

from tests.live.support import (
    a_delete_rollout,
    a_put_rollout,
    connect,
    deleted_ids,
    inserted_rows,
    key,
    replaced_rows,
    row_id,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_new_rollout_is_appended_to_the_list_of_a_page_that_lacks_it(publisher):
    page = await connect("/ws/overview")
    try:
        await page.receive_from(timeout=5)
        rollout = await a_put_rollout("my-demo", "rollouts-demo")
        await publisher.publish([rollout], [])
        frame = await page.receive_from(timeout=5)
        assert inserted_rows(frame) == [row_id(rollout)]
        assert replaced_rows(frame) == {}
    finally:
        await page.disconnect()


async def test_a_changed_rollout_replaces_the_row_the_page_has(publisher):
    rollout = await a_put_rollout("my-demo", "rollouts-demo")
    page = await connect("/ws/overview")
    try:
        await page.receive_from(timeout=5)
        await a_put_rollout("my-demo", "rollouts-demo", phase="Degraded",
                            message="RolloutAborted: replaced")
        await publisher.publish([rollout], [])
        frame = await page.receive_from(timeout=5)
        assert list(replaced_rows(frame)) == [row_id(rollout)]
        assert inserted_rows(frame) == []
    finally:
        await page.disconnect()


async def test_a_row_inserted_live_is_replaced_on_its_next_change(publisher):
    page = await connect("/ws/overview")
    try:
        await page.receive_from(timeout=5)
        rollout = await a_put_rollout("my-demo", "rollouts-demo")
        await publisher.publish([rollout], [])
        assert inserted_rows(await page.receive_from(timeout=5)) == [row_id(rollout)]
        await a_put_rollout("my-demo", "rollouts-demo", phase="Degraded",
                            message="RolloutAborted: second")
        await publisher.publish([rollout], [])
        assert list(replaced_rows(await page.receive_from(timeout=5))) == [row_id(rollout)]
    finally:
        await page.disconnect()


async def test_a_removed_rollout_is_deleted_from_the_page(publisher):
    rollout = await a_put_rollout("my-demo", "rollouts-demo")
    kept = await a_put_rollout("my-demo", "kept")
    page = await connect("/ws/overview")
    try:
        await page.receive_from(timeout=5)
        await a_delete_rollout("my-demo", "rollouts-demo")
        await publisher.publish([], [rollout])
        frame = await page.receive_from(timeout=5)
        assert deleted_ids(frame) == [row_id(rollout)]
        assert row_id(kept) not in frame
    finally:
        await page.disconnect()


async def test_a_rollout_gone_before_its_render_is_deleted_too(publisher):
    rollout = await a_put_rollout("my-demo", "rollouts-demo")
    page = await connect("/ws/overview")
    try:
        await page.receive_from(timeout=5)
        await a_delete_rollout("my-demo", "rollouts-demo")
        await publisher.publish([rollout], [])  # announced as changed, but already gone
        assert deleted_ids(await page.receive_from(timeout=5)) == [row_id(rollout)]
    finally:
        await page.disconnect()


async def test_removing_a_rollout_the_page_never_showed_sends_it_nothing(publisher):
    page = await connect("/ws/overview")
    try:
        await page.receive_from(timeout=5)
        await publisher.publish([], [key("my-demo", "never-seen")])
        assert await page.receive_nothing(timeout=0.3)
    finally:
        await page.disconnect()
