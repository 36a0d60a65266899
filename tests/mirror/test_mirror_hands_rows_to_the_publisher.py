"""The mirror hands the publisher each changed rollout's row as it committed it, so the
publisher renders without reading the row back: what it is given must be what is stored."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from rollouts import readmodel
from rollouts.keys import RolloutKey
from tests.mirror.helpers import CLUSTER, eventually, mirror_converges, start_mirror
from tests.mirror.objects import seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)


async def test_the_row_handed_to_the_publisher_is_the_row_the_database_holds(simcluster):
    seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo", replicas=2)
    running = await start_mirror(simcluster)
    key = RolloutKey(CLUSTER, "my-demo", "rollouts-demo")
    try:
        await mirror_converges(simcluster)

        def mark(rollout: dict) -> None:
            rollout["status"]["message"] = "handed over"

        simcluster.store.mutate("rollouts", "my-demo", "rollouts-demo", mark)

        def handed_over() -> bool:
            row = running.publisher.rows.get(key)
            return row is not None and row.info.get("message") == "handed over"

        await eventually(handed_over)
        stored = await sync_to_async(readmodel.load_row)(key)
        assert running.publisher.rows[key] == stored
    finally:
        await running.close()
