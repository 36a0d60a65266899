"""The kinds the dashboard's deploy/ manifests need (ServiceAccount, RBAC, StatefulSet,
PersistentVolumeClaim) are served like the real API server: at their group's paths, namespaced
or cluster-scoped as there, listed by discovery, stored and read back by the official client."""

from __future__ import annotations

import pytest
from kubernetes import client
from kubernetes.client import ApiException

from tests.simcluster.conftest import NAMESPACE, raw

RULES = [{"apiGroups": ["argoproj.io"], "resources": ["rollouts"],
          "verbs": ["get", "list", "watch"]}]


@pytest.fixture
def rbac(api: client.ApiClient) -> client.RbacAuthorizationV1Api:
    return client.RbacAuthorizationV1Api(api)


def resources(api: client.ApiClient, path: str) -> list[dict]:
    return raw(api, "GET", path).data["resources"]


def test_discovery_lists_the_rbac_kinds_with_their_scope(api) -> None:
    found = {r["name"]: r["namespaced"] for r in
             resources(api, "/apis/rbac.authorization.k8s.io/v1")}
    assert found == {"roles": True, "rolebindings": True, "clusterroles": False,
                     "clusterrolebindings": False}
    core = {r["name"]: r["namespaced"] for r in resources(api, "/api/v1")}
    assert core["serviceaccounts"] is True and core["persistentvolumeclaims"] is True
    apps = {r["name"]: r for r in resources(api, "/apis/apps/v1")}
    assert "sts" in apps["statefulsets"]["shortNames"]


def test_roles_and_bindings_are_stored_in_their_namespace(rbac, core) -> None:
    core.create_namespaced_service_account(NAMESPACE, {"metadata": {"name": "dashboard"}})
    rbac.create_namespaced_role(NAMESPACE, {"metadata": {"name": "reader"}, "rules": RULES})
    rbac.create_namespaced_role_binding(NAMESPACE, {
        "metadata": {"name": "reader"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"},
        "subjects": [{"kind": "ServiceAccount", "name": "dashboard", "namespace": NAMESPACE}]})
    role = rbac.read_namespaced_role("reader", NAMESPACE)
    assert role.rules[0].verbs == ["get", "list", "watch"]
    binding = rbac.read_namespaced_role_binding("reader", NAMESPACE)
    assert binding.subjects[0].name == "dashboard"
    assert core.read_namespaced_service_account("dashboard", NAMESPACE).metadata.uid


def test_cluster_roles_live_outside_namespaces(api, rbac) -> None:
    rbac.create_cluster_role({"metadata": {"name": "rollouts-dashboard"}, "rules": RULES})
    assert rbac.read_cluster_role("rollouts-dashboard").rules[0].resources == ["rollouts"]
    names = [r.metadata.name for r in rbac.list_cluster_role().items]
    assert names == ["rollouts-dashboard"]
    with pytest.raises(ApiException) as refused:
        raw(api, "GET", f"/apis/rbac.authorization.k8s.io/v1/namespaces/{NAMESPACE}/clusterroles")
    assert refused.value.status == 404


def test_a_statefulset_is_stored_with_its_status_subresource(api) -> None:
    apps = client.AppsV1Api(api)
    apps.create_namespaced_stateful_set(NAMESPACE, {
        "metadata": {"name": "postgres"},
        "spec": {"serviceName": "postgres", "selector": {"matchLabels": {"app": "postgres"}},
                 "template": {"metadata": {"labels": {"app": "postgres"}},
                              "spec": {"containers": [{"name": "postgres",
                                                       "image": "postgres:16"}]}}}})
    stored = apps.read_namespaced_stateful_set("postgres", NAMESPACE)
    assert stored.spec.service_name == "postgres"
    status = apps.read_namespaced_stateful_set_status("postgres", NAMESPACE)
    assert status.metadata.name == "postgres"
