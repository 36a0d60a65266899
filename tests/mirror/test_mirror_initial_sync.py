from __future__ import annotations

import pytest

from tests.mirror.helpers import (
    cluster_status,
    eventually,
    mirror_converges,
    rollout_row,
    start_mirror,
)
from tests.mirror.objects import seed_analysis_objects, seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)


async def test_it_mirrors_every_kind_object_by_object(simcluster):
    tree = seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    seed_analysis_objects(simcluster.store, tree["rollout"])
    seed_rollout_tree(simcluster.store, "other", "checkout", replicas=2)
    running = await start_mirror(simcluster)
    try:
        await mirror_converges(simcluster)

        def rollout_info_is_computed():
            row = rollout_row("my-demo", "rollouts-demo")
            assert row.phase == "Healthy"
            assert row.info["name"] == "rollouts-demo"
            assert (row.step_index, row.step_count) == (9, 9)
            assert row.images == "argoproj/rollouts-demo:blue"

        await eventually(rollout_info_is_computed)

        def cluster_is_live():
            status = cluster_status()
            assert status is not None and status.state == "live", status and status.kinds
            assert set(status.kinds) >= {"rollouts", "pods", "virtualservices"}

        await eventually(cluster_is_live)
    finally:
        await running.close()
