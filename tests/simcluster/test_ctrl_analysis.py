"""AnalysisRuns: created from templates at an analysis step; a failure aborts the rollout."""

from __future__ import annotations

import pytest

from tests.simcluster.ctrl_support import (
    Kube,
    istio_canary,
    namespace,
    setup,
    start_cluster,
    wait_for,
    wait_phase,
)

NS = "shop"
IMAGE = "argoproj/rollouts-demo"


def template(name: str, *, cluster: bool = False, **metric) -> dict:
    metadata = {"name": name} if cluster else {"name": name, "namespace": NS}
    spec = {"args": [{"name": "canary-hash"}],
            "metrics": [{"name": name, "interval": "5s", "count": 2, "failureLimit": 1,
                         "provider": {"prometheus": {
                             "address": "http://prometheus:9090",
                             "query": "rate{hash=\"{{args.canary-hash}}\"}"}}, **metric}]}
    kind = "ClusterAnalysisTemplate" if cluster else "AnalysisTemplate"
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": kind, "metadata": metadata,
            "spec": spec}


STEPS = [{"setWeight": 25},
         {"analysis": {"templates": [{"templateName": "success-rate"},
                                     {"templateName": "latency", "clusterScope": True}],
                       "args": [{"name": "canary-hash",
                                 "valueFrom": {"podTemplateHashValue": "Latest"}}]}},
         {"setWeight": 50}, {"pause": {}}]


@pytest.fixture
def kube(make_simcluster):
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace(NS, istio=True), template("success-rate"),
                    template("latency", cluster=True), *istio_canary(NS, "app", STEPS)])
    kube = Kube(cluster)
    wait_phase(kube, NS, "app", "Healthy")
    yield kube
    kube.close()


def test_a_passing_analysis_step_lets_the_rollout_continue(kube):
    kube.set_image(NS, "app", f"{IMAGE}:yellow")
    status = wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")
    assert status["currentStepIndex"] == 3
    run = kube.runs(NS)[0]
    new_hash = status["currentPodHash"]
    assert run["metadata"]["name"] == f"app-{new_hash}-2-1"
    assert run["metadata"]["labels"]["rollout-type"] == "Step"
    assert run["metadata"]["labels"]["step-index"] == "1"
    assert run["spec"]["args"] == [{"name": "canary-hash", "value": new_hash}]
    assert [m["name"] for m in run["spec"]["metrics"]] == ["success-rate", "latency"]
    assert run["status"]["phase"] == "Successful"
    assert run["status"]["runSummary"] == {"count": 2, "successful": 2}
    result = run["status"]["metricResults"][0]
    assert result["count"] == result["successful"] == 2
    assert [m["phase"] for m in result["measurements"]] == ["Successful", "Successful"]


def test_a_failing_analysis_aborts_the_update_with_the_analysis_message(kube):
    kube.set_image(NS, "app", f"{IMAGE}:fail")
    status = wait_phase(kube, NS, "app", "Degraded", timeout=15)
    assert status["message"] == (
        "RolloutAborted: Rollout aborted update to revision 2: Step-based analysis phase "
        "error/failed: Metric \"success-rate\" assessed Failed due to failed (2) > "
        "failureLimit (1)")
    [run] = kube.runs(NS)
    assert run["status"]["phase"] == "Failed"
    assert run["status"]["message"] == ("Metric \"success-rate\" assessed Failed due to failed "
                                        "(2) > failureLimit (1)")
    wait_for(lambda: kube.weights(NS, "app-vsvc") == {"app-stable": 100, "app-canary": 0},
             what="traffic back on stable")


def test_image_health_can_be_changed_at_runtime(kube):
    kube.cluster.controllers.options.set_image_health(f"{IMAGE}:purple", False)
    kube.set_image(NS, "app", f"{IMAGE}:purple")
    wait_phase(kube, NS, "app", "Degraded", timeout=15)
    kube.cluster.controllers.options.set_image_health(f"{IMAGE}:purple", True)
    kube.retry(NS, "app")
    status = wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep", timeout=15)
    assert status["currentStepIndex"] == 3
    assert sorted(r["status"]["phase"] for r in kube.runs(NS)) == ["Failed", "Successful"]
