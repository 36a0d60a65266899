"""410 Expired: resuming from a compacted resourceVersion, and falling behind while open."""

from __future__ import annotations

import pytest
from kubernetes import watch
from kubernetes.client import ApiException

from tests.simcluster import manifests
from tests.simcluster.conftest import NAMESPACE

GROUP, VERSION = "argoproj.io", "v1alpha1"


def _churn(sim, count: int) -> None:
    for n in range(count):
        sim.store.create("configmaps", {"metadata": {"name": f"churn-{n}",
                                                     "namespace": NAMESPACE}})


def test_a_compacted_resource_version_raises_410_at_once_when_a_timeout_is_given(sim, core):
    old_rv = str(sim.store.resource_version)
    _churn(sim, 2)
    sim.compact()
    sim.clear_requests()
    with pytest.raises(ApiException) as caught:
        list(watch.Watch().stream(core.list_namespaced_pod, NAMESPACE, resource_version=old_rv,
                                  timeout_seconds=5))
    assert caught.value.status == 410
    assert caught.value.reason == (f"Expired: too old resource version: {old_rv} "
                                   f"({sim.store.resource_version})")
    assert len(sim.watch_requests()) == 1


def test_without_a_timeout_the_client_retries_once_with_the_same_version_then_raises(sim, core):
    old_rv = str(sim.store.resource_version)
    _churn(sim, 2)
    sim.compact()
    sim.clear_requests()
    with pytest.raises(ApiException) as caught:
        list(watch.Watch().stream(core.list_namespaced_pod, NAMESPACE, resource_version=old_rv))
    assert caught.value.status == 410
    assert [r["query"]["resourceVersion"] for r in sim.watch_requests()] == [old_rv, old_rv]


def test_after_a_410_a_fresh_list_gives_a_resource_version_that_watches_again(sim, core):
    old_rv = str(sim.store.resource_version)
    _churn(sim, 2)
    sim.compact()
    with pytest.raises(ApiException):
        list(watch.Watch().stream(core.list_namespaced_pod, NAMESPACE, resource_version=old_rv,
                                  timeout_seconds=5))
    listed = core.list_namespaced_pod(NAMESPACE)
    sim.store.create("pods", manifests.pod(NAMESPACE, "fresh"))
    w = watch.Watch()
    for event in w.stream(core.list_namespaced_pod, NAMESPACE, timeout_seconds=5,
                          resource_version=listed.metadata.resource_version):
        assert event["type"] == "ADDED"
        assert event["object"].metadata.name.endswith("-fresh")
        w.stop()


def test_the_history_window_is_global_across_kinds(make_simcluster, custom_for):
    sim = make_simcluster(history_limit=5)
    sim.store.create("namespaces", {"metadata": {"name": NAMESPACE}})
    quiet_rv = str(sim.store.resource_version)
    _churn(sim, 6)  # another kind pushes the rollout watcher's RV out of the window
    with pytest.raises(ApiException) as caught:
        list(watch.Watch().stream(custom_for(sim).list_namespaced_custom_object, GROUP, VERSION,
                                  NAMESPACE, "rollouts", resource_version=quiet_rv,
                                  timeout_seconds=5))
    assert caught.value.status == 410


def test_a_watcher_that_falls_behind_while_open_gets_410_and_the_end(make_simcluster,
                                                                     custom_for):
    sim = make_simcluster(history_limit=5)
    sim.store.create("namespaces", {"metadata": {"name": NAMESPACE}})
    sim.store.create("rollouts", manifests.rollout(NAMESPACE))
    rv = str(sim.store.resource_version)

    def burst(rollout: dict) -> None:
        # Writes nested inside one locked write all commit before any watcher can read.
        rollout["status"]["phase"] = "Progressing"
        _churn(sim, 8)

    w = watch.Watch()
    seen = []
    with pytest.raises(ApiException) as caught:
        for event in w.stream(custom_for(sim).list_namespaced_custom_object, GROUP, VERSION,
                              NAMESPACE, "rollouts", resource_version=rv,
                              allow_watch_bookmarks=True, timeout_seconds=5):
            seen.append(event["type"])
            if len(seen) == 1:
                sim.store.mutate("rollouts", NAMESPACE, "rollouts-demo", burst)
    assert caught.value.status == 410
    assert seen == ["BOOKMARK"]
