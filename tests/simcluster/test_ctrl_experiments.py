"""Experiments: a ReplicaSet per template, analyses, a duration; the rollout waits for success."""

from __future__ import annotations

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

NS = "batch"
PASS = {"apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisTemplate",
        "metadata": {"name": "pass", "namespace": NS},
        "spec": {"metrics": [{"name": "pass", "count": 1, "interval": "5s", "failureLimit": 1,
                              "provider": {"job": {"spec": {"template": {"spec": {
                                  "containers": [{"name": "sleep", "image": "alpine:3.8"}],
                                  "restartPolicy": "Never"}}}}}}]}}
STEPS = [{"setWeight": 25},
         {"experiment": {"duration": "1m", "templates": [
             {"name": "baseline", "specRef": "stable"}, {"name": "canary", "specRef": "canary"}],
             "analyses": [{"name": "pass", "templateName": "pass"}]}},
         {"pause": {}}]


def test_an_experiment_step_runs_its_templates_and_analysis_then_the_rollout_continues(
        make_simcluster):
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace(NS), PASS, basic_canary(NS, "app", STEPS)])
    kube = Kube(cluster)
    wait_phase(kube, NS, "app", "Healthy")
    kube.set_image(NS, "app", "argoproj/rollouts-demo:yellow")
    experiment = wait_for(lambda: kube.custom.list_namespaced_custom_object(
        "argoproj.io", "v1alpha1", NS, "experiments")["items"], what="an experiment")[0]
    status = kube.status(NS, "app")
    name = f"app-{status['currentPodHash']}-2-1"
    assert experiment["metadata"]["name"] == name
    assert status["canary"]["currentExperiment"] == name

    def running() -> dict | None:
        ex = kube.custom.get_namespaced_custom_object("argoproj.io", "v1alpha1", NS,
                                                      "experiments", name)
        return ex if ex.get("status", {}).get("phase") == "Running" else None

    experiment = wait_for(running, what="the experiment to run")
    templates = {t["name"]: t for t in experiment["status"]["templateStatuses"]}
    assert templates["baseline"]["status"] == templates["canary"]["status"] == "Running"
    assert set(kube.replicasets(NS, name)) == {f"{name}-baseline", f"{name}-canary"}
    assert experiment["status"]["availableAt"]
    wait_for(lambda: kube.runs(NS), what="the experiment's analysis run")
    assert kube.runs(NS)[0]["metadata"]["name"] == f"{name}-pass"
    cluster.advance(61)
    status = wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")
    assert status["currentStepIndex"] == 2 and "currentExperiment" not in status["canary"]
    finished = kube.custom.get_namespaced_custom_object("argoproj.io", "v1alpha1", NS,
                                                        "experiments", name)
    assert finished["status"]["phase"] == "Successful"
    wait_for(lambda: all(rs.spec.replicas == 0 for rs in kube.replicasets(NS, name).values()),
             what="experiment ReplicaSets scaled down")
    kube.close()


def test_a_weighted_experiment_template_gets_its_own_service_and_traffic(make_simcluster):
    steps = [{"setWeight": 10},
             {"experiment": {"duration": "1m", "templates": [
                 {"name": "exp", "specRef": "canary", "weight": 20}]}},
             {"pause": {}}]
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace("mesh", istio=True), *istio_canary("mesh", "app", steps)])
    kube = Kube(cluster)
    wait_phase(kube, "mesh", "app", "Healthy")
    kube.set_image("mesh", "app", "argoproj/rollouts-demo:yellow")
    status = kube.status("mesh", "app")
    name = wait_for(lambda: kube.status("mesh", "app")["canary"].get("currentExperiment"),
                    what="the experiment")
    service = f"{name}-exp"
    wait_for(lambda: kube.weights("mesh", "app-vsvc").get(service) == 20,
             what="the experiment's destination in the VirtualService")
    assert kube.weights("mesh", "app-vsvc") == {"app-stable": 70, "app-canary": 10, service: 20}
    status = kube.status("mesh", "app")
    assert status["canary"]["weights"]["additional"][0]["serviceName"] == service
    assert kube.core.read_namespaced_service(service, "mesh").spec.selector[
        "rollouts-pod-template-hash"]
    cluster.advance(61)
    wait_phase(kube, "mesh", "app", "Paused", "CanaryPauseStep")
    wait_for(lambda: service not in kube.weights("mesh", "app-vsvc"), what="destination gone")
    kube.close()
