"""The Store contract the controllers build on: RVs, events, mutate, history, subscribers."""

from __future__ import annotations

import threading

import pytest

from simcluster.store import ApiError, Store
from tests.simcluster import manifests

NS = "my-demo"


@pytest.fixture
def store() -> Store:
    store = Store(history_limit=50)
    store.create("namespaces", manifests.namespace(NS))
    return store


def test_seeded_objects_keep_their_uid_age_and_status(store):
    created = store.create("rollouts", manifests.rollout(NS))
    assert created["metadata"]["uid"] == manifests.ROLLOUT_UID
    assert created["metadata"]["creationTimestamp"] == "2025-07-16T13:14:27Z"
    assert created["status"]["phase"] == "Healthy"
    assert created["metadata"]["resourceVersion"] == str(store.resource_version)


def test_every_write_bumps_the_one_global_resource_version(store):
    start = store.resource_version
    store.create("rollouts", manifests.rollout(NS))
    store.create("virtualservices", manifests.virtualservice(NS))
    store.patch("rollouts", NS, "rollouts-demo", {"status": {"abort": True}},
                "application/merge-patch+json", subresource="status")
    assert store.resource_version == start + 3
    assert [e.rv for e in store.events_since(start)] == [start + 1, start + 2, start + 3]


def test_mutate_writes_status_bumps_generation_only_for_spec_and_skips_no_ops(store):
    store.create("rollouts", manifests.rollout(NS))
    status_only = store.mutate("rollouts", NS, "rollouts-demo",
                               lambda r: r["status"].update(phase="Paused"))
    assert status_only["status"]["phase"] == "Paused"
    assert status_only["metadata"]["generation"] == 1
    spec = store.mutate("rollouts", NS, "rollouts-demo", lambda r: r["spec"].update(paused=True))
    assert spec["metadata"]["generation"] == 2
    rv = store.resource_version
    assert store.mutate("rollouts", NS, "rollouts-demo", lambda r: None) is None
    assert store.mutate("rollouts", NS, "ghost", lambda r: None) is None
    assert store.resource_version == rv


def test_mutate_cannot_change_identity(store):
    store.create("rollouts", manifests.rollout(NS))
    changed = store.mutate("rollouts", NS, "rollouts-demo", lambda r: (
        r["metadata"].update(name="other", uid="x", generation=40),
        r["metadata"].setdefault("labels", {}).update(team="a")))
    assert changed["metadata"]["name"] == "rollouts-demo"
    assert changed["metadata"]["uid"] == manifests.ROLLOUT_UID
    assert changed["metadata"]["generation"] == 1
    assert changed["metadata"]["labels"] == {"team": "a"}


def test_events_carry_the_object_before_and_after(store):
    store.create("rollouts", manifests.rollout(NS))
    rv = store.resource_version
    store.mutate("rollouts", NS, "rollouts-demo", lambda r: r["status"].update(phase="Paused"))
    store.delete("rollouts", NS, "rollouts-demo")
    modified, deleted = store.events_since(rv)
    assert (modified.type, modified.old["status"]["phase"], modified.obj["status"]["phase"]) == (
        "MODIFIED", "Healthy", "Paused")
    assert deleted.type == "DELETED"
    assert deleted.obj["metadata"]["resourceVersion"] == str(deleted.rv)
    assert deleted.obj["status"]["phase"] == "Paused"


def test_returned_objects_and_event_objects_are_copies(store):
    created = store.create("rollouts", manifests.rollout(NS))
    created["spec"]["replicas"] = 99
    [event] = store.events_since(store.resource_version - 1)
    event.obj["spec"]["replicas"] = 98
    assert store.get("rollouts", NS, "rollouts-demo")["spec"]["replicas"] == 4


def test_history_is_bounded_and_compact_forgets_it(store):
    for n in range(60):
        store.create("configmaps", {"metadata": {"name": f"c{n}", "namespace": NS}})
    assert store.oldest_rv() == store.resource_version - 50
    assert store.events_since(store.oldest_rv() - 1) is None
    assert len(store.events_since(store.oldest_rv())) == 50
    store.compact()
    assert store.oldest_rv() == store.resource_version
    assert store.events_since(store.resource_version - 1) is None
    assert store.events_since(store.resource_version) == []


def test_subscribers_see_every_event_in_order_whatever_thread_writes(store):
    seen: list[int] = []
    unsubscribe = store.subscribe(lambda event: seen.append(event.rv))
    start = store.resource_version

    def writer(prefix: str) -> None:
        for n in range(100):
            store.create("configmaps", {"metadata": {"name": f"{prefix}{n}", "namespace": NS}})

    threads = [threading.Thread(target=writer, args=(p,)) for p in "abcd"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == list(range(start + 1, start + 401))
    unsubscribe()
    writer("z")
    assert len(seen) == 400


def test_a_failing_subscriber_does_not_break_the_writer(store):
    store.subscribe(lambda event: 1 / 0)
    created = store.create("configmaps", {"metadata": {"name": "c", "namespace": NS}})
    assert store.get("configmaps", NS, "c") == created


@pytest.mark.parametrize("bad", [None, [], "x", {"metadata": []}, {"metadata": {"name": 3}}])
def test_malformed_objects_are_rejected_with_a_clear_error_and_nothing_stored(store, bad):
    rv = store.resource_version
    with pytest.raises(ApiError) as caught:
        store.create("configmaps", bad, namespace=NS)
    assert caught.value.code == 422
    assert caught.value.status_body()["kind"] == "Status"
    assert store.resource_version == rv


def test_an_unknown_resource_is_a_clear_key_error(store):
    with pytest.raises(KeyError, match="unknown resource 'widgets'"):
        store.list("widgets")


def test_a_cluster_scoped_kind_ignores_namespaces(store):
    store.create("clusteranalysistemplates", {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "ClusterAnalysisTemplate",
        "metadata": {"name": "success-rate", "namespace": "ignored"}, "spec": {"metrics": []}})
    stored = store.get("clusteranalysistemplates", None, "success-rate")
    assert "namespace" not in stored["metadata"]


def test_a_mutate_that_leaves_a_malformed_object_is_422_and_stores_nothing(store):
    store.create("rollouts", manifests.rollout(NS))
    rv = store.resource_version
    with pytest.raises(ApiError) as caught:
        store.mutate("rollouts", NS, "rollouts-demo",
                     lambda r: r["metadata"].update(labels={"app": ["not", "a", "string"]}))
    assert caught.value.code == 422
    assert store.resource_version == rv
    assert "labels" not in store.get("rollouts", NS, "rollouts-demo")["metadata"]
