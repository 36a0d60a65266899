"""Which VirtualService routes the controller manages, and how it classifies their destinations.

Selection and classification follow upstream's rollout/trafficrouting/istio/istio.go; the
messages in warnings are upstream's own error strings, prefixed with where they apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from rollouts.info.access import Obj, as_dict, as_int, as_list, as_str, dicts, dig
from rollouts.info.refs import istio_spec
from rollouts.info.traffic_model import DestinationInfo, RouteInfo

_MULTIPLE_HTTP = (
    "spec.http[] should be set in VirtualService and it must have exactly one route when "
    "omitting spec.strategy.canary.trafficRouting.istio.virtualService.routes"
)
_MULTIPLE_TLS = (
    "spec.tls[] should be set in VirtualService and it must have exactly one route when "
    "omitting spec.strategy.canary.trafficRouting.istio.virtualService.tlsRoutes"
)
_MULTIPLE_TCP = (
    "spec.tcp[] should be set in VirtualService and it must have exactly one route when "
    "omitting spec.strategy.canary.trafficRouting.istio.virtualService.tcpRoutes"
)


@dataclass(frozen=True)
class IstioNames:
    """The names a destination is compared with."""

    canary_service: str
    stable_service: str
    canary_subset: str = ""
    stable_subset: str = ""
    additional_subsets: tuple[str, ...] = ()
    additional_services: tuple[str, ...] = ()  # experiment services (status.canary.weights)
    destination_rule: bool = False


def istio_names(rollout: Obj) -> IstioNames:
    canary = as_dict(dig(rollout, "spec", "strategy", "canary"))
    stable_svc, canary_svc = (
        as_str(canary.get("stableService")),
        as_str(canary.get("canaryService")),
    )
    ping_pong = as_dict(canary.get("pingPong"))
    if ping_pong and not stable_svc and not canary_svc:
        # With ping-pong, ping/pong play stable/canary as status.canary.stablePingPong says.
        ping, pong = as_str(ping_pong.get("pingService")), as_str(ping_pong.get("pongService"))
        stable_is_ping = dig(rollout, "status", "canary", "stablePingPong") == "ping"
        stable_svc, canary_svc = (ping, pong) if stable_is_ping else (pong, ping)
    rule = as_dict(istio_spec(rollout)).get("destinationRule")
    extra = dicts(dig(rollout, "status", "canary", "weights", "additional"))
    return IstioNames(
        canary_service=canary_svc,
        stable_service=stable_svc,
        canary_subset=as_str(as_dict(rule).get("canarySubsetName")),
        stable_subset=as_str(as_dict(rule).get("stableSubsetName")),
        additional_subsets=tuple(
            s for s in as_list(as_dict(rule).get("additionalSubsetNames")) if isinstance(s, str)
        ),
        additional_services=tuple(as_str(w.get("serviceName")) for w in extra),
        destination_rule=isinstance(rule, dict),
    )


def short_host(host: str) -> str:
    """`stable.ns.svc.cluster.local` → `stable` (a host starting with a dot has no short name)."""
    index = host.find(".")
    return host if index < 0 else host[:index]


def _role(host: str, subset: str, names: IstioNames) -> str:
    if not host:
        return "other"  # the controller neither reweights nor removes these
    if host == names.canary_service or (subset and subset == names.canary_subset):
        return "canary"
    if host == names.stable_service or (subset and subset == names.stable_subset):
        return "stable"
    if host in names.additional_services or (subset and subset in names.additional_subsets):
        return "additional"
    return "other"


def _destinations(route: Obj, names: IstioNames) -> tuple[DestinationInfo, ...]:
    raw = dicts(route.get("route"))
    infos = []
    for item in raw:
        destination = as_dict(item.get("destination"))
        host, subset = as_str(destination.get("host")), as_str(destination.get("subset"))
        weight = as_int(item.get("weight"))
        # Istio sends everything to a lone destination that has no weight.
        weight = (100 if len(raw) == 1 else 0) if weight is None else weight
        infos.append(
            DestinationInfo(
                host=host,
                short_host=short_host(host),
                subset=subset,
                port=as_int(dig(destination, "port", "number")),
                weight=weight,
                role=_role(short_host(host), subset, names),
            )
        )
    return tuple(infos)


def _http_match(route: Obj) -> str:
    parts = []
    for match in dicts(route.get("match")):
        for field in ("uri", "authority", "method", "scheme"):
            for kind, value in as_dict(match.get(field)).items():
                parts.append(f"{field} {kind} {value}")
        parts += [f"header {name}" for name in as_dict(match.get("headers"))]
        if match.get("port") is not None:
            parts.append(f"port {match['port']}")
    if route.get("mirror") is not None:
        parts.append(f"mirror to {as_str(dig(route, 'mirror', 'host'))}")
    return "; ".join(parts)


def _port_match(route: Obj) -> str:
    parts = []
    for match in dicts(route.get("match")):
        text = f"port {match.get('port')}" if match.get("port") is not None else "any port"
        hosts = [h for h in as_list(match.get("sniHosts")) if isinstance(h, str)]
        parts.append(f"{text}, sni {', '.join(hosts)}" if hosts else text)
    return "; ".join(parts)


def _weight_of(destinations: tuple[DestinationInfo, ...], role: str) -> int | None:
    weights = [d.weight for d in destinations if d.role == role]
    return sum(weights) if weights else None


def route_info(
    vs_key: str, kind: str, index: int, route: Obj, names: IstioNames, managed: bool = False
) -> RouteInfo:
    destinations = _destinations(route, names)
    return RouteInfo(
        virtualservice=vs_key,
        kind=kind,
        index=index,
        name=as_str(route.get("name")),
        match=_http_match(route) if kind == "http" else _port_match(route),
        managed=managed,
        stable_weight=_weight_of(destinations, "stable"),
        canary_weight=_weight_of(destinations, "canary"),
        total_weight=sum(d.weight for d in destinations),
        destinations=destinations,
    )


def destination_problems(route: RouteInfo, names: IstioNames) -> list[str]:
    """Upstream's validateVirtualServiceRouteDestinations, reporting every missing side."""
    dests = route.destinations
    if names.destination_rule:
        missing = [
            (side, subset)
            for side, subset in (("Canary", names.canary_subset), ("Stable", names.stable_subset))
            if not (subset and any(d.subset == subset for d in dests))
        ]
        return [
            f"{side} DestinationRule subset '{subset}' not found in route"
            for side, subset in missing
        ]
    missing = [
        (side, svc)
        for side, svc in (("Canary", names.canary_service), ("Stable", names.stable_service))
        if not (svc and any(d.short_host == svc for d in dests))
    ]
    return [f"{side} Service '{svc}' not found in route" for side, svc in missing]


