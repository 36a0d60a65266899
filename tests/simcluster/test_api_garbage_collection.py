"""Deleting an owner deletes its dependents (ownerReferences), transitively."""

from __future__ import annotations

import pytest
from kubernetes import client

from tests.simcluster import manifests
from tests.simcluster.conftest import NAMESPACE

GROUP, VERSION = "argoproj.io", "v1alpha1"
RS = f"rollouts-demo-{manifests.POD_HASH}"


@pytest.fixture
def tree(sim):
    sim.store.create("rollouts", manifests.rollout(NAMESPACE))
    sim.store.create("replicasets", manifests.replicaset(NAMESPACE))
    for suffix in ("24gls", "ck4rq", "kxb56", "wmgnm"):
        sim.store.create("pods", manifests.pod(NAMESPACE, suffix))
    sim.store.create("analysisruns", {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisRun",
        "metadata": {"name": f"{RS}-2", "namespace": NAMESPACE, "ownerReferences": [
            {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "rollouts-demo",
             "uid": manifests.ROLLOUT_UID, "controller": True}]},
        "spec": {"metrics": []}, "status": {"phase": "Successful"}})
    sim.store.create("configmaps", {"metadata": {"name": "unrelated", "namespace": NAMESPACE}})


def test_deleting_a_rollout_deletes_its_replicasets_pods_and_analysis_runs(sim, tree, custom):
    rv = sim.store.resource_version
    custom.delete_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "rollouts", "rollouts-demo")
    assert sim.store.list("replicasets", NAMESPACE) == []
    assert sim.store.list("pods", NAMESPACE) == []
    assert sim.store.list("analysisruns", NAMESPACE) == []
    assert sim.store.get("configmaps", NAMESPACE, "unrelated") is not None
    deleted = [(e.plural, e.type) for e in sim.store.events_since(rv)]
    assert deleted[0] == ("rollouts", "DELETED")
    assert sorted(deleted) == sorted([("rollouts", "DELETED"), ("replicasets", "DELETED"),
                                      ("analysisruns", "DELETED")] + [("pods", "DELETED")] * 4)


def test_orphan_propagation_keeps_dependents_and_strips_the_owner_reference(sim, tree, custom):
    custom.delete_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "rollouts", "rollouts-demo",
                                           propagation_policy="Orphan")
    replicaset = sim.store.get("replicasets", NAMESPACE, RS)
    assert "ownerReferences" not in replicaset["metadata"]
    assert len(sim.store.list("pods", NAMESPACE)) == 4  # still owned by the ReplicaSet


def test_delete_options_in_the_body_are_honoured(sim, tree, core):
    core.delete_namespaced_pod(f"{RS}-24gls", NAMESPACE,
                               body=client.V1DeleteOptions(propagation_policy="Orphan"))
    assert sim.requests()[-1]["body"]["propagationPolicy"] == "Orphan"
    assert len(sim.store.list("pods", NAMESPACE)) == 3


def test_deleting_a_namespace_deletes_everything_in_it(sim, tree, core):
    core.delete_namespace(NAMESPACE)
    for plural in ("rollouts", "replicasets", "pods", "analysisruns", "configmaps"):
        assert sim.store.list(plural, NAMESPACE) == []


def test_a_stale_delete_precondition_is_409(sim, tree, core):
    from kubernetes.client import ApiException

    with pytest.raises(ApiException) as caught:
        core.delete_namespaced_pod(f"{RS}-24gls", NAMESPACE, body=client.V1DeleteOptions(
            preconditions=client.V1Preconditions(resource_version="1")))
    assert caught.value.status == 409
    assert sim.store.get("pods", NAMESPACE, f"{RS}-24gls") is not None


def test_delete_collection_by_label_deletes_only_the_matching_objects(sim, tree, core):
    sim.store.create("pods", {**manifests.pod(NAMESPACE, "other", app="checkout")})
    core.delete_collection_namespaced_pod(NAMESPACE, label_selector="app=rollouts-demo")
    assert [p["metadata"]["labels"]["app"] for p in sim.store.list("pods", NAMESPACE)] == [
        "checkout"]
