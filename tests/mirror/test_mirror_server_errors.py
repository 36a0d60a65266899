from __future__ import annotations

import pytest

from tests.mirror.helpers import eventually, mirror_converges, start_mirror
from tests.mirror.objects import seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)


async def test_it_rides_out_a_burst_of_500s_on_lists(simcluster):
    seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    simcluster.fail_next(500, method="GET", path="pods|replicasets", count=6)
    running = await start_mirror(simcluster)
    try:
        await mirror_converges(simcluster)

        def it_went_through_bad_health_back_to_live():
            states = [s.state for s in running.publisher.statuses]
            assert {"reconnecting", "unreachable"} & set(states), states
            assert states[-1] == "live", states

        await eventually(it_went_through_bad_health_back_to_live)
    finally:
        await running.close()


async def test_it_rides_out_a_burst_of_500s_on_watches(simcluster):
    tree = seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    running = await start_mirror(simcluster)
    try:
        await mirror_converges(simcluster)
        simcluster.fail_next(500, method="GET", path="rollouts|pods", count=8)
        simcluster.drop_watches(abrupt=False)  # the reconnecting watches meet the 500s
        simcluster.store.mutate("rollouts", "my-demo", "rollouts-demo",
                                lambda ro: ro["status"].update({"availableReplicas": 2}))
        simcluster.store.delete("pods", "my-demo", tree["pods"][1]["metadata"]["name"])
        await mirror_converges(simcluster)

        def it_reported_trouble_then_recovered():
            states = [s.state for s in running.publisher.statuses]
            assert "reconnecting" in states or "unreachable" in states, states
            assert states[-1] == "live", states

        await eventually(it_reported_trouble_then_recovered)
    finally:
        await running.close()
