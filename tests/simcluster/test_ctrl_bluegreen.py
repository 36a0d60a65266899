"""Blue-green: preview first, then the active Service switches (by hand or after a delay)."""

from __future__ import annotations

from simcluster.seeds import manifests
from tests.simcluster.ctrl_support import (
    Kube,
    namespace,
    setup,
    start_cluster,
    wait_for,
    wait_phase,
)

NS = "shop"
IMAGE = "argoproj/rollouts-demo"


def bluegreen(name: str, **strategy) -> list[dict]:
    spec = {"blueGreen": {"activeService": f"{name}-active", "previewService": f"{name}-preview",
                          **strategy}}
    return [manifests.rollout(name, NS, 3, spec), manifests.service(f"{name}-active", name, NS),
            manifests.service(f"{name}-preview", name, NS)]


def selector(kube: Kube, service: str) -> str:
    spec = kube.core.read_namespaced_service(service, NS).spec
    return spec.selector.get("rollouts-pod-template-hash", "")


def start(make_simcluster, **strategy) -> Kube:
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace(NS), *bluegreen("app", **strategy)])
    kube = Kube(cluster)
    status = wait_phase(kube, NS, "app", "Healthy")
    assert status["blueGreen"] == {"activeSelector": status["stableRS"],
                                   "previewSelector": status["stableRS"]}
    return kube


def test_manual_promotion_switches_active_then_the_old_stack_scales_down_after_its_delay(
        make_simcluster):
    kube = start(make_simcluster, autoPromotionEnabled=False, scaleDownDelaySeconds=20)
    old = kube.status(NS, "app")["stableRS"]
    kube.set_image(NS, "app", f"{IMAGE}:green")
    status = wait_phase(kube, NS, "app", "Paused", "BlueGreenPause")
    new = status["currentPodHash"]
    assert selector(kube, "app-preview") == new and selector(kube, "app-active") == old
    assert status["blueGreen"]["previewSelector"] == new
    kube.promote(NS, "app")
    status = wait_phase(kube, NS, "app", "Healthy")
    assert status["stableRS"] == new and selector(kube, "app-active") == new
    deadline = wait_for(lambda: kube.replicasets(NS, f"app-{old}")[
        f"app-{old}"].metadata.annotations.get("scale-down-deadline"), what="deadline")
    assert deadline and kube.replicasets(NS, f"app-{old}")[f"app-{old}"].spec.replicas == 3
    kube.cluster.advance(21)
    wait_for(lambda: kube.replicasets(NS, f"app-{old}")[f"app-{old}"].spec.replicas == 0,
             what="old stack scaled down")
    kube.close()


def test_auto_promotion_switches_after_auto_promotion_seconds(make_simcluster):
    kube = start(make_simcluster, autoPromotionSeconds=600)
    kube.set_image(NS, "app", f"{IMAGE}:green")
    status = wait_phase(kube, NS, "app", "Paused", "BlueGreenPause")
    kube.cluster.advance(601)
    status = wait_phase(kube, NS, "app", "Healthy")
    assert selector(kube, "app-active") == status["currentPodHash"] == status["stableRS"]
    kube.close()


def test_preview_replica_count_runs_a_small_preview_until_promotion(make_simcluster):
    kube = start(make_simcluster, autoPromotionEnabled=False, previewReplicaCount=1)
    kube.set_image(NS, "app", f"{IMAGE}:green")
    status = wait_phase(kube, NS, "app", "Paused", "BlueGreenPause")
    new = status["currentPodHash"]
    assert kube.replicasets(NS, f"app-{new}")[f"app-{new}"].spec.replicas == 1
    kube.promote(NS, "app")
    wait_phase(kube, NS, "app", "Healthy")
    assert kube.replicasets(NS, f"app-{new}")[f"app-{new}"].spec.replicas == 3
    kube.close()


def test_abort_keeps_the_active_service_on_the_stable_stack(make_simcluster):
    kube = start(make_simcluster, autoPromotionEnabled=False)
    old = kube.status(NS, "app")["stableRS"]
    kube.set_image(NS, "app", f"{IMAGE}:green")
    wait_phase(kube, NS, "app", "Paused", "BlueGreenPause")
    kube.abort(NS, "app")
    status = wait_phase(kube, NS, "app", "Degraded",
                        "RolloutAborted: Rollout aborted update to revision 2")
    assert selector(kube, "app-active") == old == status["blueGreen"]["activeSelector"]
    kube.close()


PASS = {"apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisTemplate",
        "metadata": {"name": "smoke", "namespace": NS},
        "spec": {"metrics": [{"name": "smoke", "provider": {"web": {"url": "http://app/"}}}]}}


def test_pre_and_post_promotion_analyses_gate_the_switch(make_simcluster):
    analysis = {"templates": [{"templateName": "smoke"}]}
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace(NS), PASS, *bluegreen(
        "app", autoPromotionEnabled=False, prePromotionAnalysis=analysis,
        postPromotionAnalysis=analysis)])
    kube = Kube(cluster)
    wait_phase(kube, NS, "app", "Healthy")
    kube.set_image(NS, "app", f"{IMAGE}:green")
    status = wait_phase(kube, NS, "app", "Paused", "BlueGreenPause")
    assert status["blueGreen"]["prePromotionAnalysisRunStatus"]["status"] == "Successful"
    kube.promote(NS, "app")
    status = wait_phase(kube, NS, "app", "Healthy")
    assert status["blueGreen"]["postPromotionAnalysisRunStatus"]["status"] == "Successful"
    kinds = sorted(r["metadata"]["labels"]["rollout-type"] for r in kube.runs(NS))
    assert kinds == ["PostPromotion", "PrePromotion"]
    kube.close()


def test_a_failed_pre_promotion_analysis_aborts_with_its_message(make_simcluster):
    analysis = {"templates": [{"templateName": "smoke"}]}
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace(NS), PASS, *bluegreen(
        "app", autoPromotionEnabled=False, prePromotionAnalysis=analysis)])
    kube = Kube(cluster)
    wait_phase(kube, NS, "app", "Healthy")
    kube.set_image(NS, "app", f"{IMAGE}:fail")
    status = wait_phase(kube, NS, "app", "Degraded")
    assert status["message"] == (
        "RolloutAborted: Rollout aborted update to revision 2: Blue/green pre-promotion "
        "analysis phase error/failed: Metric \"smoke\" assessed Failed due to failed (1) > "
        "failureLimit (0)")
    kube.close()
