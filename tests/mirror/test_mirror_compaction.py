from __future__ import annotations

import logging

import pytest

from tests.mirror.helpers import mirror_converges, start_mirror
from tests.mirror.objects import seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)


async def test_it_lists_again_when_its_resource_version_was_compacted(simcluster, caplog):
    tree = seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    seed_rollout_tree(simcluster.store, "my-demo", "checkout", replicas=2)
    running = await start_mirror(simcluster)
    try:
        await mirror_converges(simcluster)
        caplog.set_level(logging.INFO, logger="rollouts.watcher")
        # While the watches are down: deletions and changes, then history is compacted,
        # so resuming from the last resourceVersion answers 410 and only a re-list can tell.
        simcluster.set_bookmark_interval(60)
        simcluster.drop_watches(abrupt=False)
        simcluster.store.delete("rollouts", "my-demo", "checkout")
        simcluster.store.delete("pods", "my-demo", tree["pods"][0]["metadata"]["name"])
        simcluster.store.mutate("replicasets", "my-demo", tree["replicaset"]["metadata"]["name"],
                                lambda rs: rs["status"].update({"readyReplicas": 3}))
        simcluster.compact()
        await mirror_converges(simcluster)
        assert any("too old resource version" in r.getMessage() for r in caplog.records)
    finally:
        await running.close()
