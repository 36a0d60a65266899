from __future__ import annotations

import asyncio

import pytest

from rollouts.models import Pod, VirtualService
from tests.mirror.helpers import cluster_status, eventually, start_mirror
from tests.mirror.objects import seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_cluster_without_istio_is_reported_and_the_rest_keeps_syncing(simcluster):
    seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    # As if Istio's CRDs were not installed: every VirtualService request answers 404.
    simcluster.fail_next(404, path="virtualservices", count=100_000)
    running = await start_mirror(simcluster)
    try:
        def istio_is_reported_missing():
            status = cluster_status()
            assert status is not None
            assert status.kinds["virtualservices"]["state"] == "missing"
            assert status.kinds["pods"]["state"] == "synced"
            assert status.state == "live"
            assert "virtualservices" in status.message

        await eventually(istio_is_reported_missing)
        await eventually(lambda: Pod.objects.filter(namespace="my-demo").count() == 4)
        assert not await asyncio.to_thread(VirtualService.objects.exists)

        simcluster.store.delete("pods", "my-demo", "rollouts-demo-76c569d8b-p0000")
        await eventually(lambda: Pod.objects.filter(namespace="my-demo").count() == 3)

        # Istio gets installed: the watcher looks again and picks it up.
        simcluster.server.faults.clear()

        def istio_is_mirrored():
            assert VirtualService.objects.filter(name="rollouts-demo-vsvc").exists()
            assert cluster_status().kinds["virtualservices"]["state"] == "synced"

        await eventually(istio_is_mirrored)
    finally:
        await running.close()
