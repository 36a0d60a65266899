"""Manifests of the demo seed: the guide's application plus a few rollouts with other stories."""

from __future__ import annotations

from typing import Any

DEMO_IMAGE = "argoproj/rollouts-demo"
ISTIO = "networking.istio.io/v1alpha3"
ARGO = "argoproj.io/v1alpha1"

GUIDE_STEPS = [{"setWeight": 20}, {"pause": {}}, {"setWeight": 40}, {"pause": {"duration": "1m"}},
               {"setWeight": 60}, {"pause": {"duration": "1m"}}, {"setWeight": 80},
               {"pause": {"duration": "1m"}}, {"setWeight": 100}]


def namespace(name: str, istio: bool) -> dict:
    labels = {"kubernetes.io/metadata.name": name}
    if istio:
        labels["istio-injection"] = "enabled"
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}


def service(name: str, app: str, ns: str) -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
            "spec": {"ports": [{"port": 80, "targetPort": "http", "protocol": "TCP",
                                "name": "http"}],
                     "selector": {"app": app}}}


def container(app: str, colour: str) -> dict:
    return {"name": app, "image": f"{DEMO_IMAGE}:{colour}",
            "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
            "resources": {"requests": {"memory": "32Mi", "cpu": "5m"}}}


def rollout(name: str, ns: str, replicas: int, strategy: dict, colour: str = "blue",
            extra_labels: dict | None = None, **spec: Any) -> dict:
    labels = {"app": name, **(extra_labels or {})}
    return {"apiVersion": ARGO, "kind": "Rollout", "metadata": {"name": name, "namespace": ns},
            "spec": {"replicas": replicas, "strategy": strategy, "revisionHistoryLimit": 2,
                     "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [container(name, colour)]}},
                     **spec}}


def virtual_service(name: str, ns: str, host: str, routes: list[dict], **spec: Any) -> dict:
    return {"apiVersion": ISTIO, "kind": "VirtualService",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"hosts": [host], "http": routes, **spec}}


def split(name: str, stable: str, canary: str, subsets: bool = False) -> dict:
    def dest(host_or_subset: str, weight: int) -> dict:
        target = {"host": stable, "subset": host_or_subset} if subsets else {"host": host_or_subset}
        return {"destination": target, "weight": weight}
    route = {"route": [dest(stable if not subsets else "stable", 100),
                       dest(canary if not subsets else "canary", 0)]}
    return {"name": name, **route} if name else route


def guide(ns: str = "my-demo") -> tuple[dict, list[dict]]:
    """The user's guide: the Rollout first, then its Services, Gateway and VirtualService."""
    strategy = {"canary": {
        "canaryService": "rollouts-demo-canary", "stableService": "rollouts-demo-stable",
        "trafficRouting": {"istio": {"virtualService": {"name": "rollouts-demo-vsvc",
                                                        "routes": ["primary"]}}},
        "steps": GUIDE_STEPS}}
    demo = rollout("rollouts-demo", ns, 4, strategy, extra_labels={"istio-injection": "enabled"})
    gateway = {"apiVersion": ISTIO, "kind": "Gateway",
               "metadata": {"name": "rollouts-demo-gateway", "namespace": ns},
               "spec": {"selector": {"istio": "ingressgateway"},
                        "servers": [{"port": {"number": 80, "name": "http", "protocol": "HTTP"},
                                     "hosts": ["*"]}]}}
    vs = virtual_service("rollouts-demo-vsvc", ns, "rollouts-demo.local",
                         [split("primary", "rollouts-demo-stable", "rollouts-demo-canary")],
                         gateways=["rollouts-demo-gateway"])
    rest = [service("rollouts-demo-canary", "rollouts-demo", ns),
            service("rollouts-demo-stable", "rollouts-demo", ns), gateway, vs]
    return demo, rest


def _success_rate(ns: str) -> dict:
    query = ("sum(irate(istio_requests_total{destination_service=~\"{{args.service-name}}\","
             "response_code!~\"5.*\"}[1m])) / sum(irate(istio_requests_total{"
             "destination_service=~\"{{args.service-name}}\"}[1m]))")
    return {"apiVersion": ARGO, "kind": "AnalysisTemplate",
            "metadata": {"name": "success-rate", "namespace": ns},
            "spec": {"args": [{"name": "service-name"}],
                     "metrics": [{"name": "success-rate", "interval": "10s", "count": 3,
                                  "failureLimit": 1, "successCondition": "result[0] >= 0.95",
                                  "provider": {"prometheus": {
                                      "address": "http://prometheus.istio-system:9090",
                                      "query": query}}}]}}


