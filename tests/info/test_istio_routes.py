"""Which VirtualService routes the controller manages, and how destinations are classified."""

from __future__ import annotations

import copy

from rollouts.info import referenced_virtualservices
from tests.info.support import NOW_STEP3, PAUSED_STEP3, Bundle, build, load, subset_split_bundle

VS = "rollouts-demo-vsvc"


def bundle_with_http(http: list[dict], routes: list[str] | None = None) -> Bundle:
    bundle = load(PAUSED_STEP3)
    bundle.named("virtualservices", VS)["spec"]["http"] = http
    bundle.canary["trafficRouting"]["istio"]["virtualService"]["routes"] = routes or []
    return bundle


def split(stable: int, canary: int, host_suffix: str = "") -> list[dict]:
    return [
        {"destination": {"host": f"rollouts-demo-stable{host_suffix}"}, "weight": stable},
        {"destination": {"host": f"rollouts-demo-canary{host_suffix}"}, "weight": canary},
    ]


def test_the_named_route_is_resolved_with_its_weights_beside_desired_and_applied() -> None:
    traffic = build(load(PAUSED_STEP3), NOW_STEP3).traffic
    [route] = traffic.routes
    assert (route.virtualservice, route.kind, route.name, route.index) == (
        "my-demo/rollouts-demo-vsvc",
        "http",
        "primary",
        0,
    )
    assert (route.stable_weight, route.canary_weight, route.total_weight) == (60, 40, 100)
    assert (traffic.desired_weight, traffic.applied.canary, traffic.applied.stable) == (40, 40, 60)
    assert traffic.router == "istio" and traffic.resolvable
    assert traffic.virtualservices[0].found


def test_without_route_names_the_only_route_is_managed() -> None:
    bundle = bundle_with_http([{"route": split(60, 40)}])
    [route] = build(bundle, NOW_STEP3).traffic.routes
    assert (route.name, route.canary_weight) == ("", 40)


def test_without_route_names_the_first_unnamed_route_is_managed_and_the_ambiguity_flagged() -> None:
    http = [
        {"name": "api", "match": [{"uri": {"prefix": "/api"}}], "route": split(100, 0)},
        {"route": split(60, 40)},
    ]
    traffic = build(bundle_with_http(http), NOW_STEP3).traffic
    assert [(r.index, r.name) for r in traffic.routes] == [(1, "")]
    assert any("spec.http[] should be set in VirtualService" in w for w in traffic.warnings)


def test_listed_routes_are_found_by_name_in_any_position() -> None:
    http = [{"name": "api", "route": split(100, 0)}, {"name": "primary", "route": split(60, 40)}]
    [route] = build(bundle_with_http(http, ["primary"]), NOW_STEP3).traffic.routes
    assert (route.index, route.name, route.canary_weight) == (1, "primary", 40)


def test_hosts_are_compared_by_the_part_before_the_first_dot() -> None:
    http = [{"name": "primary", "route": split(60, 40, ".my-demo.svc.cluster.local")}]
    traffic = build(bundle_with_http(http, ["primary"]), NOW_STEP3).traffic
    [route] = traffic.routes
    assert [(d.short_host, d.role) for d in route.destinations] == [
        ("rollouts-demo-stable", "stable"),
        ("rollouts-demo-canary", "canary"),
    ]
    assert traffic.warnings == ()


def test_tls_routes_are_matched_by_port_and_sni_hosts() -> None:
    bundle = load(PAUSED_STEP3)
    vs = bundle.named("virtualservices", VS)["spec"]
    vs["tls"] = [
        {"match": [{"port": 3001, "sniHosts": ["localhost"]}], "route": split(100, 0)},
        {
            "match": [{"port": 3000, "sniHosts": ["reviews.bookinfo.com", "localhost"]}],
            "route": split(60, 40),
        },
    ]
    entry = bundle.canary["trafficRouting"]["istio"]["virtualService"]
    entry["tlsRoutes"] = [{"port": 3000, "sniHosts": ["localhost", "reviews.bookinfo.com"]}]
    tls = [r for r in build(bundle, NOW_STEP3).traffic.routes if r.kind == "tls"]
    assert [(r.index, r.match, r.canary_weight) for r in tls] == [
        (1, "port 3000, sni reviews.bookinfo.com, localhost", 40)
    ]


