"""A cluster may hold objects whose resource quantities do not parse (written before validation,
or by something that bypassed it): the mirror keeps them and the rollout's info reads them."""

from __future__ import annotations

import pytest

from tests.mirror.helpers import eventually, mirror_converges, rollout_row, start_mirror
from tests.mirror.objects import pod, seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)

BAD = {"requests": {"memory": "invalid", "cpu": True}, "limits": {"memory": ["1Gi"]}}


def _with_bad_resources(obj: dict) -> dict:
    spec = obj["spec"]["template"]["spec"] if "template" in obj["spec"] else obj["spec"]
    spec["containers"][0]["resources"] = BAD
    return obj


async def test_objects_with_unparsable_quantities_are_mirrored_and_shown(simcluster):
    # The store's own API bypasses the HTTP path's checks, as a cluster's old objects would.
    tree = seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo", replicas=1)
    simcluster.store.create("pods", _with_bad_resources(pod(tree["replicaset"], "bad01")))
    simcluster.store.mutate("rollouts", "my-demo", "rollouts-demo", _with_bad_resources)
    running = await start_mirror(simcluster)
    try:
        await mirror_converges(simcluster)

        def the_bad_pod_is_in_the_rollouts_info():
            row = rollout_row("my-demo", "rollouts-demo")
            [rs] = row.info["replicasets"]
            assert sorted(p["name"] for p in rs["pods"]) == [
                "rollouts-demo-76c569d8b-bad01", "rollouts-demo-76c569d8b-p0000"]
            template = row.raw["spec"]["template"]["spec"]["containers"][0]
            assert template["resources"] == BAD

        await eventually(the_bad_pod_is_in_the_rollouts_info)
    finally:
        await running.close()
