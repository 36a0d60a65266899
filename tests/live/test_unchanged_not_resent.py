from __future__ import annotations

import pytest

from tests.live.support import a_changed_at, a_put_rollout, connect, replaced_rows, row_id

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_row_whose_html_did_not_change_is_not_sent_again(publisher):
    rollout = await a_put_rollout("my-demo", "rollouts-demo")
    page = await connect("/ws/overview")
    try:
        await page.receive_from(timeout=5)
        await publisher.publish([rollout], [])  # first render since start: goes out once
        await page.receive_from(timeout=5)
        await publisher.publish([rollout], [])  # nothing in the row changed
        assert await page.receive_nothing(timeout=0.3)
        assert publisher.stats.rows_unchanged == 1
    finally:
        await page.disconnect()


async def test_nothing_is_rendered_while_nobody_watches(publisher):
    rollout = await a_put_rollout("my-demo", "rollouts-demo")
    await publisher.publish([rollout], [])
    await publisher.settled()
    assert publisher.stats.passes == 1
    assert publisher.stats.rows_rendered == 0
    assert publisher.stats.details_rendered == 0


@pytest.mark.usefixtures("in_memory_layer")
async def test_a_page_arriving_after_unwatched_changes_still_gets_the_next_one(publisher):
    rollout = await a_put_rollout("my-demo", "rollouts-demo", phase="Degraded",
                                  message="RolloutAborted: A")
    first_seen = await a_changed_at(rollout)
    watcher = await connect("/ws/overview")
    await watcher.receive_from(timeout=5)
    await publisher.publish([rollout], [])  # sent: A
    await watcher.receive_from(timeout=5)
    await watcher.disconnect()
    assert publisher.stats.rows_sent == 1

    # Unwatched: B is never rendered. The new page starts from B, then the rollout goes
    # back to A, which is what was last *sent*; it must still reach the new page.
    await a_put_rollout("my-demo", "rollouts-demo", phase="Degraded",
                        message="RolloutAborted: B")
    await publisher.publish([rollout], [])
    await publisher.settled()
    page = await connect("/ws/overview")
    try:
        assert "RolloutAborted: B" in await page.receive_from(timeout=5)
        # The very row that was last sent, to the byte (same info, same changed_at).
        await a_put_rollout("my-demo", "rollouts-demo", changed_at=first_seen, phase="Degraded",
                            message="RolloutAborted: A")
        await publisher.publish([rollout], [])
        frame = await page.receive_from(timeout=5)
        assert "RolloutAborted: A" in replaced_rows(frame)[row_id(rollout)].content
        assert publisher.stats.skipped_no_audience == 1
    finally:
        await page.disconnect()