def test_tcp_routes_are_matched_by_port() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.named("virtualservices", VS)["spec"]["tcp"] = [
        {"match": [{"port": 27017}], "route": split(60, 40)},
        {"match": [{"port": 6379}], "route": split(100, 0)},
    ]
    bundle.canary["trafficRouting"]["istio"]["virtualService"]["tcpRoutes"] = [{"port": 27017}]
    tcp = [r for r in build(bundle, NOW_STEP3).traffic.routes if r.kind == "tcp"]
    assert [(r.index, r.match) for r in tcp] == [(0, "port 27017")]


def test_destination_rule_subsets_classify_destinations_and_report_their_hashes() -> None:
    traffic = build(subset_split_bundle(), NOW_STEP3).traffic
    [route] = traffic.routes
    assert [(d.subset, d.role) for d in route.destinations] == [
        ("stable", "stable"),
        ("canary", "canary"),
    ]
    rule = traffic.destination_rule
    assert (rule.name, rule.found, rule.canary_subset_hash, rule.stable_subset_hash) == (
        "rollouts-demo-destrule",
        True,
        "5cf4fb69f8",
        "76c569d8b",
    )
    assert traffic.warnings == ()


def test_a_virtualservice_in_another_namespace_is_found_there() -> None:
    bundle = load(PAUSED_STEP3)
    vs = bundle.named("virtualservices", VS)
    vs["metadata"]["namespace"] = "istio-routes"
    entry = bundle.canary["trafficRouting"]["istio"]["virtualService"]
    entry["name"] = "rollouts-demo-vsvc.istio-routes.cluster.local"
    assert referenced_virtualservices(bundle.rollout) == [("istio-routes", VS)]
    traffic = build(bundle, NOW_STEP3).traffic
    assert [r.virtualservice for r in traffic.routes] == ["istio-routes/rollouts-demo-vsvc"]
    entry["name"] = VS  # the same name in the rollout's own namespace does not exist
    assert build(bundle, NOW_STEP3).traffic.routes == ()


def test_a_list_of_virtualservices_is_resolved_one_by_one() -> None:
    bundle = load(PAUSED_STEP3)
    second = copy.deepcopy(bundle.named("virtualservices", VS))
    second["metadata"]["name"] = "rollouts-demo-vsvc2"
    second["spec"]["http"][0]["name"] = "secondary"
    bundle.lists["virtualservices"].append(second)
    istio = bundle.canary["trafficRouting"]["istio"]
    istio["virtualServices"] = [
        istio.pop("virtualService"),
        {"name": "rollouts-demo-vsvc2", "routes": ["secondary"]},
    ]
    traffic = build(bundle, NOW_STEP3).traffic
    assert [(r.virtualservice, r.name) for r in traffic.routes] == [
        ("my-demo/rollouts-demo-vsvc", "primary"),
        ("my-demo/rollouts-demo-vsvc2", "secondary"),
    ]
    assert traffic.warnings == ()


def test_other_and_experiment_destinations_are_kept_apart() -> None:
    http = [
        {
            "name": "primary",
            "route": [
                *split(50, 40),
                {"destination": {"host": "exp-canary"}, "weight": 10},
                {"destination": {"host": "legacy"}, "weight": 0},
            ],
        }
    ]
    bundle = bundle_with_http(http, ["primary"])
    bundle.status["canary"]["weights"]["additional"] = [
        {"serviceName": "exp-canary", "weight": 10, "podTemplateHash": "abc"}
    ]
    bundle.status["canary"]["weights"]["stable"]["weight"] = 50
    traffic = build(bundle, NOW_STEP3).traffic
    [route] = traffic.routes
    assert [(d.host, d.role) for d in route.other_destinations] == [
        ("exp-canary", "additional"),
        ("legacy", "other"),
    ]
    assert traffic.applied.additional == (("exp-canary", 10),)
    assert traffic.warnings == ()


def test_managed_header_routes_are_listed_but_not_validated() -> None:
    http = [
        {
            "name": "beta",
            "match": [{"headers": {"x-beta": {"exact": "yes"}}}],
            "route": [{"destination": {"host": "rollouts-demo-canary"}, "weight": 100}],
        },
        {"name": "primary", "route": split(60, 40)},
    ]
    bundle = bundle_with_http(http, ["primary"])
    bundle.canary["trafficRouting"]["managedRoutes"] = [{"name": "beta"}]
    traffic = build(bundle, NOW_STEP3).traffic
    assert [(r.name, r.managed, r.match) for r in traffic.routes] == [
        ("primary", False, ""),
        ("beta", True, "header x-beta"),
    ]
    assert traffic.warnings == ()
