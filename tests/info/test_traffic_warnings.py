"""Traffic warnings in plain sentences, using upstream's messages where upstream has one.

Disagreement between objects is only reported once the rollout has converged: its newest
condition or pause is older than the grace period (10 s by default)."""

from __future__ import annotations

from datetime import timedelta

from rollouts.info import build_rollout_info
from tests.info.support import (
    NOW_STEP3,
    PAUSED_STEP3,
    Bundle,
    at,
    build,
    load,
    subset_split_bundle,
)

VS = "rollouts-demo-vsvc"


def warnings_of(bundle: Bundle, now=NOW_STEP3) -> tuple[str, ...]:
    return build(bundle, now).traffic.warnings


def primary(bundle: Bundle) -> dict:
    return bundle.named("virtualservices", VS)["spec"]["http"][0]


def test_a_missing_virtualservice_is_reported() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.lists["virtualservices"] = []
    traffic = build(bundle, NOW_STEP3).traffic
    assert traffic.warnings == (
        "VirtualService 'my-demo/rollouts-demo-vsvc' referenced by the rollout was not found",
    )
    assert traffic.virtualservices[0].found is False


def test_a_missing_route_uses_upstreams_message() -> None:
    bundle = load(PAUSED_STEP3)
    primary(bundle)["name"] = "main"
    assert warnings_of(bundle) == (
        "VirtualService my-demo/rollouts-demo-vsvc: HTTP Route 'primary' is not found in the "
        "defined Virtual Service.",
    )


def test_a_route_without_the_canary_destination_uses_upstreams_message() -> None:
    bundle = load(PAUSED_STEP3)
    primary(bundle)["route"] = [{"destination": {"host": "rollouts-demo-stable"}, "weight": 100}]
    assert warnings_of(bundle) == (
        "VirtualService my-demo/rollouts-demo-vsvc http route 'primary': Canary Service "
        "'rollouts-demo-canary' not found in route",
    )


def test_a_route_without_the_stable_destination_uses_upstreams_message() -> None:
    bundle = load(PAUSED_STEP3)
    primary(bundle)["route"][0]["destination"]["host"] = "rollouts-demo-old"
    messages = warnings_of(bundle)
    assert (
        "VirtualService my-demo/rollouts-demo-vsvc http route 'primary': Stable Service "
        "'rollouts-demo-stable' not found in route"
    ) in messages


def test_a_route_without_a_destination_rule_subset_uses_upstreams_message() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.canary["trafficRouting"]["istio"]["destinationRule"] = {
        "name": "rollouts-demo-destrule",
        "canarySubsetName": "canary",
        "stableSubsetName": "stable",
    }
    messages = warnings_of(bundle)
    assert (
        "VirtualService my-demo/rollouts-demo-vsvc http route 'primary': Canary "
        "DestinationRule subset 'canary' not found in route"
    ) in messages
    assert (
        "DestinationRule 'my-demo/rollouts-demo-destrule' referenced by the rollout was not found"
        in messages
    )


def test_weights_that_do_not_add_up_to_100_are_reported() -> None:
    bundle = load(PAUSED_STEP3)
    primary(bundle)["route"][0]["weight"] = 50
    messages = warnings_of(bundle)
    assert (
        "VirtualService my-demo/rollouts-demo-vsvc http route 'primary': weights add up to 90, "
        "not 100"
    ) in messages


def test_a_virtualservice_behind_the_applied_weights_is_reported_once_converged() -> None:
    bundle = load(PAUSED_STEP3)
    primary(bundle)["route"][0]["weight"] = 80
    primary(bundle)["route"][1]["weight"] = 20
    assert warnings_of(bundle) == (
        "VirtualService my-demo/rollouts-demo-vsvc http route 'primary' sends 80% to stable "
        "and 20% to canary, but the controller last applied 40% to canary (60% to stable)",
    )


def test_disagreement_within_the_grace_period_is_not_reported_yet() -> None:
    bundle = load(PAUSED_STEP3)
    primary(bundle)["route"][0]["weight"] = 80
    primary(bundle)["route"][1]["weight"] = 20
    just_paused = at("2025-07-17T17:14:35Z") + timedelta(seconds=3)
    traffic = build(bundle, just_paused).traffic
    assert (traffic.converged, traffic.warnings) == (False, ())
    longer = build_rollout_info(bundle.objects(), NOW_STEP3, convergence_grace=timedelta(minutes=1))
    assert longer.traffic.converged is False


