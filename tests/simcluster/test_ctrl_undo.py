"""`kubectl argo rollouts undo`: back to the stable revision (fast track) or an older one."""

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
STEPS = [{"setWeight": 25}, {"pause": {}}, {"setWeight": 75}, {"pause": {}}]
IMAGE = "argoproj/rollouts-demo"


@pytest.fixture
def kube(make_simcluster):
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace(NS, istio=True), *istio_canary(NS, "app", STEPS)])
    kube = Kube(cluster)
    wait_phase(kube, NS, "app", "Healthy")
    yield kube
    kube.close()


def revisions(kube: Kube) -> dict[str, tuple[str, str]]:
    """ReplicaSet name -> (revision, revision-history)."""
    return {name: (rs.metadata.annotations.get("rollout.argoproj.io/revision"),
                   rs.metadata.annotations.get("rollout.argoproj.io/revision-history", ""))
            for name, rs in kube.replicasets(NS, "app-").items()}


def complete_update(kube: Kube, tag: str) -> str:
    kube.set_image(NS, "app", f"{IMAGE}:{tag}")
    wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")
    kube.promote_full(NS, "app")
    return wait_phase(kube, NS, "app", "Healthy")["stableRS"]


def test_undo_to_the_stable_revision_skips_the_steps(kube):
    stable = kube.status(NS, "app")["stableRS"]
    kube.set_image(NS, "app", f"{IMAGE}:yellow")
    canary = wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")["currentPodHash"]
    kube.undo(NS, "app")
    status = wait_phase(kube, NS, "app", "Healthy")
    assert status["currentPodHash"] == status["stableRS"] == stable
    assert status["currentStepIndex"] == len(STEPS)
    assert revisions(kube)[f"app-{stable}"] == ("3", "1")
    wait_for(lambda: kube.replicasets(NS, f"app-{canary}")[f"app-{canary}"].metadata.annotations
             .get("scale-down-deadline"), what="the abandoned canary to get a deadline")
    kube.cluster.advance(31)
    wait_for(lambda: kube.replicasets(NS, f"app-{canary}")[f"app-{canary}"].spec.replicas == 0,
             what="the abandoned canary to scale down")
    events = kube.core.list_namespaced_event(NS).items
    assert any(e.reason == "SkipSteps" and e.message == "Rollback to stable ReplicaSets"
               for e in events)


def test_undo_to_an_older_revision_reuses_its_replicaset_and_runs_the_steps(kube):
    first = kube.status(NS, "app")["stableRS"]
    complete_update(kube, "yellow")
    kube.undo(NS, "app", revision=1)
    status = wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")
    assert status["currentPodHash"] == first and status["currentStepIndex"] == 1
    assert revisions(kube)[f"app-{first}"] == ("3", "1")
    assert len(kube.replicasets(NS, "app-")) == 2
