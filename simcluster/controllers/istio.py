"""Rewriting Istio VirtualServices and DestinationRules the way Argo Rollouts does.

Pure functions over the objects' dicts (rollout/trafficrouting/istio/istio.go, reference §5):
which routes are ours, how each destination is re-weighted, header/mirror routes, managed-route
order, and DestinationRule subset labels. Errors carry upstream's messages.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from .canary_math import canary_spec, traffic_routing
from .objects import HASH_LABEL, MANAGED_BY_ANNOTATION, as_int, as_list, dig


class RoutingError(Exception):
    """The VirtualService does not fit the Rollout (upstream's error text)."""


@dataclass
class IstioSettings:
    canary_service: str
    stable_service: str
    virtual_services: list[dict]
    destination_rule: dict | None
    managed_routes: list[str] = field(default_factory=list)

    @property
    def canary_subset(self) -> str:
        return str(dig(self.destination_rule, "canarySubsetName", default=""))

    @property
    def stable_subset(self) -> str:
        return str(dig(self.destination_rule, "stableSubsetName", default=""))

    @property
    def additional_subsets(self) -> list[str]:
        return [str(s) for s in as_list(dig(self.destination_rule, "additionalSubsetNames"))]


def settings(ro: dict) -> IstioSettings | None:
    istio = dig(traffic_routing(ro), "istio")
    if not isinstance(istio, dict):
        return None
    canary = canary_spec(ro)
    if isinstance(istio.get("virtualServices"), list):
        services = [v for v in istio["virtualServices"] if isinstance(v, dict)]
    else:
        services = [istio["virtualService"]] if isinstance(istio.get("virtualService"),
                                                           dict) else []
    managed = [str(dig(m, "name", default="")) for m in
               as_list(dig(traffic_routing(ro), "managedRoutes"))]
    rule = istio.get("destinationRule")
    return IstioSettings(str(canary.get("canaryService") or ""),
                         str(canary.get("stableService") or ""), services,
                         rule if isinstance(rule, dict) else None, managed)


def vs_reference(name: str, default_namespace: str) -> tuple[str, str]:
    """`name` or `name.namespace` (a `.cluster.local` suffix is ignored)."""
    name = name.removesuffix(".cluster.local")
    parts = name.split(".")
    if len(parts) >= 2:
        return parts[-1], ".".join(parts[:-1])
    return default_namespace, name


def short_host(destination: dict) -> str:
    host = str(dig(destination, "destination", "host", default=""))
    return host.split(".", 1)[0]


def routes_of(vs: dict, kind: str) -> list[dict]:
    return [r for r in as_list(dig(vs, "spec", kind)) if isinstance(r, dict)]


def http_route_indexes(names: list[str], routes: list[dict]) -> list[int]:
    if not names:
        if len(routes) == 1:
            return [0]
        return next(([i] for i, r in enumerate(routes) if not r.get("name")), [])
    indexes = []
    for name in names:
        found = next((i for i, r in enumerate(routes) if r.get("name") == name), None)
        if found is None:
            raise RoutingError(f"HTTP Route '{name}' is not found in the defined Virtual Service.")
        indexes.append(found)
    return indexes


def _port_routes(wanted: list[dict], routes: list[dict], kind: str) -> list[int]:
    if not wanted:
        return [0] if routes else []
    indexes: list[int] = []
    for spec in wanted:
        found = [i for i, r in enumerate(routes) if _port_route_matches(spec, r, kind)]
        if not found:
            raise RoutingError(f"No matching {kind.upper()} routes found in the defined "
                               "Virtual Service.")
        indexes.extend(found)
    return indexes


def _port_route_matches(spec: dict, route: dict, kind: str) -> bool:
    matches = [m for m in as_list(route.get("match")) if isinstance(m, dict)]
    ports = {as_int(m.get("port")) for m in matches}
    if len(ports) > 1:
        return False
    port = next(iter(ports), 0)
    if port != as_int(spec.get("port")):
        return False
    if kind != "tls":
        return True
    hosts = {str(h) for m in matches for h in as_list(m.get("sniHosts"))}
    return hosts == {str(h) for h in as_list(spec.get("sniHosts"))}


def validate_destinations(dests: list[dict], cfg: IstioSettings) -> None:
    hosts = {short_host(d) for d in dests}
    subsets = {str(dig(d, "destination", "subset", default="")) for d in dests}
    if cfg.destination_rule is not None:
        if cfg.canary_subset not in subsets or not cfg.canary_subset:
            raise RoutingError(f"Canary DestinationRule subset '{cfg.canary_subset}' not found "
                               "in route")
        if cfg.stable_subset not in subsets or not cfg.stable_subset:
            raise RoutingError(f"Stable DestinationRule subset '{cfg.stable_subset}' not found "
                               "in route")
        return
    if not cfg.canary_service or cfg.canary_service not in hosts:
        raise RoutingError(f"Canary Service '{cfg.canary_service}' not found in route")
    if not cfg.stable_service or cfg.stable_service not in hosts:
        raise RoutingError(f"Stable Service '{cfg.stable_service}' not found in route")


def routes_to_weight(vs: dict, vs_cfg: dict, cfg: IstioSettings) -> dict[str, list[int]]:
    """The http/tls/tcp route indexes this rollout owns, validated (ValidateHTTPRoutes & co)."""
    http = routes_of(vs, "http")
    names = [str(n) for n in as_list(vs_cfg.get("routes"))]
    chosen: dict[str, list[int]] = {"http": [], "tls": [], "tcp": []}
    if http:
        chosen["http"] = http_route_indexes(names, http)
        unmanaged = [r for r in http if r.get("name") not in cfg.managed_routes]
        if not names and len(unmanaged) > 1:
            raise RoutingError("spec.http[] should be set in VirtualService and it must have "
                               "exactly one route when omitting spec.strategy.canary."
                               "trafficRouting.istio.virtualService.routes")
        mirrors = [i for i, r in enumerate(http)
                   if r.get("mirror") is not None and r.get("name") in cfg.managed_routes]
        chosen["http"] += [i for i in mirrors if i not in chosen["http"]]
    for kind, key in (("tls", "tlsRoutes"), ("tcp", "tcpRoutes")):
        routes = routes_of(vs, kind)
        if routes:
            wanted = [w for w in as_list(vs_cfg.get(key)) if isinstance(w, dict)]
            chosen[kind] = _port_routes(wanted, routes, kind)
            if not wanted and len(routes) > 1:
                raise RoutingError(f"spec.{kind}[] should be set in VirtualService and it must "
                                   "have exactly one route when omitting spec.strategy.canary."
                                   f"trafficRouting.istio.virtualService.{key}")
    for kind, indexes in chosen.items():
        for index in indexes:
            if kind == "http" and index not in http_route_indexes(names, http):
                continue  # mirror routes carry the primary route's destinations
            validate_destinations(as_list(routes_of(vs, kind)[index].get("route")), cfg)
    return chosen


def set_weight(vs: dict, vs_cfg: dict, cfg: IstioSettings, desired: int,
               additional: list[dict]) -> bool:
    """Re-weight the rollout's routes in place; True if anything changed."""
    chosen = routes_to_weight(vs, vs_cfg, cfg)
    changed = False
    for kind, indexes in chosen.items():
        routes = routes_of(vs, kind)
        for index in indexes:
            before = copy.deepcopy(routes[index].get("route"))
            routes[index]["route"] = _reweighted(as_list(before), cfg, desired, additional)
            changed |= routes[index]["route"] != before
    return changed


def _reweighted(dests: list[Any], cfg: IstioSettings, desired: int,
                additional: list[dict]) -> list[dict]:
    extra = {str(d.get("serviceName")): d for d in additional}
    stable_weight = 100 - desired - sum(as_int(d.get("weight")) for d in additional)
    for d in dests:
        subset = str(dig(d, "destination", "subset", default=""))
        if subset and subset in cfg.additional_subsets:
            stable_weight -= as_int(d.get("weight"))
    stable_weight = max(0, stable_weight)
    result: list[dict] = []
    for d in (x for x in dests if isinstance(x, dict)):
        host, subset = short_host(d), str(dig(d, "destination", "subset", default=""))
        weight = as_int(d.get("weight"))
        if host == cfg.canary_service or (subset and subset == cfg.canary_subset):
            result.append({**d, "weight": desired})
        elif host == cfg.stable_service or (subset and subset == cfg.stable_subset):
            result.append({**d, "weight": stable_weight})
        elif host in extra:
            result.append({**d, "weight": as_int(extra.pop(host).get("weight"))})
        elif subset and subset in cfg.additional_subsets:
            result.append(d)
        elif weight == 0:
            result.append(d)  # unknown destinations are dropped only when they carry traffic
    for host in sorted(extra):
        result.append({"destination": {"host": host}, "weight": as_int(extra[host].get("weight"))})
    return result


def update_destination_rule(rule: dict, ro_name: str, cfg: IstioSettings, canary_hash: str,
                            stable_hash: str, additional: list[dict]) -> bool:
    """Label the canary/stable subsets with their pod hashes; True if anything changed."""
    before = copy.deepcopy(rule)
    rule.setdefault("metadata", {}).setdefault("annotations", {})[MANAGED_BY_ANNOTATION] = ro_name
    extra = {str(d.get("serviceName")): d for d in additional}
    subsets = [s for s in as_list(dig(rule, "spec", "subsets")) if isinstance(s, dict)]
    for subset in subsets:
        name = subset.get("name")
        wanted = {cfg.canary_subset: canary_hash, cfg.stable_subset: stable_hash}.get(name)
        if wanted is None and name in extra:
            wanted = str(extra.pop(name).get("podTemplateHash") or "")
        if wanted is None:
            continue
        labels = subset.setdefault("labels", {})
        if wanted:
            labels[HASH_LABEL] = wanted
        else:
            labels.pop(HASH_LABEL, None)
    for name, dest in sorted(extra.items()):
        subsets.append({"name": name, "labels": {HASH_LABEL: str(dest.get("podTemplateHash"))}})
    if subsets:
        rule.setdefault("spec", {})["subsets"] = subsets
    return rule != before