def test_nothing_is_compared_while_the_spec_change_is_unobserved() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.rollout["metadata"]["generation"] = 3
    primary(bundle)["route"][1]["weight"] = 0
    primary(bundle)["route"][0]["weight"] = 100
    assert warnings_of(bundle) == ()


def test_a_missing_service_is_reported() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.lists["services"] = [
        s for s in bundle.lists["services"] if s["metadata"]["name"] != "rollouts-demo-canary"
    ]
    assert warnings_of(bundle) == ("Service 'my-demo/rollouts-demo-canary' (canary) was not found",)


def test_a_service_pinned_to_the_wrong_replicaset_is_reported_once_converged() -> None:
    bundle = load(PAUSED_STEP3)
    stable = bundle.named("services", "rollouts-demo-stable")
    stable["spec"]["selector"]["rollouts-pod-template-hash"] = "5cf4fb69f8"
    services = {s.role: s for s in build(bundle, NOW_STEP3).traffic.services}
    assert (services["stable"].points_to_expected, services["stable"].expected_hash) == (
        False,
        "76c569d8b",
    )
    assert warnings_of(bundle) == (
        "Service 'rollouts-demo-stable' (stable) selects rollouts-pod-template-hash=5cf4fb69f8, "
        "expected 76c569d8b",
    )


def test_the_canary_service_may_stay_on_stable_until_the_canary_has_a_pod() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.named("services", "rollouts-demo-canary")["spec"]["selector"][
        "rollouts-pod-template-hash"
    ] = "76c569d8b"
    assert warnings_of(bundle) != ()
    bundle.named("replicasets", "rollouts-demo-5cf4fb69f8")["status"]["availableReplicas"] = 0
    assert warnings_of(bundle) == ()


def test_a_destination_rule_subset_on_the_wrong_hash_is_reported() -> None:
    bundle = subset_split_bundle()
    subsets = bundle.lists["destinationrules"][0]["spec"]["subsets"]
    subsets[1]["labels"]["rollouts-pod-template-hash"] = "76c569d8b"
    assert warnings_of(bundle) == (
        "DestinationRule 'my-demo/rollouts-demo-destrule' subset 'canary' selects "
        "rollouts-pod-template-hash=76c569d8b, expected 5cf4fb69f8",
    )
    del subsets[1]
    assert "DestinationRule 'my-demo/rollouts-demo-destrule' has no subset 'canary'" in warnings_of(
        bundle
    )


def test_other_traffic_routers_are_named_but_not_resolved() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.canary["trafficRouting"] = {"nginx": {"stableIngress": "rollouts-demo"}}
    traffic = build(bundle, NOW_STEP3).traffic
    assert (traffic.routers, traffic.resolvable, traffic.routes, traffic.warnings) == (
        ("nginx",),
        False,
        (),
        (),
    )
    bundle.canary["trafficRouting"] = {"plugins": {"argoproj-labs/gatewayAPI": {"httpRoute": "x"}}}
    assert build(bundle, NOW_STEP3).traffic.routers == ("plugin:argoproj-labs/gatewayAPI",)


def test_a_canary_without_traffic_routing_has_no_routes_or_router() -> None:
    traffic = build(load("canary-analysis-step.json")).traffic
    assert (traffic.routers, traffic.routes, traffic.applied, traffic.warnings) == (
        (),
        (),
        None,
        (),
    )
    assert traffic.desired_weight == 25


def test_unmatched_tls_and_tcp_route_entries_use_upstreams_messages() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.named("virtualservices", VS)["spec"]["tls"] = [
        {
            "match": [{"port": 3000, "sniHosts": ["other.example.com"]}],
            "route": [{"destination": {"host": "rollouts-demo-stable"}, "weight": 100}],
        }
    ]
    entry = bundle.canary["trafficRouting"]["istio"]["virtualService"]
    entry["tlsRoutes"] = [{"port": 3000, "sniHosts": ["reviews.bookinfo.com"]}]
    entry["tcpRoutes"] = [{"port": 27017}]
    assert warnings_of(bundle) == (
        "VirtualService my-demo/rollouts-demo-vsvc: No matching TLS routes found in the defined "
        "Virtual Service.",
        "VirtualService my-demo/rollouts-demo-vsvc: No matching TCP routes found in the defined "
        "Virtual Service.",
    )
