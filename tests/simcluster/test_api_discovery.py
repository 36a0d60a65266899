"""Discovery: /version, API groups, DynamicClient, and Istio served at three versions."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from kubernetes import client, dynamic

from tests.simcluster import manifests
from tests.simcluster.conftest import NAMESPACE, raw

ISTIO = "networking.istio.io"


def test_version_reports_a_1_32_server(sim, api):
    info = client.VersionApi(api).get_code()
    assert (info.major, info.minor) == ("1", "32")


def test_api_groups_list_istio_with_v1_preferred_and_all_three_versions(sim, api):
    groups = {g.name: g for g in client.ApisApi(api).get_api_versions().groups}
    istio = groups[ISTIO]
    assert [v.version for v in istio.versions] == ["v1", "v1beta1", "v1alpha3"]
    assert istio.preferred_version.version == "v1"
    assert "argoproj.io" in groups and "apps" in groups


def test_resource_lists_name_the_status_subresources(sim, api):
    argo = raw(api, "GET", "/apis/argoproj.io/v1alpha1").data
    names = {r["name"]: r for r in argo["resources"]}
    assert names["rollouts"]["kind"] == "Rollout"
    assert names["rollouts"]["shortNames"] == ["ro"]
    assert names["rollouts/status"]["verbs"] == ["get", "patch", "update"]
    assert "analysistemplates/status" not in names
    assert names["clusteranalysistemplates"]["namespaced"] is False


def test_the_dynamic_client_discovers_creates_patches_status_and_watches(sim, api):
    dyn = dynamic.DynamicClient(api)
    rollouts = dyn.resources.get(api_version="argoproj.io/v1alpha1", kind="Rollout")
    created = rollouts.create(body=manifests.rollout(NAMESPACE), namespace=NAMESPACE)
    assert created.metadata.generation == 1
    rollouts.status.patch(body={"status": {"abort": True}}, name="rollouts-demo",
                          namespace=NAMESPACE, content_type="application/merge-patch+json")
    assert sim.store.get("rollouts", NAMESPACE, "rollouts-demo")["status"] == {"abort": True}
    events = list(rollouts.watch(namespace=NAMESPACE, timeout=1))
    assert [e["type"] for e in events] == ["ADDED"]
    assert events[0]["object"].status.abort is True


@pytest.mark.parametrize("version", ["v1", "v1beta1", "v1alpha3"])
def test_istio_objects_come_back_at_the_version_asked_for(sim, custom, version):
    sim.store.create("virtualservices", manifests.virtualservice(NAMESPACE))
    got = custom.get_namespaced_custom_object(ISTIO, version, NAMESPACE, "virtualservices",
                                              "rollouts-demo-vsvc")
    assert got["apiVersion"] == f"{ISTIO}/{version}"
    listed = custom.list_namespaced_custom_object(ISTIO, version, NAMESPACE, "virtualservices")
    assert listed["apiVersion"] == f"{ISTIO}/{version}"
    assert listed["items"][0]["apiVersion"] == f"{ISTIO}/{version}"


def test_istio_versions_share_one_storage(sim, custom):
    custom.create_namespaced_custom_object(ISTIO, "v1alpha3", NAMESPACE, "virtualservices",
                                           manifests.virtualservice(NAMESPACE))
    custom.patch_namespaced_custom_object(
        ISTIO, "v1beta1", NAMESPACE, "virtualservices", "rollouts-demo-vsvc",
        [{"op": "replace", "path": "/spec/http/0/route/0/weight", "value": 80},
         {"op": "replace", "path": "/spec/http/0/route/1/weight", "value": 20}],
        _content_type="application/json-patch+json")
    seen = custom.get_namespaced_custom_object(ISTIO, "v1", NAMESPACE, "virtualservices",
                                               "rollouts-demo-vsvc")
    assert [r["weight"] for r in seen["spec"]["http"][0]["route"]] == [80, 20]
    with pytest.raises(client.ApiException) as caught:
        custom.create_namespaced_custom_object(ISTIO, "v1", NAMESPACE, "virtualservices",
                                               manifests.virtualservice(NAMESPACE, api_version=(
                                                   f"{ISTIO}/v1")))
    assert caught.value.status == 409


def test_the_app_mesh_virtual_service_is_a_different_kind_from_istios(sim, custom):
    custom.create_namespaced_custom_object("appmesh.k8s.aws", "v1beta2", NAMESPACE,
                                           "virtualservices", {
                                               "apiVersion": "appmesh.k8s.aws/v1beta2",
                                               "kind": "VirtualService",
                                               "metadata": {"name": "rollouts-demo-vsvc"},
                                               "spec": {"awsName": "my-svc.local"}})
    assert sim.store.list("virtualservices", NAMESPACE) == []
    assert len(sim.store.list("virtualservices.appmesh.k8s.aws", NAMESPACE)) == 1


def test_openapi_v2_is_served_as_protobuf_to_kubectl_and_json_to_others(sim):
    request = urllib.request.Request(f"{sim.url}/openapi/v2", headers={
        "Accept": "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.headers["Content-Type"].endswith("v2.v1.0+protobuf")
        assert response.read().startswith(b"\x0a\x032.0")  # field 1 (swagger) = "2.0"
    with urllib.request.urlopen(f"{sim.url}/openapi/v2", timeout=5) as response:
        assert json.loads(response.read())["swagger"] == "2.0"
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{sim.url}/openapi/v3", timeout=5)
    assert caught.value.code == 404

