from __future__ import annotations

import threading

import pytest

from rollouts.models import ClusterStatus, Pod, Rollout
from rollouts.runtime import start_embedded_watcher, stop_embedded_watcher
from tests.mirror.helpers import eventually
from tests.mirror.objects import seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def embedded(settings, simcluster):
    settings.ROLLOUTS_WATCHER = "embedded"
    settings.KUBECONFIG = str(simcluster.kubeconfig)
    settings.ROLLOUTS_CLUSTER_NAME = "embedded"
    settings.ROLLOUTS_BATCH_SECONDS = 0.05
    yield simcluster
    stop_embedded_watcher()


async def test_the_embedded_watcher_mirrors_from_its_own_thread_once_per_process(embedded):
    seed_rollout_tree(embedded.store, "my-demo", "rollouts-demo")
    watcher = start_embedded_watcher()
    assert watcher is not None and watcher.thread.daemon
    assert start_embedded_watcher() is watcher  # idempotent
    assert watcher.loop is not None and watcher.thread is not threading.current_thread()

    def the_cluster_is_mirrored():
        assert Rollout.objects.filter(cluster="embedded", name="rollouts-demo").exists()
        assert Pod.objects.filter(cluster="embedded").count() == 4
        assert ClusterStatus.objects.get(cluster="embedded").state == "live"

    await eventually(the_cluster_is_mirrored)
    stop_embedded_watcher()
    assert not watcher.thread.is_alive()


def test_nothing_starts_unless_the_watcher_is_embedded(settings):
    settings.ROLLOUTS_WATCHER = "off"
    assert start_embedded_watcher() is None
