"""`kubectl argo rollouts promote`: each row of the decision table and the controller reaction."""

from __future__ import annotations

import pytest

from tests.simcluster.ctrl_support import (
    Kube,
    basic_canary,
    istio_canary,
    namespace,
    setup,
    start_cluster,
    wait_for,
    wait_phase,
)

NS = "shop"
IMAGE = "argoproj/rollouts-demo"


@pytest.fixture
def kube(make_simcluster):
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace(NS, istio=True)])
    kube = Kube(cluster)
    yield kube
    kube.close()


def updated(kube: Kube, docs: list[dict], name: str, tag: str = "yellow") -> None:
    setup(kube.cluster, docs)
    wait_phase(kube, NS, name, "Healthy")
    kube.set_image(NS, name, f"{IMAGE}:{tag}")


def test_promote_at_an_indefinite_pause_clears_it_and_the_controller_advances(kube):
    updated(kube, istio_canary(NS, "app", [{"setWeight": 25}, {"pause": {}}, {"setWeight": 50},
                                           {"pause": {}}]), "app")
    status = wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")
    assert status["currentStepIndex"] == 1 and status["controllerPause"] is True
    kube.promote(NS, "app")
    requests = [r for r in kube.cluster.requests() if r["path"].endswith("/app/status")]
    assert requests[-1]["body"] == {"status": {"pauseConditions": None}}
    status = wait_for(lambda: (s := kube.status(NS, "app")).get("currentStepIndex") == 3 and
                      s.get("pauseConditions") and s, what="the next pause step")
    assert status["canary"]["weights"]["canary"]["weight"] == 50


def test_promote_of_a_manually_paused_canary_unpauses_and_skips_the_current_step(kube):
    updated(kube, istio_canary(NS, "app", [{"pause": {}}, {"setWeight": 50}, {"pause": {}}]),
            "app")
    wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")
    kube.promote(NS, "app")
    wait_for(lambda: kube.status(NS, "app").get("currentStepIndex") == 2, what="step 2")
    kube.pause(NS, "app")
    wait_phase(kube, NS, "app", "Paused", "manually paused")
    kube.patch_status(NS, "app", {"pauseConditions": None})  # now paused only by spec.paused
    kube.promote(NS, "app")
    assert kube.rollout(NS, "app")["spec"]["paused"] is False
    status = wait_phase(kube, NS, "app", "Healthy")
    assert status["currentStepIndex"] == 3


def test_promote_in_the_middle_of_a_set_weight_step_bumps_the_step_index(kube):
    # The canary image never starts, so step 0 (setWeight) can never complete on its own.
    updated(kube, istio_canary(NS, "app", [{"setWeight": 50}, {"pause": {}}]), "app", "bad")
    wait_for(lambda: kube.status(NS, "app").get("currentPodHash") != kube.status(
        NS, "app").get("stableRS"), what="the update to start")
    assert kube.status(NS, "app")["currentStepIndex"] == 0
    kube.promote(NS, "app")
    requests = [r for r in kube.cluster.requests() if r["path"].endswith("/app/status")]
    assert requests[-1]["body"] == {"status": {"pauseConditions": None, "currentStepIndex": 1}}
    status = wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")
    assert status["currentStepIndex"] == 1


def test_promote_after_an_inconclusive_analysis_resumes_and_advances(kube):
    template = {"apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisTemplate",
                "metadata": {"name": "streak", "namespace": NS},
                "spec": {"metrics": [{"name": "streak", "count": 2, "interval": "1s",
                                      "failureLimit": 2, "consecutiveSuccessLimit": 2,
                                      "provider": {"web": {"url": "http://metrics/check"}}}]}}
    updated(kube, [template, *istio_canary(NS, "app", [
        {"setWeight": 25}, {"analysis": {"templates": [{"templateName": "streak"}]}},
        {"setWeight": 50}, {"pause": {}}])], "app", "fail")
    status = wait_phase(kube, NS, "app", "Paused", "InconclusiveAnalysisRun")
    assert status["canary"]["currentStepAnalysisRunStatus"]["status"] == "Inconclusive"
    assert status["controllerPause"] is True
    kube.promote(NS, "app")
    requests = [r for r in kube.cluster.requests() if r["path"].endswith("/app/status")]
    assert requests[-1]["body"] == {"status": {"pauseConditions": None,
                                               "controllerPause": False, "currentStepIndex": 2}}
    status = wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")
    assert status["currentStepIndex"] == 3


def test_promote_at_the_last_step_changes_nothing(kube):
    setup(kube.cluster, istio_canary(NS, "app", [{"setWeight": 50}]))
    wait_phase(kube, NS, "app", "Healthy")
    before = kube.rollout(NS, "app")["metadata"]["resourceVersion"]
    kube.promote(NS, "app")
    after = kube.rollout(NS, "app")
    assert after["metadata"]["resourceVersion"] == before
    assert after["status"]["currentStepIndex"] == 1


def test_promote_of_a_canary_without_steps_sends_nothing(kube):
    setup(kube.cluster, [basic_canary(NS, "plain", None, replicas=2)])
    wait_phase(kube, NS, "plain", "Healthy")
    kube.cluster.clear_requests()
    kube.promote(NS, "plain")
    assert kube.cluster.requests() == []