def _checkout(ns: str) -> list[dict]:
    strategy = {"blueGreen": {"activeService": "checkout-active",
                              "previewService": "checkout-preview",
                              "autoPromotionEnabled": False, "scaleDownDelaySeconds": 30}}
    return [rollout("checkout", ns, 3, strategy), service("checkout-active", "checkout", ns),
            service("checkout-preview", "checkout", ns)]


def _payments(ns: str) -> list[dict]:
    analysis = {"templates": [{"templateName": "success-rate"}],
                "args": [{"name": "service-name",
                          "value": "payments-canary.shop.svc.cluster.local"}]}
    strategy = {"canary": {
        "canaryService": "payments-canary", "stableService": "payments-stable",
        "trafficRouting": {"istio": {"virtualService": {"name": "payments-vsvc"}}},
        "steps": [{"setWeight": 20}, {"analysis": analysis}, {"setWeight": 50},
                  {"pause": {"duration": "30s"}}]}}
    return [_success_rate(ns), rollout("payments", ns, 4, strategy),
            service("payments-canary", "payments", ns),
            service("payments-stable", "payments", ns),
            virtual_service("payments-vsvc", ns, "payments.shop.svc.cluster.local",
                            [split("", "payments-stable", "payments-canary")])]


def _frontend(ns: str) -> list[dict]:
    header = {"name": "header-route", "match": [
        {"headerName": "x-canary", "headerValue": {"exact": "true"}}]}
    mirror = {"name": "mirror-route", "percentage": 35, "match": [
        {"method": {"exact": "GET"}, "path": {"prefix": "/"}}]}
    strategy = {"canary": {
        "canaryService": "frontend-canary", "stableService": "frontend-stable",
        "trafficRouting": {
            "managedRoutes": [{"name": "header-route"}, {"name": "mirror-route"}],
            "istio": {"virtualService": {"name": "frontend-vsvc", "routes": ["primary"]}}},
        "steps": [{"setWeight": 10}, {"setHeaderRoute": header}, {"setMirrorRoute": mirror},
                  {"pause": {}}, {"setWeight": 50}, {"pause": {"duration": "1m"}}]}}
    return [rollout("frontend", ns, 4, strategy), service("frontend-canary", "frontend", ns),
            service("frontend-stable", "frontend", ns),
            virtual_service("frontend-vsvc", ns, "frontend.shop.svc.cluster.local",
                            [split("primary", "frontend-stable", "frontend-canary")])]


def _reviews(ns: str) -> list[dict]:
    strategy = {"canary": {
        "trafficRouting": {"istio": {
            "virtualService": {"name": "reviews-vsvc", "routes": ["primary"]},
            "destinationRule": {"name": "reviews-destrule", "canarySubsetName": "canary",
                                "stableSubsetName": "stable"}}},
        "steps": [{"setWeight": 30}, {"pause": {}}, {"setWeight": 60},
                  {"pause": {"duration": "1m"}}]}}
    rule = {"apiVersion": ISTIO, "kind": "DestinationRule",
            "metadata": {"name": "reviews-destrule", "namespace": ns},
            "spec": {"host": "reviews",
                     "subsets": [{"name": "stable", "labels": {"app": "reviews"}},
                                 {"name": "canary", "labels": {"app": "reviews"}}]}}
    return [rollout("reviews", ns, 4, strategy), service("reviews", "reviews", ns), rule,
            virtual_service("reviews-vsvc", ns, "reviews",
                            [split("primary", "reviews", "reviews", subsets=True)])]


def shop(ns: str = "shop") -> list[dict]:
    """A blue-green checkout, an analysed payments canary, a frontend with header and mirror
    routes, and a reviews canary split by DestinationRule subsets."""
    return _checkout(ns) + _payments(ns) + _frontend(ns) + _reviews(ns)


def batch(ns: str = "batch") -> list[dict]:
    worker = rollout("worker", ns, 5, {"canary": {"steps": [
        {"setWeight": 20}, {"pause": {}}, {"setWeight": 60}, {"pause": {"duration": "2m"}}]}})
    importer = rollout("importer", ns, 2, {"canary": {"steps": [
        {"setWeight": 50}, {"pause": {"duration": "30s"}}]}}, progressDeadlineSeconds=120)
    reporter = rollout("reporter", ns, 2, {"canary": {}})
    return [worker, importer, reporter]


# (namespace, rollout, new image tag): the updates made after everything first became Healthy.
UPDATES = [("shop", "checkout", "green"), ("shop", "payments", "fail"),
           ("shop", "frontend", "yellow"), ("shop", "reviews", "orange"),
           ("batch", "worker", "purple"), ("batch", "importer", "crash")]
