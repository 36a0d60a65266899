"""Resolve a rollout's VirtualServices into managed routes, with warnings in plain sentences."""

from __future__ import annotations

from rollouts.info.access import Obj, as_dict, as_list, as_str, dicts, dig, namespace_of
from rollouts.info.istio import (
    IstioNames,
    destination_problems,
    http_route_indexes,
    port_route_indexes,
    route_info,
    too_many_routes_message,
)
from rollouts.info.objects import ClusterObjects
from rollouts.info.refs import istio_spec, split_virtualservice_name, virtualservice_entries
from rollouts.info.traffic_model import RouteInfo, VirtualServiceRef


def route_label(route: RouteInfo) -> str:
    return f"'{route.name}'" if route.name else f"#{route.index}"


def where(route: RouteInfo) -> str:
    return f"VirtualService {route.virtualservice} {route.kind} route {route_label(route)}"


def _managed_names(rollout: Obj) -> list[str]:
    managed = dig(rollout, "spec", "strategy", "canary", "trafficRouting", "managedRoutes")
    return [as_str(m.get("name")) for m in dicts(managed) if as_str(m.get("name"))]


def _http_routes(
    key: str, spec: Obj, entry: Obj, names: IstioNames, managed: list[str]
) -> tuple[list[RouteInfo], list[str]]:
    wanted = [n for n in as_list(entry.get("routes")) if isinstance(n, str)]
    raw = spec.get("http")
    if not isinstance(raw, list):
        return [], [
            f"VirtualService {key}: {problem}" for problem in http_route_indexes(wanted, [])[1]
        ]
    routes_raw = [as_dict(route) for route in raw]
    indexes, problems = http_route_indexes(wanted, routes_raw)
    messages = [f"VirtualService {key}: {problem}" for problem in problems]
    unmanaged = [r for r in routes_raw if as_str(r.get("name")) not in managed]
    if not wanted and len(unmanaged) > 1:
        messages.append(f"VirtualService {key}: {too_many_routes_message('http')}")
    routes = []
    for index in indexes:
        route = route_info(key, "http", index, routes_raw[index], names)
        routes.append(route)
        messages += [f"{where(route)}: {p}" for p in destination_problems(route, names)]
    for index, raw_route in enumerate(routes_raw):
        # Header/mirror routes the rollout added: listed for the operator, never validated.
        if as_str(raw_route.get("name")) in managed and index not in indexes:
            routes.append(route_info(key, "http", index, raw_route, names, managed=True))
    return routes, messages


def _port_routes(
    key: str, kind: str, spec: Obj, entry: Obj, names: IstioNames
) -> tuple[list[RouteInfo], list[str]]:
    wanted = dicts(entry.get("tlsRoutes" if kind == "tls" else "tcpRoutes"))
    raw = spec.get(kind)
    if not isinstance(raw, list):
        if wanted:
            return [], [
                f"VirtualService {key}: No matching {kind.upper()} routes found in the "
                "defined Virtual Service."
            ]
        return [], []
    routes_raw = [as_dict(route) for route in raw]
    indexes, problems = port_route_indexes(kind, wanted, routes_raw)
    messages = [f"VirtualService {key}: {problem}" for problem in problems]
    if not wanted and len(routes_raw) > 1:
        messages.append(f"VirtualService {key}: {too_many_routes_message(kind)}")
    routes = [route_info(key, kind, index, routes_raw[index], names) for index in indexes]
    for route in routes:
        messages += [f"{where(route)}: {p}" for p in destination_problems(route, names)]
    return routes, messages


def resolve_virtualservices(
    rollout: Obj, objs: ClusterObjects, names: IstioNames
) -> tuple[tuple[VirtualServiceRef, ...], tuple[RouteInfo, ...], list[str]]:
    """Every referenced VirtualService: whether we have it, its managed routes, and problems."""
    entries = virtualservice_entries(rollout)
    istio = as_dict(istio_spec(rollout))
    if not entries:
        both = istio.get("virtualService") is not None and istio.get("virtualServices") is not None
        reason = "sets both virtualService and virtualServices" if both else "names none"
        return (), (), [f"Istio traffic routing {reason}: no VirtualService is managed"]
    refs: list[VirtualServiceRef] = []
    routes: list[RouteInfo] = []
    messages: list[str] = []
    managed = _managed_names(rollout)
    for entry in entries:
        namespace, name = split_virtualservice_name(
            as_str(entry.get("name")), namespace_of(rollout)
        )
        key = f"{namespace}/{name}"
        vs = objs.find("virtualservices", namespace, name) if name else None
        refs.append(VirtualServiceRef(namespace=namespace, name=name, found=vs is not None))
        if vs is None:
            messages.append(f"VirtualService '{key}' referenced by the rollout was not found")
            continue
        spec = as_dict(vs.get("spec"))
        found, problems = _http_routes(key, spec, entry, names, managed)
        routes += found
        messages += problems
        for kind in ("tls", "tcp"):
            found, problems = _port_routes(key, kind, spec, entry, names)
            routes += found
            messages += problems
    return tuple(refs), tuple(routes), messages
