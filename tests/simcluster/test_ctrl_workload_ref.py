"""workloadRef: the pod template comes from a Deployment; `set image` changes the Deployment."""

from __future__ import annotations

from tests.simcluster.ctrl_support import Kube, namespace, setup, start_cluster, wait_phase

NS = "batch"
DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment",
              "metadata": {"name": "web", "namespace": NS},
              "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}}, "spec": {
                           "containers": [{"name": "web",
                                           "image": "argoproj/rollouts-demo:blue"}]}}}}
ROLLOUT = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
           "metadata": {"name": "web", "namespace": NS},
           "spec": {"replicas": 2, "workloadRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                                   "name": "web"},
                    "strategy": {"canary": {"steps": [{"setWeight": 50}, {"pause": {}}]}}}}


def test_the_template_comes_from_the_referenced_deployment(make_simcluster):
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace(NS), DEPLOYMENT, ROLLOUT])
    kube = Kube(cluster)
    status = wait_phase(kube, NS, "web", "Healthy")
    [rs] = kube.replicasets(NS, "web-").values()
    assert rs.spec.template.spec.containers[0].image == "argoproj/rollouts-demo:blue"
    assert status["workloadObservedGeneration"] == "1"
    annotations = kube.rollout(NS, "web")["metadata"]["annotations"]
    assert annotations["rollout.argoproj.io/workload-generation"] == "1"
    deployment = kube.apps.read_namespaced_deployment("web", NS)
    deployment.spec.template.spec.containers[0].image = "argoproj/rollouts-demo:yellow"
    kube.apps.replace_namespaced_deployment("web", NS, deployment)
    status = wait_phase(kube, NS, "web", "Paused", "CanaryPauseStep")
    assert status["workloadObservedGeneration"] == "2"
    assert len(kube.replicasets(NS, "web-")) == 2


def test_a_missing_deployment_is_an_invalid_spec(make_simcluster):
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace(NS), ROLLOUT])
    status = wait_phase(Kube(cluster), NS, "web", "Degraded")
    assert status["message"] == ('InvalidSpec: The Rollout "web" is invalid: spec.workloadRef.name:'
                                 ' Invalid value: "web": deployments.apps "web" not found')
