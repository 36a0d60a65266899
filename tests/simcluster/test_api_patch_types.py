"""Each PATCH content type, as the official client sends it."""

from __future__ import annotations

import pytest
from kubernetes.client import ApiException

from tests.simcluster import manifests
from tests.simcluster.conftest import NAMESPACE, raw

GROUP, VERSION = "argoproj.io", "v1alpha1"
POD = f"rollouts-demo-{manifests.POD_HASH}-24gls"


@pytest.fixture
def pod(sim):
    return sim.store.create("pods", manifests.pod(NAMESPACE, "24gls"))


def test_a_typed_dict_patch_is_a_strategic_merge_that_merges_containers_by_name(sim, pod, core):
    core.patch_namespaced_pod(POD, NAMESPACE, {"spec": {"containers": [
        {"name": "istio-proxy", "image": "docker.io/istio/proxyv2:1.27.0"}]}})
    containers = sim.store.get("pods", NAMESPACE, POD)["spec"]["containers"]
    assert [c["name"] for c in containers] == ["rollouts-demo", "istio-proxy"]
    assert containers[1]["image"] == "docker.io/istio/proxyv2:1.27.0"
    assert containers[0]["ports"][0]["containerPort"] == 8080
    assert sim.requests()[-1]["content_type"] == "application/strategic-merge-patch+json"


def test_strategic_merge_honours_the_delete_directive(sim, pod, core):
    core.patch_namespaced_pod(POD, NAMESPACE, {"spec": {"containers": [
        {"name": "istio-proxy", "$patch": "delete"}]}})
    containers = sim.store.get("pods", NAMESPACE, POD)["spec"]["containers"]
    assert [c["name"] for c in containers] == ["rollouts-demo"]


def test_a_typed_list_patch_is_a_json_patch(sim, pod, core):
    core.patch_namespaced_pod(POD, NAMESPACE, [
        {"op": "add", "path": "/metadata/labels/tier", "value": "web"},
        {"op": "remove", "path": "/spec/containers/1"}])
    stored = sim.store.get("pods", NAMESPACE, POD)
    assert stored["metadata"]["labels"]["tier"] == "web"
    assert len(stored["spec"]["containers"]) == 1
    assert sim.requests()[-1]["content_type"] == "application/json-patch+json"


def test_a_failed_json_patch_test_is_422_and_changes_nothing(sim, pod, core):
    before = sim.store.resource_version
    with pytest.raises(ApiException) as caught:
        core.patch_namespaced_pod(POD, NAMESPACE, [
            {"op": "test", "path": "/metadata/name", "value": "someone-else"},
            {"op": "add", "path": "/metadata/labels/tier", "value": "web"}])
    assert caught.value.status == 422
    assert sim.store.resource_version == before


def test_custom_objects_patch_as_json_merge_where_null_deletes(sim, custom):
    sim.store.create("rollouts", manifests.rollout(NAMESPACE))
    custom.patch_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "rollouts", "rollouts-demo",
                                          {"metadata": {"annotations": {
                                              "rollout.argoproj.io/revision": None}}})
    stored = sim.store.get("rollouts", NAMESPACE, "rollouts-demo")
    assert "rollout.argoproj.io/revision" not in stored["metadata"]["annotations"]
    assert sim.requests()[-1]["content_type"] == "application/merge-patch+json"


def test_a_merge_patch_replaces_lists_whole(sim, custom):
    sim.store.create("rollouts", manifests.rollout(NAMESPACE))
    custom.patch_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "rollouts", "rollouts-demo",
                                          {"spec": {"strategy": {"canary": {"steps": [
                                              {"setWeight": 50}]}}}})
    stored = sim.store.get("rollouts", NAMESPACE, "rollouts-demo")
    assert stored["spec"]["strategy"]["canary"]["steps"] == [{"setWeight": 50}]


def test_strategic_merge_on_a_custom_resource_is_415(sim, custom):
    sim.store.create("rollouts", manifests.rollout(NAMESPACE))
    with pytest.raises(ApiException) as caught:
        custom.patch_namespaced_custom_object(
            GROUP, VERSION, NAMESPACE, "rollouts", "rollouts-demo", {"spec": {"paused": True}},
            _content_type="application/strategic-merge-patch+json")
    assert caught.value.status == 415
    assert caught.value.reason == "Unsupported Media Type"


def test_server_side_apply_is_415(sim, api, pod):
    with pytest.raises(ApiException) as caught:
        raw(api, "PATCH", f"/api/v1/namespaces/{NAMESPACE}/pods/{POD}", body={},
            headers={"Content-Type": "application/apply-patch+yaml"})
    assert caught.value.status == 415


def test_a_patch_carrying_a_stale_resource_version_is_409(sim, custom):
    sim.store.create("rollouts", manifests.rollout(NAMESPACE))
    with pytest.raises(ApiException) as caught:
        custom.patch_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "rollouts",
                                              "rollouts-demo", {"metadata": {
                                                  "resourceVersion": "1"}, "spec": {
                                                  "paused": True}})
    assert caught.value.status == 409
    assert "paused" not in sim.store.get("rollouts", NAMESPACE, "rollouts-demo")["spec"]


def test_a_patch_to_a_missing_object_is_404(sim, custom):
    with pytest.raises(ApiException) as caught:
        custom.patch_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "rollouts", "ghost",
                                              {"spec": {"paused": True}})
    assert caught.value.status == 404
