"""Leader fencing: once `may_write` says no (rollouts.leader: the lease could not be renewed in
time), the mirror neither writes nor publishes; what it had is left to the next leader, which
lists everything again."""

from __future__ import annotations

import pytest

from tests.mirror.helpers import eventually, mirror_converges, rollout_row, start_mirror
from tests.mirror.objects import seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)


def _say(message: str):
    return lambda obj: obj.setdefault("status", {}).update(message=message)


async def test_a_fenced_mirror_writes_and_publishes_nothing(simcluster):
    seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    running = await start_mirror(simcluster, batch_seconds=0.05)
    try:
        await mirror_converges(simcluster)
        stats, published = running.mirror.stats, running.publisher.batches
        asked: list[bool] = []
        running.mirror.may_write = lambda: asked.append(False) or False
        before = (stats.transactions, len(published))
        simcluster.store.mutate("rollouts", "my-demo", "rollouts-demo", _say("fenced"))
        await eventually(lambda: bool(asked))  # the batch is there, and refused
        assert (stats.transactions, len(published)) == before
        assert "fenced" not in await eventually(
            lambda: rollout_row("my-demo", "rollouts-demo").raw["status"].get("message", ""))
    finally:
        await running.close()
