"""A row the mirror hands over with `publish` is rendered as given; without one the publisher
reads the row from the database (another caller, or a change it was not given)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from rollouts.readmodel import RowData
from tests.live.support import (
    a_put_rollout,
    connect,
    guide_info,
    inserted_rows,
    key,
    replaced_rows,
    row_id,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_row_handed_over_by_the_mirror_is_rendered_without_reading_it_back(publisher):
    page = await connect("/ws/overview")
    try:
        await page.receive_from(timeout=5)
        rollout = key("my-demo", "only-in-memory")  # no row in the database at all
        _, info = guide_info("guide-1-healthy.json", "my-demo", "only-in-memory")
        await publisher.publish([rollout], [], {rollout: RowData(rollout, info, timezone.now())})
        frame = await page.receive_from(timeout=5)
        assert inserted_rows(frame) == [row_id(rollout)]
    finally:
        await page.disconnect()


async def test_a_change_published_without_its_row_is_read_from_the_database(publisher):
    rollout = await a_put_rollout("my-demo", "rollouts-demo")
    _, stale = guide_info("guide-1-healthy.json", "my-demo", "rollouts-demo",
                          message="an older rendering")
    page = await connect("/ws/overview")
    try:
        await page.receive_from(timeout=5)
        await a_put_rollout("my-demo", "rollouts-demo", message="the database's words")
        # Both before the render task runs: a row handed over with an earlier change must not
        # stand in for a later change that came without one.
        await publisher.publish([rollout], [], {rollout: RowData(rollout, stale, timezone.now())})
        await publisher.publish([rollout], [])
        frame = await page.receive_from(timeout=5)
        assert "the database's words" in replaced_rows(frame)[row_id(rollout)].content
    finally:
        await page.disconnect()
