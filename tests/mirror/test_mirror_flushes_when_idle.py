from __future__ import annotations

import pytest

from rollouts.keys import RolloutKey
from tests.mirror.helpers import CLUSTER, eventually, mirror_converges, rollout_row, start_mirror
from tests.mirror.objects import seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)

# Far longer than any wait below: a change that had to wait out the window could not pass.
LONG_WINDOW = 60.0


async def test_a_lone_change_is_committed_and_published_without_waiting_for_company(simcluster):
    seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo", replicas=2)
    running = await start_mirror(simcluster, batch_seconds=LONG_WINDOW)
    try:
        await mirror_converges(simcluster)

        def mark(rollout: dict) -> None:
            rollout["status"]["message"] = "a lone change"

        simcluster.store.mutate("rollouts", "my-demo", "rollouts-demo", mark)

        def committed() -> bool:
            return rollout_row("my-demo", "rollouts-demo").message == "a lone change"

        await eventually(committed, timeout=LONG_WINDOW / 4)
        key = RolloutKey(CLUSTER, "my-demo", "rollouts-demo")
        assert running.publisher.batches[-1] == ([key], [])
    finally:
        await running.close()
