"""How the controller rewrites Istio objects: header/mirror routes, subsets, tls/tcp, namespaces."""

from __future__ import annotations

from simcluster.seeds import manifests
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
YELLOW = "argoproj/rollouts-demo:yellow"


def start(make_simcluster, documents: list[dict]) -> Kube:
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace(NS, istio=True), namespace("mesh"), *documents])
    return Kube(cluster)


def test_header_and_mirror_routes_are_added_in_managed_order_and_removed_at_the_end(
        make_simcluster):
    routing = {"managedRoutes": [{"name": "header"}, {"name": "mirror"}],
               "istio": {"virtualService": {"name": "app-vsvc", "routes": ["primary"]}}}
    steps = [{"setWeight": 10},
             {"setMirrorRoute": {"name": "mirror", "percentage": 35, "match": [
                 {"method": {"exact": "GET"}, "path": {"prefix": "/api"}}]}},
             {"setHeaderRoute": {"name": "header", "match": [
                 {"headerName": "x-canary", "headerValue": {"exact": "yes"}}]}},
             {"pause": {}}]
    kube = start(make_simcluster, istio_canary(NS, "app", steps, routing=routing))
    wait_phase(kube, NS, "app", "Healthy")
    kube.set_image(NS, "app", YELLOW)
    wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")
    http = kube.virtual_service(NS, "app-vsvc")["spec"]["http"]
    assert [r["name"] for r in http] == ["header", "mirror", "primary"]
    assert http[0]["match"] == [{"headers": {"x-canary": {"exact": "yes"}}}]
    assert http[0]["route"] == [{"destination": {"host": "app-canary"}, "weight": 100}]
    assert http[1]["mirror"] == {"host": "app-canary"}
    assert http[1]["mirrorPercentage"] == {"value": 35}
    assert http[1]["match"] == [{"method": {"exact": "GET"}, "uri": {"prefix": "/api"}}]
    assert [d["weight"] for d in http[1]["route"]] == [90, 10]
    kube.promote(NS, "app")
    wait_phase(kube, NS, "app", "Healthy")
    wait_for(lambda: [r["name"] for r in kube.virtual_service(NS, "app-vsvc")["spec"]["http"]]
             == ["primary"], what="managed routes removed")
    kube.close()


def test_a_destination_rule_subset_split_relabels_subsets_with_pod_hashes(make_simcluster):
    rule = {"apiVersion": manifests.ISTIO, "kind": "DestinationRule",
            "metadata": {"name": "app-rule", "namespace": NS},
            "spec": {"host": "app", "subsets": [
                {"name": "stable", "labels": {"app": "app"}},
                {"name": "canary", "labels": {"app": "app"}},
                {"name": "legacy", "labels": {"app": "app", "track": "legacy"}}]}}
    routing = {"istio": {"virtualService": {"name": "app-vsvc", "routes": ["primary"]},
                         "destinationRule": {"name": "app-rule", "canarySubsetName": "canary",
                                             "stableSubsetName": "stable"}}}
    ro = manifests.rollout("app", NS, 4, {"canary": {"trafficRouting": routing, "steps": [
        {"setWeight": 30}, {"pause": {}}]}})
    vs = manifests.virtual_service("app-vsvc", NS, "app", [manifests.split(
        "primary", "app", "app", subsets=True)])
    kube = start(make_simcluster, [ro, manifests.service("app", "app", NS), rule, vs])
    stable = wait_phase(kube, NS, "app", "Healthy")["stableRS"]
    kube.set_image(NS, "app", YELLOW)
    canary = wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")["currentPodHash"]
    subsets = {s["name"]: s["labels"] for s in kube.destination_rule(NS, "app-rule")["spec"][
        "subsets"]}
    assert subsets["stable"]["rollouts-pod-template-hash"] == stable
    assert subsets["canary"]["rollouts-pod-template-hash"] == canary
    assert subsets["legacy"] == {"app": "app", "track": "legacy"}
    annotations = kube.destination_rule(NS, "app-rule")["metadata"]["annotations"]
    assert annotations["argo-rollouts.argoproj.io/managed-by-rollouts"] == "app"
    assert kube.weights(NS, "app-vsvc") == {"stable": 70, "canary": 30}
    kube.promote(NS, "app")
    wait_phase(kube, NS, "app", "Healthy")
    wait_for(lambda: {s["labels"]["rollouts-pod-template-hash"] for s in kube.destination_rule(
        NS, "app-rule")["spec"]["subsets"][:2]} == {canary}, what="both subsets on the new hash")
    kube.close()


