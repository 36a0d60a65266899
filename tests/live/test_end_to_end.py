"""The whole path without a browser: simcluster over HTTP → watcher → mirror → live publisher
→ channel layer → the overview consumer, as `make run` wires it (on one loop here)."""

from __future__ import annotations

import asyncio

import pytest
from django.conf import settings

from rollouts.live import LivePublisher
from rollouts.mirror import Mirror
from rollouts.models import Rollout
from rollouts.publish import GroupSender
from rollouts.runtime import run_mirror
from tests.live.support import (
    connect,
    deleted_ids,
    frames_until,
    inserted_rows,
    key,
    replaced_rows,
    row_id,
    snapshot_rows,
)
from tests.mirror.helpers import FAST, config_for, eventually
from tests.mirror.objects import seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)


def abort(rollout: dict) -> None:
    rollout["status"].update(abort=True, phase="Degraded",
                             message="RolloutAborted: Rollout aborted update to revision 1")


async def test_cluster_changes_reach_an_open_overview_as_row_swaps(simcluster):
    seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    publisher = LivePublisher(GroupSender(), min_interval=0.05)
    mirror = Mirror(settings.ROLLOUTS_CLUSTER_NAME, publisher, batch_seconds=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(run_mirror(stop, config=config_for(simcluster), options=FAST,
                                          mirror=mirror))
    demo, second = key("my-demo", "rollouts-demo"), key("my-demo", "second")
    page = None
    try:
        await eventually(lambda: Rollout.objects.filter(name="rollouts-demo").exists())
        page = await connect("/ws/overview")
        assert row_id(demo) in snapshot_rows(await page.receive_from(timeout=5))

        simcluster.store.mutate("rollouts", "my-demo", "rollouts-demo", abort)

        def aborted_row(frame: str) -> bool:
            row = replaced_rows(frame).get(row_id(demo))
            return row is not None and "RolloutAborted" in row.content

        frames = await frames_until(page, aborted_row)
        assert "Degraded" in replaced_rows(frames[-1])[row_id(demo)].content
        assert not any(inserted_rows(frame) for frame in frames)  # the page had the row

        seed_rollout_tree(simcluster.store, "my-demo", "second")
        await frames_until(page, lambda f: row_id(second) in inserted_rows(f))

        simcluster.store.delete("rollouts", "my-demo", "second")
        await frames_until(page, lambda f: row_id(second) in deleted_ids(f))
    finally:
        if page is not None:
            await page.disconnect()
        stop.set()
        await asyncio.wait_for(task, 15)
        await publisher.aclose()
