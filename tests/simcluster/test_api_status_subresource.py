"""The /status subresource is isolated both ways, and generation follows spec changes only."""

from __future__ import annotations

import pytest
from kubernetes.client import ApiException

from tests.simcluster import manifests
from tests.simcluster.conftest import NAMESPACE

GROUP, VERSION = "argoproj.io", "v1alpha1"


@pytest.fixture
def rollout(sim):
    return sim.store.create("rollouts", manifests.rollout(NAMESPACE))


def _patch(custom, body):
    return custom.patch_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "rollouts",
                                                 "rollouts-demo", body)


def _patch_status(custom, body):
    return custom.patch_namespaced_custom_object_status(GROUP, VERSION, NAMESPACE, "rollouts",
                                                        "rollouts-demo", body)


def test_a_main_resource_patch_ignores_status_and_bumps_generation(rollout, custom):
    patched = _patch(custom, {"spec": {"paused": True}, "status": {"phase": "HACK"}})
    assert patched["spec"]["paused"] is True
    assert patched["status"]["phase"] == "Healthy"
    assert patched["metadata"]["generation"] == 2


def test_a_status_patch_changes_only_status_and_keeps_generation(rollout, custom):
    patched = _patch_status(custom, {"status": {"pauseConditions": None, "abort": True},
                                     "spec": {"replicas": 99}})
    assert patched["status"]["abort"] is True
    assert patched["spec"]["replicas"] == 4
    assert patched["metadata"]["generation"] == 1


def test_a_status_write_still_bumps_the_resource_version(rollout, custom):
    patched = _patch_status(custom, {"status": {"abort": True}})
    assert int(patched["metadata"]["resourceVersion"]) > int(rollout["metadata"]["resourceVersion"])


def test_promote_patches_clear_pause_conditions_and_unpause(sim, rollout, custom):
    sim.store.mutate("rollouts", NAMESPACE, "rollouts-demo", lambda r: r.update(
        spec={**r["spec"], "paused": True},
        status={**r["status"], "pauseConditions": [{"reason": "CanaryPauseStep",
                                                    "startTime": "2025-07-16T13:20:00Z"}],
                "controllerPause": True}))
    _patch_status(custom, {"status": {"pauseConditions": None}})
    unpaused = _patch(custom, {"spec": {"paused": False}})
    assert "pauseConditions" not in unpaused["status"]
    assert unpaused["spec"]["paused"] is False
    assert unpaused["metadata"]["generation"] == 3  # the mutate's spec change, then this one


def test_a_put_to_the_main_resource_keeps_the_stored_status(rollout, custom):
    current = custom.get_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "rollouts",
                                                  "rollouts-demo")
    current["spec"]["replicas"] = 5
    current["status"]["phase"] = "Degraded"
    replaced = custom.replace_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "rollouts",
                                                       "rollouts-demo", current)
    assert replaced["spec"]["replicas"] == 5
    assert replaced["status"]["phase"] == "Healthy"


def test_a_put_to_status_keeps_the_stored_spec(rollout, custom):
    current = custom.get_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "rollouts",
                                                  "rollouts-demo")
    current["spec"]["replicas"] = 5
    current["status"]["phase"] = "Degraded"
    replaced = custom.replace_namespaced_custom_object_status(GROUP, VERSION, NAMESPACE,
                                                              "rollouts", "rollouts-demo", current)
    assert replaced["spec"]["replicas"] == 4
    assert replaced["status"]["phase"] == "Degraded"


def test_a_kind_without_a_status_subresource_answers_404_on_status(sim, custom):
    sim.store.create("analysistemplates", {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisTemplate",
        "metadata": {"name": "success-rate", "namespace": NAMESPACE},
        "spec": {"metrics": [{"name": "success-rate", "provider": {"job": {}}}]}})
    with pytest.raises(ApiException) as caught:
        custom.patch_namespaced_custom_object_status(GROUP, VERSION, NAMESPACE,
                                                     "analysistemplates", "success-rate",
                                                     {"status": {"x": 1}})
    assert caught.value.status == 404


def test_pod_status_goes_through_the_typed_status_call(sim, core):
    sim.store.create("pods", manifests.pod(NAMESPACE, "24gls", phase="Pending"))
    name = f"rollouts-demo-{manifests.POD_HASH}-24gls"
    main = core.patch_namespaced_pod(name, NAMESPACE, {"status": {"phase": "Failed"}})
    assert main.status.phase == "Pending"
    status = core.patch_namespaced_pod_status(name, NAMESPACE, {"status": {"phase": "Running"}})
    assert status.status.phase == "Running"
    assert status.metadata.generation == 1