def test_tls_and_tcp_routes_in_a_virtual_service_of_another_namespace_are_weighted(
        make_simcluster):
    def pair(weight_stable: int, weight_canary: int) -> list[dict]:
        return [{"destination": {"host": "app-stable.shop.svc.cluster.local"},
                 "weight": weight_stable},
                {"destination": {"host": "app-canary.shop.svc.cluster.local"},
                 "weight": weight_canary}]

    vs = manifests.virtual_service("edge", "mesh", "app.example.com", [], tls=[
        {"match": [{"port": 443, "sniHosts": ["app.example.com"]}], "route": pair(100, 0)},
        {"match": [{"port": 8443, "sniHosts": ["other.example.com"]}], "route": pair(100, 0)}],
        tcp=[{"match": [{"port": 5432}], "route": pair(100, 0)}])
    del vs["spec"]["http"]
    routing = {"istio": {"virtualService": {
        "name": "edge.mesh", "tlsRoutes": [{"port": 443, "sniHosts": ["app.example.com"]}],
        "tcpRoutes": [{"port": 5432}]}}}
    docs = istio_canary(NS, "app", [{"setWeight": 40}, {"pause": {}}], routing=routing)[:3]
    kube = start(make_simcluster, [*docs, vs])
    wait_phase(kube, NS, "app", "Healthy")
    kube.set_image(NS, "app", YELLOW)
    wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")
    spec = kube.custom.get_namespaced_custom_object("networking.istio.io", "v1", "mesh",
                                                    "virtualservices", "edge")["spec"]
    assert [d["weight"] for d in spec["tls"][0]["route"]] == [60, 40]
    assert [d["weight"] for d in spec["tls"][1]["route"]] == [100, 0]
    assert [d["weight"] for d in spec["tcp"][0]["route"]] == [60, 40]
    kube.close()


def test_max_traffic_weight_scales_the_canary_weight(make_simcluster):
    routing = {"maxTrafficWeight": 1000,
               "istio": {"virtualService": {"name": "app-vsvc", "routes": ["primary"]}}}
    kube = start(make_simcluster, istio_canary(NS, "app", [{"setWeight": 250}, {"pause": {}}],
                                               routing=routing))
    wait_phase(kube, NS, "app", "Healthy")
    kube.set_image(NS, "app", YELLOW)
    status = wait_phase(kube, NS, "app", "Paused", "CanaryPauseStep")
    assert status["canary"]["weights"]["canary"]["weight"] == 250
    assert status["canary"]["weights"]["stable"]["weight"] == 750
    assert len(kube.pods(NS, f"app-{status['currentPodHash']}")) == 1  # ceil(250 x 4 / 1000)
    kube.close()


def test_a_route_missing_from_the_virtual_service_is_an_invalid_spec(make_simcluster):
    routing = {"istio": {"virtualService": {"name": "app-vsvc", "routes": ["nope"]}}}
    kube = start(make_simcluster, istio_canary(NS, "app", [{"setWeight": 10}], routing=routing))
    status = wait_phase(kube, NS, "app", "Degraded")
    assert status["message"] == (
        'InvalidSpec: The Rollout "app" is invalid: spec.strategy.canary.trafficRouting.istio.'
        'virtualService.name: Invalid value: "app-vsvc": Istio VirtualService has invalid HTTP '
        "routes. Error: HTTP Route 'nope' is not found in the defined Virtual Service.")
    kube.close()
