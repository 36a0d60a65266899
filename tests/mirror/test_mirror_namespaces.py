from __future__ import annotations

import asyncio

import pytest

from rollouts.models import Pod, Rollout
from tests.mirror.helpers import CLUSTER, eventually, start_mirror
from tests.mirror.objects import seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)


def namespaces_of(model) -> set[str]:
    return set(model.objects.filter(cluster=CLUSTER).values_list("namespace", flat=True))


async def test_only_the_configured_namespaces_are_mirrored(simcluster):
    seed_rollout_tree(simcluster.store, "team-a", "web")
    seed_rollout_tree(simcluster.store, "team-b", "api")
    seed_rollout_tree(simcluster.store, "team-c", "batch")
    everything = await start_mirror(simcluster)
    await eventually(lambda: namespaces_of(Pod) == {"team-a", "team-b", "team-c"})
    await everything.close()

    # Now only two namespaces: rows of the third would never be updated, so they go.
    scoped = await start_mirror(simcluster, namespaces=("team-a", "team-b"))
    try:
        await eventually(lambda: namespaces_of(Rollout) == {"team-a", "team-b"})
        await eventually(lambda: namespaces_of(Pod) == {"team-a", "team-b"})
        simcluster.store.delete("rollouts", "team-b", "api")
        seed_rollout_tree(simcluster.store, "team-c", "ignored", replicas=1)
        await eventually(lambda: namespaces_of(Rollout) == {"team-a"})
        await asyncio.sleep(0.3)
        assert await asyncio.to_thread(namespaces_of, Rollout) == {"team-a"}
    finally:
        await scoped.close()
