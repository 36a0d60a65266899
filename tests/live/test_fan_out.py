from __future__ import annotations

import asyncio

import pytest

from tests.live.support import a_put_rollout, connect, replaced_rows, row_id

pytestmark = pytest.mark.django_db(transaction=True)


async def test_one_change_is_rendered_once_and_reaches_every_page(publisher):
    rollout = await a_put_rollout("my-demo", "rollouts-demo")
    pages = [await connect("/ws/overview") for _ in range(3)]
    pages.append(await connect("/ws/overview?namespace=my-demo"))
    try:
        for page in pages:
            await page.receive_from(timeout=5)  # the snapshot

        await a_put_rollout("my-demo", "rollouts-demo", phase="Degraded",
                            message="RolloutAborted: fan-out")
        await publisher.publish([rollout], [])

        frames = await asyncio.gather(*(page.receive_from(timeout=5) for page in pages))
        for frame in frames:
            row = replaced_rows(frame)[row_id(rollout)]
            assert "RolloutAborted: fan-out" in row.content
        assert len(set(frames)) == 1  # the very same HTML on every page
        assert publisher.stats.rows_rendered == 1
        for page in pages:
            assert await page.receive_nothing(timeout=0.1)
    finally:
        for page in pages:
            await page.disconnect()
