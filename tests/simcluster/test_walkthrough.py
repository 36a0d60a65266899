"""The user's guide, end to end, against the demo seed over HTTP with the official client."""

from __future__ import annotations

import pytest

from tests.simcluster.ctrl_support import Kube, ready_count, start_cluster, wait_for, wait_phase

NS, NAME, VS = "my-demo", "rollouts-demo", "rollouts-demo-vsvc"
BLUE_HASH, YELLOW_HASH = "76c569d8b", "5cf4fb69f8"
IMAGE = "argoproj/rollouts-demo"


@pytest.fixture
def kube(make_simcluster):
    cluster = start_cluster(make_simcluster, seeds=("demo",))
    kube = Kube(cluster)
    yield kube
    kube.close()


def vs_weights(kube: Kube) -> dict[str, int]:
    return kube.weights(NS, VS)


def canary_selector(kube: Kube) -> str:
    service = kube.core.read_namespaced_service("rollouts-demo-canary", NS)
    return service.spec.selector.get("rollouts-pod-template-hash", "")


def ready_pods(kube: Kube, rs_hash: str) -> list:
    pods = kube.pods(NS, f"{NAME}-{rs_hash}-")
    return [p for p in pods if ready_count(p) == (2, 2) and p.status.phase == "Running"]


def test_the_demo_seed_looks_like_the_guides_first_output(kube):
    status = wait_phase(kube, NS, NAME, "Healthy")
    assert status["currentStepIndex"] == 9 and status["stableRS"] == BLUE_HASH
    assert status["replicas"] == status["availableReplicas"] == 4
    assert list(kube.replicasets(NS, NAME)) == [f"{NAME}-{BLUE_HASH}"]
    assert sorted(p.metadata.name.rsplit("-", 1)[1] for p in ready_pods(kube, BLUE_HASH)) == [
        "24gls", "ck4rq", "kxb56", "wmgnm"]
    assert vs_weights(kube) == {"rollouts-demo-stable": 100, "rollouts-demo-canary": 0}
    assert kube.virtual_service(NS, VS)["spec"]["hosts"] == ["rollouts-demo.local"]


def update_to_yellow_pauses_at_the_first_step(kube: Kube) -> None:
    kube.set_image(NS, NAME, f"{IMAGE}:yellow")
    status = wait_phase(kube, NS, NAME, "Paused", "CanaryPauseStep")
    assert status["currentStepIndex"] == 1
    assert status["canary"]["weights"]["canary"] == {
        "weight": 20, "serviceName": "rollouts-demo-canary", "podTemplateHash": YELLOW_HASH}
    wait_for(lambda: len(ready_pods(kube, YELLOW_HASH)) == 1 and len(ready_pods(
        kube, BLUE_HASH)) == 4, what="4 stable + 1 canary pods, each 2/2")
    assert vs_weights(kube) == {"rollouts-demo-stable": 80, "rollouts-demo-canary": 20}
    assert canary_selector(kube) == YELLOW_HASH


def promote_moves_to_step_three(kube: Kube) -> None:
    kube.promote(NS, NAME)
    wait_for(lambda: kube.status(NS, NAME).get("currentStepIndex") == 3, what="step 3/9")
    status = wait_phase(kube, NS, NAME, "Paused", "CanaryPauseStep")
    assert status["canary"]["weights"]["canary"]["weight"] == 40
    assert vs_weights(kube) == {"rollouts-demo-stable": 60, "rollouts-demo-canary": 40}
    wait_for(lambda: len(ready_pods(kube, YELLOW_HASH)) == 2, what="2 canary pods")
    assert len(kube.pods(NS, NAME)) == 6


def timed_pauses_lead_to_completion(kube: Kube) -> None:
    for index, canary_weight in ((5, 60), (7, 80)):
        kube.cluster.advance(61)
        wait_for(lambda i=index: kube.status(NS, NAME).get("currentStepIndex") == i,
                 what=f"step {index}/9")
        wait_for(lambda w=canary_weight: vs_weights(kube)["rollouts-demo-canary"] == w,
                 what=f"VS canary {canary_weight}")
    kube.cluster.advance(61)
    status = wait_phase(kube, NS, NAME, "Healthy")
    assert status["stableRS"] == status["currentPodHash"] == YELLOW_HASH
    wait_for(lambda: vs_weights(kube) == {"rollouts-demo-stable": 100,
                                          "rollouts-demo-canary": 0}, what="VS back to 100/0")


def old_replicaset_scales_down_after_its_delay(kube: Kube) -> None:
    def old():
        return kube.replicasets(NS, f"{NAME}-{BLUE_HASH}")[f"{NAME}-{BLUE_HASH}"]

    deadline = wait_for(lambda: old().metadata.annotations.get("scale-down-deadline"),
                        what="scale-down-deadline on the old ReplicaSet")
    assert deadline.endswith("Z") and old().spec.replicas == 4
    kube.cluster.advance(31)
    wait_for(lambda: old().spec.replicas == 0, what="old ReplicaSet scaled to 0")


def abort_then_retry(kube: Kube) -> None:
    kube.set_image(NS, NAME, f"{IMAGE}:red")
    wait_phase(kube, NS, NAME, "Paused", "CanaryPauseStep")
    kube.abort(NS, NAME)
    status = wait_phase(kube, NS, NAME, "Degraded",
                        "RolloutAborted: Rollout aborted update to revision 3")
    assert status["abort"] is True and status["abortedAt"]
    wait_for(lambda: vs_weights(kube) == {"rollouts-demo-stable": 100,
                                          "rollouts-demo-canary": 0}, what="abort -> 100/0")
    kube.retry(NS, NAME)
    status = wait_phase(kube, NS, NAME, "Paused", "CanaryPauseStep")
    assert status["currentStepIndex"] == 1 and "abort" not in status
    assert vs_weights(kube)["rollouts-demo-canary"] == 20


def test_the_guide_walkthrough_from_update_to_completion_then_abort_and_retry(kube):
    wait_phase(kube, NS, NAME, "Healthy")
    update_to_yellow_pauses_at_the_first_step(kube)
    promote_moves_to_step_three(kube)
    timed_pauses_lead_to_completion(kube)
    old_replicaset_scales_down_after_its_delay(kube)
    abort_then_retry(kube)
