"""scaleDownDelaySeconds and abortScaleDownDelaySeconds: when old or aborted pods go away."""

from __future__ import annotations

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
STEPS = [{"setWeight": 50}, {"pause": {}}]


def start(make_simcluster, **canary) -> Kube:
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace(NS), *istio_canary(NS, "app", STEPS, replicas=2, **canary)])
    kube = Kube(cluster)
    wait_phase(kube, NS, "app", "Healthy")
    kube.set_image(NS, "app", "argoproj/rollouts-demo:yellow")
    wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")
    return kube


def replicas(kube: Kube, rs_hash: str) -> int:
    return kube.replicasets(NS, f"app-{rs_hash}")[f"app-{rs_hash}"].spec.replicas


def deadline(kube: Kube, rs_hash: str) -> str | None:
    rs = kube.replicasets(NS, f"app-{rs_hash}")[f"app-{rs_hash}"]
    return (rs.metadata.annotations or {}).get("scale-down-deadline")


def test_an_aborted_canary_scales_down_after_the_default_30_seconds(make_simcluster):
    kube = start(make_simcluster)
    canary = kube.status(NS, "app")["currentPodHash"]
    kube.abort(NS, "app")
    wait_phase(kube, NS, "app", "Degraded")
    wait_for(lambda: deadline(kube, canary), what="a scale-down-deadline on the canary")
    assert replicas(kube, canary) == 1
    kube.cluster.advance(31)
    wait_for(lambda: replicas(kube, canary) == 0, what="the canary scaled down")
    kube.close()


def test_abort_scale_down_delay_zero_keeps_the_canary_up(make_simcluster):
    kube = start(make_simcluster, abortScaleDownDelaySeconds=0)
    canary = kube.status(NS, "app")["currentPodHash"]
    kube.abort(NS, "app")
    wait_phase(kube, NS, "app", "Degraded")
    kube.cluster.advance(120)
    wait_for(lambda: kube.status(NS, "app")["phase"] == "Degraded", what="still aborted")
    assert replicas(kube, canary) == 1 and deadline(kube, canary) is None
    kube.close()


def test_scale_down_delay_seconds_keeps_the_old_stable_for_that_long(make_simcluster):
    kube = start(make_simcluster, scaleDownDelaySeconds=100)
    old = kube.status(NS, "app")["stableRS"]
    kube.promote(NS, "app")
    wait_phase(kube, NS, "app", "Healthy")
    wait_for(lambda: deadline(kube, old), what="a deadline on the old stable")
    kube.cluster.advance(60)
    wait_for(lambda: kube.status(NS, "app")["phase"] == "Healthy", what="steady")
    assert replicas(kube, old) == 2
    kube.cluster.advance(41)
    wait_for(lambda: replicas(kube, old) == 0, what="the old stable scaled down")
    kube.close()
