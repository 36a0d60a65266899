"""Images that never start (`:bad`) or keep crashing (`:crash`) end in ProgressDeadlineExceeded."""

from __future__ import annotations

import re

import pytest

from tests.simcluster.ctrl_support import (
    Kube,
    basic_canary,
    namespace,
    setup,
    start_cluster,
    wait_for,
    wait_phase,
)

NS = "batch"


@pytest.fixture
def kube(make_simcluster):
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace(NS), basic_canary(NS, "app", [{"setWeight": 50}, {"pause": {}}],
                                                replicas=2, progressDeadlineSeconds=60)])
    kube = Kube(cluster)
    wait_phase(kube, NS, "app", "Healthy")
    yield kube
    kube.close()


def waiting_reason(pod) -> str:
    statuses = pod.status.container_statuses or []
    waiting = statuses[0].state.waiting if statuses else None
    return waiting.reason if waiting else ""


def test_a_bad_image_stays_in_image_pull_back_off_and_the_rollout_times_out(kube):
    kube.set_image(NS, "app", "argoproj/rollouts-demo:bad")
    new_hash = wait_for(lambda: kube.status(NS, "app").get("currentPodHash") if kube.status(
        NS, "app").get("currentPodHash") != kube.status(NS, "app").get("stableRS") else None,
        what="the update to start")
    pod = wait_for(lambda: [p for p in kube.pods(NS, f"app-{new_hash}")
                            if waiting_reason(p) == "ImagePullBackOff"], what="ImagePullBackOff")[0]
    assert pod.status.phase == "Pending" and pod.status.pod_ip
    assert pod.status.container_statuses[0].state.waiting.message == (
        'Back-off pulling image "argoproj/rollouts-demo:bad"')
    ready = next(c for c in pod.status.conditions if c.type == "Ready")
    assert (ready.status, ready.reason) == ("False", "ContainersNotReady")
    kube.cluster.advance(10)  # the first back-off is over: the kubelet pulls again
    wait_for(lambda: waiting_reason(kube.core.read_namespaced_pod(pod.metadata.name, NS))
             == "ErrImagePull", what="the next pull attempt")
    kube.cluster.advance(61)
    status = wait_phase(kube, NS, "app", "Degraded")
    assert status["message"] == (f'ProgressDeadlineExceeded: ReplicaSet "app-{new_hash}" has '
                                 "timed out progressing.")
    progressing = next(c for c in status["conditions"] if c["type"] == "Progressing")
    assert (progressing["status"], progressing["reason"]) == ("False", "ProgressDeadlineExceeded")


def test_a_crashing_image_loops_in_crash_loop_back_off_with_growing_restarts(kube):
    kube.set_image(NS, "app", "argoproj/rollouts-demo:crash")

    def crashing():
        pods = [p for p in kube.pods(NS) if waiting_reason(p) == "CrashLoopBackOff"]
        return pods[0] if pods else None

    pod = wait_for(crashing, what="CrashLoopBackOff")
    first = pod.status.container_statuses[0].restart_count
    assert first >= 1 and pod.status.phase == "Running"
    last = pod.status.container_statuses[0].last_state.terminated
    assert (last.reason, last.exit_code) == ("Error", 1)
    assert (last.finished_at - last.started_at).total_seconds() == 1
    assert re.fullmatch(rf"back-off \d+s restarting failed container=app "
                        rf"pod={pod.metadata.name}_{NS}\({pod.metadata.uid}\)",
                        pod.status.container_statuses[0].state.waiting.message)
    kube.cluster.advance(40)
    wait_for(lambda: kube.core.read_namespaced_pod(pod.metadata.name, NS).status
             .container_statuses[0].restart_count > first, what="more restarts")
    kube.cluster.advance(61)
    wait_phase(kube, NS, "app", "Degraded")
