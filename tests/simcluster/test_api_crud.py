"""Create, read, replace and delete through the official client, and the Status errors."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from kubernetes.client import ApiException

from tests.simcluster import manifests
from tests.simcluster.conftest import NAMESPACE, raw


def _status(error: ApiException) -> dict:
    return json.loads(error.body)


def test_create_answers_201_so_the_custom_objects_api_returns_the_object(sim, custom):
    created = custom.create_namespaced_custom_object(
        "argoproj.io", "v1alpha1", NAMESPACE, "rollouts", manifests.rollout(NAMESPACE))
    meta = created["metadata"]
    assert meta["name"] == "rollouts-demo"
    assert meta["generation"] == 1
    assert int(meta["resourceVersion"]) == sim.store.resource_version
    assert meta["uid"] and meta["creationTimestamp"].endswith("Z")
    assert sim.requests()[-1]["code"] == 201


def test_create_over_http_ignores_status_and_server_owned_metadata(sim, custom):
    created = custom.create_namespaced_custom_object(
        "argoproj.io", "v1alpha1", NAMESPACE, "rollouts", manifests.rollout(NAMESPACE))
    assert "status" not in created
    assert created["metadata"]["uid"] != manifests.ROLLOUT_UID
    assert created["metadata"]["creationTimestamp"] != "2025-07-16T13:14:27Z"


def test_a_typed_create_returns_the_model(sim, core):
    pod = core.create_namespaced_pod(NAMESPACE, manifests.pod(NAMESPACE, "24gls"))
    assert pod.metadata.name == f"rollouts-demo-{manifests.POD_HASH}-24gls"
    assert pod.metadata.namespace == NAMESPACE


def test_generate_name_gets_a_random_suffix(sim, core):
    body = {"metadata": {"generateName": "web-"}, "spec": {"containers": [
        {"name": "web", "image": "nginx"}]}}
    first = core.create_namespaced_pod(NAMESPACE, body)
    second = core.create_namespaced_pod(NAMESPACE, body)
    assert first.metadata.name.startswith("web-") and len(first.metadata.name) == 9
    assert first.metadata.name != second.metadata.name


def test_a_duplicate_create_is_409_already_exists(sim, core):
    core.create_namespaced_service(NAMESPACE, manifests.service(NAMESPACE, "stable"))
    with pytest.raises(ApiException) as caught:
        core.create_namespaced_service(NAMESPACE, manifests.service(NAMESPACE, "stable"))
    assert caught.value.status == 409
    assert caught.value.reason == "Conflict"
    assert _status(caught.value)["reason"] == "AlreadyExists"


def test_create_in_a_missing_namespace_is_404(sim, core):
    with pytest.raises(ApiException) as caught:
        core.create_namespaced_service("nowhere", manifests.service("nowhere", "stable"))
    assert caught.value.status == 404
    body = _status(caught.value)
    assert body["kind"] == "Status" and body["reason"] == "NotFound"
    assert body["message"] == 'namespaces "nowhere" not found'


def test_get_of_a_missing_object_is_a_404_status(sim, custom):
    with pytest.raises(ApiException) as caught:
        custom.get_namespaced_custom_object("argoproj.io", "v1alpha1", NAMESPACE, "rollouts",
                                            "ghost")
    assert caught.value.status == 404
    body = _status(caught.value)
    assert body["code"] == 404
    assert body["message"] == 'rollouts.argoproj.io "ghost" not found'
    assert body["details"]["name"] == "ghost"


@pytest.mark.parametrize("body, problem", [
    ({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}, "name"),
    ({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "other"}},
     "namespace"),
    ({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c",
                                                            "labels": {"a": 1}}}, "labels"),
    ({"apiVersion": "v1", "kind": "ConfigMap", "metadata": "c"}, "metadata"),
])
def test_invalid_bodies_are_422_invalid(sim, api, body, problem):
    # Sent untyped: the typed client would refuse some of these bodies before sending them.
    with pytest.raises(ApiException) as caught:
        raw(api, "POST", f"/api/v1/namespaces/{NAMESPACE}/configmaps", body=body)
    assert caught.value.status == 422
    assert _status(caught.value)["reason"] == "Invalid"
    assert problem in _status(caught.value)["message"]


def test_a_body_that_is_not_json_is_422(sim):
    request = urllib.request.Request(f"{sim.url}/api/v1/namespaces/{NAMESPACE}/configmaps",
                                      data=b"{not json", method="POST",
                                      headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 422
    assert json.loads(caught.value.read())["reason"] == "Invalid"


def test_replace_with_a_stale_resource_version_is_409_conflict(sim, core):
    created = core.create_namespaced_config_map(
        NAMESPACE, {"metadata": {"name": "settings"}, "data": {"a": "1"}})
    created.data = {"a": "2"}
    core.replace_namespaced_config_map("settings", NAMESPACE, created)
    created.data = {"a": "3"}
    with pytest.raises(ApiException) as caught:
        core.replace_namespaced_config_map("settings", NAMESPACE, created)
    assert caught.value.status == 409
    assert _status(caught.value)["reason"] == "Conflict"
    assert core.read_namespaced_config_map("settings", NAMESPACE).data == {"a": "2"}


def test_replace_with_a_name_that_differs_from_the_url_is_422(sim, core):
    core.create_namespaced_config_map(NAMESPACE, {"metadata": {"name": "settings"}})
    with pytest.raises(ApiException) as caught:
        core.replace_namespaced_config_map("settings", NAMESPACE,
                                           {"metadata": {"name": "other"}, "data": {}})
    assert caught.value.status == 422


def test_a_write_that_changes_nothing_bumps_no_resource_version(sim, core, custom):
    created = custom.create_namespaced_custom_object(
        "argoproj.io", "v1alpha1", NAMESPACE, "rollouts", manifests.rollout(NAMESPACE))
    before = sim.store.resource_version
    custom.patch_namespaced_custom_object("argoproj.io", "v1alpha1", NAMESPACE, "rollouts",
                                          "rollouts-demo", {"spec": {"replicas": 4}})
    same = custom.replace_namespaced_custom_object("argoproj.io", "v1alpha1", NAMESPACE,
                                                   "rollouts", "rollouts-demo", created)
    assert sim.store.resource_version == before
    assert same["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]
    assert sim.store.events_since(before) == []


def test_dry_run_all_changes_nothing(sim, core):
    core.create_namespaced_config_map(NAMESPACE, {"metadata": {"name": "ghost"}}, dry_run="All")
    assert sim.store.get("configmaps", NAMESPACE, "ghost") is None
    core.create_namespaced_config_map(NAMESPACE, {"metadata": {"name": "kept"}})
    before = sim.store.resource_version
    core.patch_namespaced_config_map("kept", NAMESPACE, {"data": {"x": "y"}}, dry_run="All")
    core.delete_namespaced_config_map("kept", NAMESPACE, dry_run="All")
    assert sim.store.resource_version == before
    assert sim.store.get("configmaps", NAMESPACE, "kept") is not None


def test_delete_returns_the_final_state_with_a_new_resource_version(sim, custom):
    created = custom.create_namespaced_custom_object(
        "argoproj.io", "v1alpha1", NAMESPACE, "rollouts", manifests.rollout(NAMESPACE))
    deleted = custom.delete_namespaced_custom_object("argoproj.io", "v1alpha1", NAMESPACE,
                                                     "rollouts", "rollouts-demo")
    assert deleted["metadata"]["uid"] == created["metadata"]["uid"]
    assert int(deleted["metadata"]["resourceVersion"]) > int(created["metadata"]["resourceVersion"])
    assert sim.store.get("rollouts", NAMESPACE, "rollouts-demo") is None


def test_lists_carry_the_global_resource_version_and_kind(sim, core, custom):
    custom.create_namespaced_custom_object("argoproj.io", "v1alpha1", NAMESPACE, "rollouts",
                                           manifests.rollout(NAMESPACE))
    pods = core.list_pod_for_all_namespaces()
    assert pods.items == []
    assert pods.metadata.resource_version == str(sim.store.resource_version)
    listed = custom.list_cluster_custom_object("argoproj.io", "v1alpha1", "rollouts")
    assert listed["kind"] == "RolloutList"
    assert [r["metadata"]["name"] for r in listed["items"]] == ["rollouts-demo"]


def test_an_unsupported_method_is_405(sim, api):
    with pytest.raises(ApiException) as caught:
        raw(api, "PUT", f"/api/v1/namespaces/{NAMESPACE}/pods", body={})
    assert caught.value.status == 405
    assert _status(caught.value)["reason"] == "MethodNotAllowed"


def test_an_unknown_path_is_a_404_status(sim, api):
    with pytest.raises(ApiException) as caught:
        raw(api, "GET", "/apis/example.com/v1/widgets")
    assert caught.value.status == 404
    assert _status(caught.value)["kind"] == "Status"
