from __future__ import annotations

import pytest

from rollouts.keys import RolloutKey
from rollouts.models import Pod, ReplicaSet, Rollout
from tests.mirror.helpers import CLUSTER, eventually, mirror_converges, start_mirror, timeline
from tests.mirror.objects import seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)

DEMO = RolloutKey(CLUSTER, "my-demo", "rollouts-demo")
CHECKOUT = RolloutKey(CLUSTER, "shop", "checkout")


async def test_new_and_deleted_rollouts_appear_and_disappear(simcluster):
    seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    running = await start_mirror(simcluster)
    try:
        await mirror_converges(simcluster)
        # Published just after the commit the comparison saw, so not necessarily yet.
        await eventually(lambda: DEMO in running.publisher.changed)

        seed_rollout_tree(simcluster.store, "shop", "checkout", replicas=2)

        def checkout_row_appears():
            assert Rollout.objects.filter(namespace="shop", name="checkout").exists()
            assert Pod.objects.filter(namespace="shop").count() == 2

        await eventually(checkout_row_appears)
        await eventually(lambda: CHECKOUT in running.publisher.changed)

        # Deleting the rollout garbage-collects its ReplicaSet and pods in the cluster too.
        simcluster.store.delete("rollouts", "my-demo", "rollouts-demo")

        def demo_rows_disappear():
            assert not Rollout.objects.filter(namespace="my-demo").exists()
            assert not ReplicaSet.objects.filter(namespace="my-demo").exists()
            assert not Pod.objects.filter(namespace="my-demo").exists()

        await eventually(demo_rows_disappear)
        await eventually(lambda: DEMO in running.publisher.removed)
        await mirror_converges(simcluster)

        def timeline_runs_from_created_to_deleted():
            kinds = [e.kind for e in timeline("my-demo", "rollouts-demo")]
            assert kinds[:1] == ["created"] and kinds[-1:] == ["deleted"], kinds

        await eventually(timeline_runs_from_created_to_deleted)
    finally:
        await running.close()
