from __future__ import annotations

import pytest

from rollouts.gateway import Gateway
from tests.mirror.helpers import config_for
from tests.mirror.objects import seed_rollout_tree


@pytest.fixture
def demo(simcluster):
    tree = seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    gateway = Gateway(config_for(simcluster))
    yield simcluster, gateway, tree
    gateway.close()


def writes(cluster) -> list[dict]:
    return [r for r in cluster.requests() if r["method"] != "GET"]


def test_it_returns_objects_as_plain_camel_case_dicts(demo):
    _, gateway, tree = demo
    ro = gateway.get("rollouts", "my-demo", "rollouts-demo")
    assert type(ro) is dict
    assert ro["status"]["currentPodHash"] == "76c569d8b"
    assert ro["metadata"]["uid"] == tree["rollout"]["metadata"]["uid"]
    pod = gateway.get("pods", "my-demo", tree["pods"][0]["metadata"]["name"])
    assert pod["status"]["containerStatuses"][0]["restartCount"] == 0
    vs = gateway.get("virtualservices", "my-demo", "rollouts-demo-vsvc")
    assert vs["apiVersion"] == "networking.istio.io/v1"


def test_it_lists_one_namespace_or_all_with_the_list_resource_version(demo):
    cluster, gateway, _ = demo
    seed_rollout_tree(cluster.store, "other", "checkout", replicas=1)
    pods, rv = gateway.list("pods")
    assert len(pods) == 5 and int(rv) == cluster.store.resource_version
    assert {p["metadata"]["namespace"] for p in gateway.list("pods", "other")[0]} == {"other"}
    chosen, _ = gateway.list("pods", None, label_selector="app=checkout")
    assert [p["metadata"]["name"] for p in chosen] == ["checkout-76c569d8b-p0000"]


def test_it_sends_patch_bodies_exactly_with_their_content_type(demo):
    cluster, gateway, tree = demo
    cluster.clear_requests()
    gateway.patch("rollouts", "my-demo", "rollouts-demo", {"status": {"pauseConditions": None}},
                  "merge", subresource="status")
    gateway.patch("rollouts", "my-demo", "rollouts-demo",
                  [{"op": "replace", "path": "/spec/replicas", "value": 5}], "json")
    pod_name = tree["pods"][0]["metadata"]["name"]
    gateway.patch("pods", "my-demo", pod_name, {"metadata": {"labels": {"x": "y"}}}, "strategic")
    sent = [(r["method"], r["path"], r["content_type"], r["body"]) for r in writes(cluster)]
    base = "/apis/argoproj.io/v1alpha1/namespaces/my-demo/rollouts/rollouts-demo"
    assert sent == [
        ("PATCH", base + "/status", "application/merge-patch+json",
         {"status": {"pauseConditions": None}}),
        ("PATCH", base, "application/json-patch+json",
         [{"op": "replace", "path": "/spec/replicas", "value": 5}]),
        ("PATCH", f"/api/v1/namespaces/my-demo/pods/{pod_name}",
         "application/strategic-merge-patch+json", {"metadata": {"labels": {"x": "y"}}}),
    ]
    assert gateway.get("rollouts", "my-demo", "rollouts-demo")["spec"]["replicas"] == 5


def test_it_replaces_and_deletes(demo):
    _, gateway, _ = demo
    ro = gateway.get("rollouts", "my-demo", "rollouts-demo")
    ro["spec"]["paused"] = True
    replaced = gateway.replace("rollouts", "my-demo", "rollouts-demo", ro)
    assert replaced["spec"]["paused"] is True
    assert replaced["metadata"]["generation"] == ro["metadata"]["generation"] + 1
    gateway.delete("services", "my-demo", "rollouts-demo-canary")
    assert [s["metadata"]["name"] for s in gateway.list("services")[0]] == [
        "rollouts-demo-stable"]


def test_it_refuses_unknown_kinds_and_patch_types(demo):
    _, gateway, _ = demo
    with pytest.raises(ValueError, match="unknown kind 'deployments'"):
        gateway.get("deployments", "my-demo", "x")
    with pytest.raises(ValueError, match="patch_type must be one of"):
        gateway.patch("rollouts", "my-demo", "rollouts-demo", {}, "apply")
