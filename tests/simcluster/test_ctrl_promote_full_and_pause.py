"""`promote --full` skips every remaining step; `pause` holds a rollout where it is."""

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
STEPS = [{"setWeight": 20}, {"pause": {}}, {"setWeight": 60}, {"pause": {"duration": "1h"}},
         {"setWeight": 80}]


@pytest.fixture
def kube(make_simcluster):
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace(NS, istio=True), *istio_canary(NS, "app", STEPS)])
    kube = Kube(cluster)
    wait_phase(kube, NS, "app", "Healthy")
    yield kube
    kube.close()


def test_promote_full_jumps_to_the_last_step_and_makes_the_new_revision_stable(kube):
    kube.set_image(NS, "app", "argoproj/rollouts-demo:yellow")
    status = wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")
    new_hash = status["currentPodHash"]
    kube.promote_full(NS, "app")
    requests = [r for r in kube.cluster.requests() if r["path"].endswith("/app/status")]
    assert requests[-1]["body"] == {"status": {"promoteFull": True}}
    status = wait_phase(kube, NS, "app", "Healthy")
    assert status["stableRS"] == new_hash and status["currentStepIndex"] == len(STEPS)
    assert "promoteFull" not in status and "pauseConditions" not in status
    wait_for(lambda: kube.weights(NS, "app-vsvc") == {"app-stable": 100, "app-canary": 0},
             what="all traffic on the new stable")
    selector = kube.core.read_namespaced_service("app-stable", NS).spec.selector
    assert selector["rollouts-pod-template-hash"] == new_hash


def test_pause_holds_the_rollout_with_a_paused_condition_until_promoted(kube):
    kube.set_image(NS, "app", "argoproj/rollouts-demo:yellow")
    wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")
    kube.promote(NS, "app")
    wait_for(lambda: kube.status(NS, "app").get("currentStepIndex") == 3, what="step 3")
    kube.pause(NS, "app")
    status = wait_phase(kube, NS, "app", "Paused", "manually paused")
    paused = next(c for c in status["conditions"] if c["type"] == "Paused")
    progressing = next(c for c in status["conditions"] if c["type"] == "Progressing")
    assert (paused["status"], paused["reason"]) == ("True", "RolloutPaused")
    assert (progressing["status"], progressing["reason"]) == ("Unknown", "RolloutPaused")
    kube.promote(NS, "app")  # un-pauses and, with the pause step's condition cleared, advances
    status = wait_phase(kube, NS, "app", "Healthy")
    assert status["currentStepIndex"] == len(STEPS)
