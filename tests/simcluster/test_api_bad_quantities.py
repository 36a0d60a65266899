"""Resource quantities that do not parse are refused as the API server refuses them: 400 for the
built-in kinds (the decoder fails), 422 Invalid naming the field for a Rollout (its CRD schema's
pattern). Nothing is stored, on create, update or patch; kubectl shows the server's words."""

from __future__ import annotations

import copy
import json

import pytest
import yaml
from kubernetes import client
from kubernetes.client import ApiException

from simcluster.quantities import CRD_PATTERN
from tests.simcluster import manifests
from tests.simcluster.conftest import NAMESPACE, run_kubectl

CORE_ERROR = ("quantities must match the regular expression "
              "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")


def _status(error: ApiException) -> dict:
    return json.loads(error.body)


def _refused(call, code: int) -> dict:
    with pytest.raises(ApiException) as raised:
        call()
    assert raised.value.status == code
    return _status(raised.value)


def _pod(memory: str = "64Mi", init_cpu: str = "10m") -> dict:
    pod = manifests.pod(NAMESPACE, "q7x2k")
    pod.pop("status", None)
    pod["spec"]["initContainers"] = [{"name": "setup", "image": "busybox:1.36",
                                      "resources": {"requests": {"cpu": init_cpu}}}]
    pod["spec"]["containers"][0]["resources"] = {"limits": {"memory": memory}}
    return pod


def _replicaset(cpu: str) -> dict:
    rs = manifests.replicaset(NAMESPACE)
    rs.pop("status", None)
    rs["metadata"].pop("ownerReferences", None)
    rs["spec"]["template"]["spec"]["containers"][0]["resources"] = {"requests": {"cpu": cpu}}
    return rs


def _deployment(memory: str) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": NAMESPACE},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{
                                      "name": "web", "image": "nginx:1.27",
                                      "resources": {"limits": {"memory": memory}}}]}}}}


def _rollout(memory: str = "64Mi") -> dict:
    rollout = manifests.rollout(NAMESPACE)
    rollout.pop("status", None)
    for key in ("uid", "generation", "creationTimestamp"):
        rollout["metadata"].pop(key)
    rollout["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"] = {
        "memory": memory}
    return rollout


def test_it_refuses_a_pod_with_an_unparsable_limit_or_init_request_and_stores_nothing(sim, core):
    for pod in (_pod(memory="invalid"), _pod(init_cpu="lots")):
        body = _refused(lambda pod=pod: core.create_namespaced_pod(NAMESPACE, pod), 400)
        assert (body["kind"], body["reason"], body["code"]) == ("Status", "BadRequest", 400)
        assert body["message"] == f'Pod in version "v1" cannot be handled as a Pod: {CORE_ERROR}'
    assert sim.store.list("pods", NAMESPACE) == []


def test_it_refuses_a_pod_update_or_patch_that_breaks_a_quantity_and_keeps_the_old_one(sim, core):
    created = core.create_namespaced_pod(NAMESPACE, _pod())
    name = created.metadata.name
    replaced = _pod(memory="1.2.3")
    replaced["metadata"]["name"] = name
    body = _refused(lambda: core.replace_namespaced_pod(name, NAMESPACE, replaced), 400)
    assert body["message"].endswith(CORE_ERROR)
    patch = {"spec": {"containers": [{"name": "rollouts-demo",
                                      "resources": {"limits": {"memory": "1kk"}}}]}}
    body = _refused(lambda: core.patch_namespaced_pod(name, NAMESPACE, patch), 400)
    assert body["message"] == ('Pod in version "v1" cannot be handled as a Pod: '
                               "unable to parse quantity's suffix")
    stored = sim.store.get("pods", NAMESPACE, name)
    assert stored["spec"]["containers"][0]["resources"] == {"limits": {"memory": "64Mi"}}
    assert stored["metadata"]["resourceVersion"] == created.metadata.resource_version


