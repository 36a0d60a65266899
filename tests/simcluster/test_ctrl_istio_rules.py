"""Upstream's VirtualService rules (§5) as pure functions over the objects' dicts."""

from __future__ import annotations

import pytest

from simcluster.controllers import istio


def cfg(**kw) -> istio.IstioSettings:
    base = {"canary_service": "canary", "stable_service": "stable", "virtual_services": [],
            "destination_rule": None}
    return istio.IstioSettings(**{**base, **kw})


def vs(*routes: dict) -> dict:
    return {"spec": {"http": list(routes)}}


def dest(host: str, weight: int, subset: str | None = None) -> dict:
    target = {"host": host, **({"subset": subset} if subset else {})}
    return {"destination": target, "weight": weight}


def test_hosts_are_compared_by_their_first_label_and_stray_traffic_is_dropped():
    service = vs({"route": [dest("stable.shop.svc.cluster.local", 100), dest("canary", 0),
                            dest("legacy", 10), dest("idle", 0)]})
    assert istio.set_weight(service, {}, cfg(), 30, [])
    assert service["spec"]["http"][0]["route"] == [
        dest("stable.shop.svc.cluster.local", 70), dest("canary", 30), dest("idle", 0)]


def test_stable_weight_leaves_room_for_experiments_and_additional_subsets():
    rule = {"name": "r", "canarySubsetName": "canary", "stableSubsetName": "stable",
            "additionalSubsetNames": ["shadow"]}
    service = vs({"route": [dest("app", 90, "stable"), dest("app", 0, "canary"),
                            dest("app", 10, "shadow")]})
    extra = [{"serviceName": "exp-svc", "weight": 5, "podTemplateHash": "abc"}]
    istio.set_weight(service, {}, cfg(destination_rule=rule), 20, extra)
    assert [d["weight"] for d in service["spec"]["http"][0]["route"]] == [65, 20, 10, 5]
    assert service["spec"]["http"][0]["route"][-1]["destination"] == {"host": "exp-svc"}


def test_without_route_names_only_a_single_route_can_be_chosen():
    two = vs({"name": "a", "route": [dest("stable", 100), dest("canary", 0)]},
             {"name": "b", "route": [dest("stable", 100), dest("canary", 0)]})
    with pytest.raises(istio.RoutingError, match="exactly one route"):
        istio.routes_to_weight(two, {}, cfg())


def test_a_route_without_the_canary_service_is_rejected_with_upstreams_message():
    service = vs({"name": "primary", "route": [dest("stable", 100)]})
    with pytest.raises(istio.RoutingError, match="Canary Service 'canary' not found in route"):
        istio.routes_to_weight(service, {"routes": ["primary"]}, cfg())


def test_a_virtual_service_name_may_carry_its_namespace():
    assert istio.vs_reference("edge.mesh", "shop") == ("mesh", "edge")
    assert istio.vs_reference("edge.mesh.svc.cluster.local", "shop") == ("svc", "edge.mesh")
    assert istio.vs_reference("edge", "shop") == ("shop", "edge")
