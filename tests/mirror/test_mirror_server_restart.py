from __future__ import annotations

import asyncio

import pytest

from tests.mirror.helpers import mirror_converges, start_mirror
from tests.mirror.objects import seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)


async def test_it_converges_on_a_new_server_whose_resource_versions_start_lower(
    make_simcluster,
):
    first = make_simcluster()
    seed_rollout_tree(first.store, "my-demo", "rollouts-demo")
    seed_rollout_tree(first.store, "my-demo", "gone-after-restart", replicas=1)
    for i in range(200):  # push the first server's resourceVersions well past the second's
        first.store.mutate("rollouts", "my-demo", "rollouts-demo",
                           lambda ro, i=i: ro["status"].update({"observedGeneration": str(i)}))
    running = await start_mirror(first)
    try:
        await mirror_converges(first)
        port = int(first.url.rsplit(":", 1)[1])
        await asyncio.to_thread(first.stop)

        second = make_simcluster(port=port)
        seed_rollout_tree(second.store, "my-demo", "rollouts-demo", pod_hash="5cf4fb69f8")
        seed_rollout_tree(second.store, "other", "new-after-restart", replicas=1)
        assert second.store.resource_version < first.store.resource_version
        await mirror_converges(second, timeout=20)
    finally:
        await running.close()
