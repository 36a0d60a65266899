from __future__ import annotations

import pytest

from tests.mirror.helpers import mirror_converges, start_mirror
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


@pytest.mark.parametrize("abrupt", [True, False], ids=["abrupt", "clean"])
async def test_it_converges_after_the_server_drops_every_watch(simcluster, abrupt):
    tree = seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    running = await start_mirror(simcluster)
    try:
        await mirror_converges(simcluster)
        for round_ in range(2):
            simcluster.drop_watches(abrupt=abrupt)
            change_everything(simcluster.store, tree, round_)
            await mirror_converges(simcluster)
    finally:
        await running.close()
