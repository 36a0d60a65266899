from __future__ import annotations

import pytest

from tests.mirror.helpers import mirror_converges, start_mirror
from tests.mirror.objects import seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)


async def test_many_events_are_written_in_few_transactions(simcluster):
    tree = seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo", replicas=8)
    running = await start_mirror(simcluster, batch_seconds=0.2)
    try:
        await mirror_converges(simcluster)
        before = running.mirror.stats.transactions, running.mirror.stats.ops
        for round_ in range(40):
            for p in tree["pods"]:
                simcluster.store.mutate(
                    "pods", "my-demo", p["metadata"]["name"],
                    lambda obj, r=round_: obj["status"]["containerStatuses"][0].update(
                        {"restartCount": r + 1}),
                )
        await mirror_converges(simcluster)
        transactions = running.mirror.stats.transactions - before[0]
        ops = running.mirror.stats.ops - before[1]
        assert ops >= 320  # every one of the 40 × 8 changes reached the mirror …
        assert 1 <= transactions <= 20, transactions  # … in a handful of transactions
    finally:
        await running.close()