def test_it_refuses_replicasets_and_deployments_in_their_own_words(sim, api):
    apps = client.AppsV1Api(api)
    body = _refused(lambda: apps.create_namespaced_replica_set(NAMESPACE, _replicaset("fast")),
                    400)
    assert body["message"] == ('ReplicaSet in version "v1" cannot be handled as a ReplicaSet: '
                               f"{CORE_ERROR}")
    apps.create_namespaced_deployment(NAMESPACE, _deployment("128Mi"))
    patch = {"spec": {"template": {"spec": {"containers": [
        {"name": "web", "resources": {"limits": {"memory": "a lot"}}}]}}}}
    body = _refused(lambda: apps.patch_namespaced_deployment("web", NAMESPACE, patch), 400)
    assert body["message"] == ('Deployment in version "v1" cannot be handled as a Deployment: '
                               f"{CORE_ERROR}")
    assert sim.store.list("replicasets", NAMESPACE) == []
    stored = sim.store.get("deployments", NAMESPACE, "web")
    assert stored["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"] == {
        "memory": "128Mi"}


def test_it_refuses_a_rollout_with_422_invalid_naming_the_field_like_the_crd_schema(sim, custom):
    body = _refused(lambda: custom.create_namespaced_custom_object(
        "argoproj.io", "v1alpha1", NAMESPACE, "rollouts", _rollout("invalid")), 422)
    field = "spec.template.spec.containers[0].resources.limits.memory"
    detail = f"Invalid value: \"invalid\": {field} in body should match '{CRD_PATTERN}'"
    assert body["reason"] == "Invalid"
    assert body["message"] == f'Rollout.argoproj.io "rollouts-demo" is invalid: {field}: {detail}'
    assert body["details"] == {"name": "rollouts-demo", "group": "argoproj.io", "kind": "Rollout",
                               "causes": [{"reason": "FieldValueInvalid", "message": detail,
                                           "field": field}]}
    assert sim.store.list("rollouts", NAMESPACE) == []


def test_it_refuses_a_rollout_patch_or_update_with_bad_quantities_and_keeps_the_stored_one(
        sim, custom):
    args = ("argoproj.io", "v1alpha1", NAMESPACE, "rollouts")
    created = custom.create_namespaced_custom_object(*args, _rollout())
    patch = {"spec": {"template": {"spec": {"containers": [{
        "name": "rollouts-demo", "image": "argoproj/rollouts-demo:blue",
        "resources": {"requests": {"cpu": "one"}, "limits": {"memory": "1Gb"}}}]}}}}
    body = _refused(lambda: custom.patch_namespaced_custom_object(
        *args, "rollouts-demo", patch), 422)
    assert [c["field"] for c in body["details"]["causes"]] == [
        "spec.template.spec.containers[0].resources.limits.memory",
        "spec.template.spec.containers[0].resources.requests.cpu"]
    assert body["message"].startswith('Rollout.argoproj.io "rollouts-demo" is invalid: [')
    replaced = copy.deepcopy(created)
    replaced["spec"]["template"]["spec"]["initContainers"] = [
        {"name": "setup", "image": "busybox:1.36", "resources": {"limits": {"cpu": True}}}]
    body = _refused(lambda: custom.replace_namespaced_custom_object(
        *args, "rollouts-demo", replaced), 422)
    assert body["details"]["causes"][0]["field"] == (
        "spec.template.spec.initContainers[0].resources.limits.cpu")
    stored = sim.store.get("rollouts", NAMESPACE, "rollouts-demo")
    assert stored["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]


def test_it_accepts_every_spelling_of_a_valid_quantity(sim, core):
    for i, value in enumerate(("1", "100m", "1.5Gi", "2e3", "+.5", "0.25", "1E", "64Mi")):
        pod = _pod(memory=value)
        pod["metadata"]["name"] = f"ok-{i}"
        core.create_namespaced_pod(NAMESPACE, pod)
    assert len(sim.store.list("pods", NAMESPACE)) == 8


@pytest.mark.kubectl
def test_kubectl_apply_of_a_bad_manifest_shows_the_servers_error(sim, kubectl, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump_all([_pod(memory="invalid"), _rollout("invalid")]))
    result = run_kubectl(kubectl, sim, "apply", "-f", str(path))
    assert result.returncode != 0
    assert "Error from server (BadRequest)" in result.stderr
    assert f'Pod in version "v1" cannot be handled as a Pod: {CORE_ERROR}' in result.stderr
    field = "spec.template.spec.containers[0].resources.limits.memory"
    assert (f'Error from server (Invalid): error when creating "{path}": Rollout.argoproj.io '
            f'"rollouts-demo" is invalid: {field}: Invalid value: "invalid"') in result.stderr
    assert sim.store.list("pods", NAMESPACE) == []
    assert sim.store.list("rollouts", NAMESPACE) == []
