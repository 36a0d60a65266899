"""Canary arithmetic: pod-ratio canaries without a router, setCanaryScale with one."""

from __future__ import annotations

from simcluster.controllers.hashing import step_hash
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

NS = "apps"


def start(make_simcluster, *documents) -> Kube:
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace(NS), *documents])
    return Kube(cluster)


def sizes(kube: Kube, prefix: str) -> dict[str, int]:
    return {name: rs.spec.replicas for name, rs in kube.replicasets(NS, prefix).items()}


def test_without_traffic_routing_the_pod_ratio_is_the_weight(make_simcluster):
    steps = [{"setWeight": 20}, {"pause": {}}, {"setWeight": 60}, {"pause": {}}]
    kube = start(make_simcluster, basic_canary(NS, "app", steps, replicas=5))
    old = wait_phase(kube, NS, "app", "Healthy")["stableRS"]
    kube.set_image(NS, "app", "argoproj/rollouts-demo:yellow")
    status = wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")
    new = status["currentPodHash"]
    assert sizes(kube, "app-") == {f"app-{new}": 1, f"app-{old}": 4}
    assert status["currentStepHash"] == step_hash(steps) and "weights" not in status["canary"]
    assert (status["replicas"], status["updatedReplicas"], status["HPAReplicas"]) == (5, 1, 5)
    assert status["selector"] == "app=app"
    assert status["pauseConditions"][0]["reason"] == "CanaryPauseStep"
    assert status["pauseConditions"][0]["startTime"].endswith("Z")
    kube.promote(NS, "app")
    wait_for(lambda: kube.status(NS, "app").get("currentStepIndex") == 3, what="step 3")
    wait_for(lambda: sizes(kube, "app-") == {f"app-{new}": 3, f"app-{old}": 2}, what="3/2")
    kube.promote(NS, "app")
    wait_phase(kube, NS, "app", "Healthy")
    assert sizes(kube, "app-") == {f"app-{new}": 5, f"app-{old}": 0}


def test_set_canary_scale_sizes_the_canary_apart_from_the_weight(make_simcluster):
    steps = [{"setCanaryScale": {"replicas": 3}}, {"setWeight": 10}, {"pause": {}},
             {"setCanaryScale": {"matchTrafficWeight": True}}, {"setWeight": 50}, {"pause": {}}]
    kube = start(make_simcluster, *istio_canary(NS, "app", steps))
    wait_phase(kube, NS, "app", "Healthy")
    kube.set_image(NS, "app", "argoproj/rollouts-demo:yellow")
    status = wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")
    new = status["currentPodHash"]
    assert status["canary"]["weights"]["canary"]["weight"] == 10
    assert sizes(kube, "app-")[f"app-{new}"] == 3
    kube.promote(NS, "app")
    wait_for(lambda: kube.status(NS, "app").get("currentStepIndex") == 5, what="step 5")
    wait_for(lambda: sizes(kube, "app-")[f"app-{new}"] == 2, what="canary matches 50%")


def test_traffic_keeps_the_previous_weight_until_the_bigger_canary_is_up(make_simcluster):
    cluster = start_cluster(make_simcluster, start_delay=30.0)
    steps = [{"setWeight": 25}, {"pause": {}}, {"setWeight": 75}, {"pause": {}}]
    setup(cluster, [namespace(NS), *istio_canary(NS, "app", steps)])
    kube = Kube(cluster)
    cluster.advance(31)
    wait_phase(kube, NS, "app", "Healthy")
    kube.set_image(NS, "app", "argoproj/rollouts-demo:yellow")
    wait_for(lambda: kube.status(NS, "app").get("currentStepIndex") == 0 and len(
        kube.pods(NS)) == 5, what="the first canary pod")
    cluster.advance(31)
    wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")
    assert kube.weights(NS, "app-vsvc") == {"app-stable": 75, "app-canary": 25}
    kube.promote(NS, "app")
    wait_for(lambda: len(kube.pods(NS)) == 7, what="two more canary pods starting")
    status = kube.status(NS, "app")
    assert status["currentStepIndex"] == 2
    assert kube.weights(NS, "app-vsvc") == {"app-stable": 75, "app-canary": 25}
    assert status["canary"]["weights"]["canary"]["weight"] == 25
    cluster.advance(31)
    wait_for(lambda: kube.weights(NS, "app-vsvc") == {"app-stable": 25, "app-canary": 75},
             what="75% once the canary pods are up")
    kube.close()
