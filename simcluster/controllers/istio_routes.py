"""Routes the Rollout manages inside a VirtualService: header routes, mirror routes, order.

(setHeaderRoute/setMirrorRoute steps and spec.strategy.canary.trafficRouting.managedRoutes.)
"""

from __future__ import annotations

import copy
from typing import Any

from .canary_math import steps_of
from .istio import IstioSettings, RoutingError, http_route_indexes, routes_of
from .objects import as_dict, as_int, as_list, dig


def remove_route(vs: dict, name: str) -> bool:
    http = as_list(dig(vs, "spec", "http"))
    kept = [r for r in http if not (isinstance(r, dict) and r.get("name") == name)]
    if len(kept) != len(http):
        vs["spec"]["http"] = kept
        return True
    return False


def set_header_route(vs: dict, vs_cfg: dict, cfg: IstioSettings, step: dict,
                     host: str) -> None:
    name = str(step.get("name") or "")
    remove_route(vs, name)
    matches = [m for m in as_list(step.get("match")) if isinstance(m, dict)]
    if step.get("match") is None:
        return
    destination: dict[str, Any] = {"host": host}
    port = _canary_port(vs, vs_cfg)
    if port:
        destination["port"] = {"number": port}
    if cfg.canary_subset:
        destination["subset"] = cfg.canary_subset
    route = {"name": name,
             "match": [{"headers": {str(m.get("headerName", "")): {
                 k: v for k, v in as_dict(m.get("headerValue")).items()
                 if k in ("exact", "regex", "prefix") and v}}} for m in matches],
             "route": [{"destination": destination, "weight": 100}]}
    vs["spec"].setdefault("http", []).append(route)


def set_mirror_route(vs: dict, vs_cfg: dict, cfg: IstioSettings, step: dict, host: str) -> None:
    name = str(step.get("name") or "")
    remove_route(vs, name)
    if step.get("match") is None:
        return
    http = routes_of(vs, "http")
    indexes = http_route_indexes([str(n) for n in as_list(vs_cfg.get("routes"))], http)
    primary = copy.deepcopy(as_list(http[indexes[0]].get("route"))) if indexes else []
    mirror: dict[str, Any] = {"host": host}
    if cfg.canary_subset:
        mirror["subset"] = cfg.canary_subset
    port = dig(primary, 0, "destination", "port", "number")
    if port is not None:
        mirror["port"] = {"number": port}
    matches = []
    for m in as_list(step.get("match")):
        m = as_dict(m)
        match = {k: v for k, v in (("method", m.get("method")), ("uri", m.get("path")),
                                   ("headers", m.get("headers"))) if v}
        matches.append(match)
    percentage = step.get("percentage")
    route = {"name": name, "match": matches, "route": primary, "mirror": mirror,
             "mirrorPercentage": {"value": as_int(percentage, 100) if percentage is not None
                                  else 100}}
    vs["spec"]["http"] = [route, *as_list(vs["spec"].get("http"))]


def _canary_port(vs: dict, vs_cfg: dict) -> int:
    http = routes_of(vs, "http")
    try:
        indexes = http_route_indexes([str(n) for n in as_list(vs_cfg.get("routes"))], http)
    except RoutingError:
        return 0
    if not indexes:
        return 0
    return as_int(dig(http[indexes[0]], "route", 0, "destination", "port", "number"), 0)


def order_routes(vs: dict, managed: list[str]) -> None:
    """Managed routes first, in managedRoutes order, then everything else as it was."""
    http = as_list(dig(vs, "spec", "http"))
    if not managed or not http:
        return
    ours = [r for name in managed for r in http if isinstance(r, dict) and r.get("name") == name]
    rest = [r for r in http if not (isinstance(r, dict) and r.get("name") in managed)]
    vs["spec"]["http"] = ours + rest


def remove_managed_routes(vs: dict, ro: dict, managed: list[str]) -> bool:
    if not isinstance(dig(vs, "spec", "http"), list):
        return False
    changed = False
    for step in steps_of(ro):
        for key in ("setHeaderRoute", "setMirrorRoute"):
            if isinstance(step.get(key), dict):
                changed |= remove_route(vs, str(step[key].get("name") or ""))
    for name in managed:
        changed |= remove_route(vs, name)
    return changed
