from __future__ import annotations

import pytest

from rollouts.mirror_db import MODELS
from rollouts.models import Pod, Service
from tests.mirror.helpers import eventually, mirror_converges, rollout_row, start_mirror
from tests.mirror.objects import pod, seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)


def change_everything(store, tree, round_: int) -> None:
    """A status write, a deletion and a creation, as a controller would make them."""
    store.mutate("rollouts", "my-demo", "rollouts-demo",
                 lambda ro: ro["status"].update({"readyReplicas": 3 - round_ % 2}))
    store.delete("pods", "my-demo", tree["pods"][round_]["metadata"]["name"])
    store.create("pods", pod(tree["replicaset"], f"new{round_}"))
    store.mutate("services", "my-demo", "rollouts-demo-canary",
                 lambda svc: svc["metadata"].update({"labels": {"round": str(round_)}}))


def assert_the_changes_are_mirrored(tree, round_: int) -> None:
    assert rollout_row("my-demo", "rollouts-demo").raw["status"]["readyReplicas"] == 3 - round_ % 2
    pods = set(Pod.objects.filter(namespace="my-demo").values_list("name", flat=True))
    assert tree["pods"][round_]["metadata"]["name"] not in pods
    assert f"{tree['replicaset']['metadata']['name']}-new{round_}" in pods
    canary = Service.objects.get(namespace="my-demo", name="rollouts-demo-canary")
    assert canary.raw["metadata"]["labels"] == {"round": str(round_)}


@pytest.mark.parametrize("abrupt", [True, False], ids=["abrupt", "clean"])
async def test_it_converges_after_the_server_drops_every_watch(simcluster, abrupt):
    tree = seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    running = await start_mirror(simcluster)
    try:
        await mirror_converges(simcluster)
        for round_ in range(2):
            # One watch per mirrored kind must be open (again), or there is nothing to drop.
            await eventually(lambda: len(simcluster.server.watches) == len(MODELS))
            assert simcluster.drop_watches(abrupt=abrupt) == len(MODELS)
            change_everything(simcluster.store, tree, round_)
            await mirror_converges(simcluster)
            await eventually(lambda r=round_: assert_the_changes_are_mirrored(tree, r))
    finally:
        await running.close()
