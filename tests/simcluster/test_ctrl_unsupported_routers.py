"""Traffic routers we do not simulate: said so clearly; the rollout progresses by pod ratio."""

from __future__ import annotations

from simcluster.seeds import manifests
from tests.simcluster.ctrl_support import Kube, namespace, setup, start_cluster, wait_phase

NS = "edge"
INGRESS = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
           "metadata": {"name": "app-ingress", "namespace": NS},
           "spec": {"rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {
               "service": {"name": "app-root", "port": {"name": "use-annotation"}}}}]}}]}}


def test_an_alb_rollout_reports_the_router_and_steps_by_pod_ratio(make_simcluster):
    routing = {"alb": {"ingress": "app-ingress", "servicePort": 80, "rootService": "app-root"}}
    strategy = {"canary": {"canaryService": "app-canary", "stableService": "app-stable",
                           "trafficRouting": routing,
                           "steps": [{"setWeight": 50}, {"pause": {}}]}}
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace(NS), manifests.rollout("app", NS, 4, strategy), INGRESS,
                    *(manifests.service(f"app-{s}", "app", NS) for s in ("canary", "stable",
                                                                          "root"))])
    kube = Kube(cluster)
    status = wait_phase(kube, NS, "app", "Healthy")
    note = next(c for c in status["conditions"] if c["type"] == "TrafficRouting")
    assert (note["status"], note["reason"]) == ("False", "TrafficRouterNotSimulated")
    assert note["message"] == ("simcluster does not simulate the alb traffic router: steps "
                               "progress by pod ratio and no alb object is rewritten")
    rv = cluster.store.get("ingresses", NS, "app-ingress")["metadata"]["resourceVersion"]
    kube.set_image(NS, "app", "argoproj/rollouts-demo:yellow")
    status = wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")
    new, old = status["currentPodHash"], status["stableRS"]
    assert len(kube.pods(NS, f"app-{new}")) == 2 and len(kube.pods(NS, f"app-{old}")) == 2
    assert "weights" not in status["canary"]
    kube.promote(NS, "app")
    wait_phase(kube, NS, "app", "Healthy")
    assert cluster.store.get("ingresses", NS, "app-ingress")["metadata"]["resourceVersion"] == rv
    events = kube.core.list_namespaced_event(NS).items
    assert any(e.reason == "TrafficRouterNotSimulated" and e.type == "Warning" for e in events)
    kube.close()