def http_route_indexes(names: list[str], routes: list[Obj]) -> tuple[list[int], list[str]]:
    """The managed http routes: listed by name, else the only route, else the first unnamed."""
    if not names:
        if len(routes) == 1:
            return [0], []
        unnamed = next((i for i, r in enumerate(routes) if not as_str(r.get("name"))), None)
        return ([unnamed] if unnamed is not None else []), []
    indexes, problems = [], []
    for name in names:
        found = next((i for i, r in enumerate(routes) if as_str(r.get("name")) == name), None)
        if found is None:
            problems.append(f"HTTP Route '{name}' is not found in the defined Virtual Service.")
        else:
            indexes.append(found)
    return indexes, problems


def _ports_and_snis(route: Obj) -> tuple[set[object], set[str]]:
    ports: set[object] = set()
    snis: set[str] = set()
    for match in dicts(route.get("match")):
        ports.add(as_int(match.get("port")) or 0)
        snis.update(h for h in as_list(match.get("sniHosts")) if isinstance(h, str))
    return ports, snis


def port_route_indexes(
    kind: str, wanted: list[Obj], routes: list[Obj]
) -> tuple[list[int], list[str]]:
    """tls routes match a tlsRoutes entry by port and SNI hosts; tcp routes by port alone.
    With no entries the controller takes route 0."""
    if not wanted:
        return ([0] if routes else []), []
    indexes, problems = [], []
    for entry in wanted:
        want_port = as_int(entry.get("port")) or 0
        want_snis = [h for h in as_list(entry.get("sniHosts")) if isinstance(h, str)]
        found = []
        for i, route in enumerate(routes):
            ports, snis = _ports_and_snis(route)
            port = next(iter(ports)) if len(ports) == 1 else (0 if not ports else None)
            same_snis = kind == "tcp" or (len(want_snis) == len(snis) and set(want_snis) <= snis)
            if port == want_port and same_snis:
                found.append(i)
        if not found:
            label = kind.upper()
            problems.append(f"No matching {label} routes found in the defined Virtual Service.")
        indexes += [i for i in found if i not in indexes]
    return indexes, problems


def too_many_routes_message(kind: str) -> str:
    return {"http": _MULTIPLE_HTTP, "tls": _MULTIPLE_TLS, "tcp": _MULTIPLE_TCP}[kind]
