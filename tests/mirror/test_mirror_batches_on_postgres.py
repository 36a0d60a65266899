"""On PostgreSQL, a burst of changes is written in as many database transactions as the mirror
counts batches: PostgreSQL itself is asked (a transaction id is taken by each transaction that
writes, and by nothing that only reads), so a hidden autocommit per row would show."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.mirror.helpers import eventually, mirror_converges, start_mirror
from tests.mirror.objects import seed_rollout_tree

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="counts PostgreSQL transactions: run with DATABASE_URL"),
]


def _next_transaction_id() -> int:
    # Takes an id itself (one write transaction of the test's own, subtracted below).
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text::bigint")
        return cursor.fetchone()[0]


async def test_a_burst_is_written_in_one_postgres_transaction_per_batch(simcluster):
    tree = seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo", replicas=8)
    running = await start_mirror(simcluster, batch_seconds=0.2)
    try:
        await mirror_converges(simcluster)
        stats = running.mirror.stats
        await eventually(lambda: stats.ops_committed == stats.ops)
        batches_before, first = stats.transactions, await eventually(_next_transaction_id)
        for round_ in range(40):
            for p in tree["pods"]:
                simcluster.store.mutate(
                    "pods", "my-demo", p["metadata"]["name"],
                    lambda obj, r=round_: obj["status"]["containerStatuses"][0].update(
                        {"restartCount": r + 1}),
                )
        await mirror_converges(simcluster)
        await eventually(lambda: stats.ops_committed == stats.ops)
        last = await eventually(_next_transaction_id)
        batches = stats.transactions - batches_before
        assert 1 <= batches <= 20, batches  # 320 changes in a handful of batches …
        assert last - first - 1 == batches  # … each exactly one PostgreSQL transaction
    finally:
        await running.close()
