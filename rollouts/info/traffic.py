"""Traffic beyond upstream: router kind, Istio routes as written, Services, and consistency checks.

Convergence rule: the controller writes the VirtualService, then `status.canary.weights`, and
repins Services and DestinationRule subsets as it moves. Right after a change these legitimately
disagree for a moment, so disagreement is only reported when the rollout is *converged*: its
generation is observed, it is not mid-unpause, and the newest of its conditions'
`lastUpdateTime` and pause `startTime` is at least `grace` (default 10 s) older than `now`.
Problems that no amount of waiting fixes (missing objects or routes, weights that do not add up
to 100) are always reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from rollouts.info.access import (
    HASH_LABEL,
    Obj,
    as_bool,
    as_dict,
    as_int,
    as_str,
    dicts,
    dig,
    namespace_of,
    parse_time,
    str_map,
)
from rollouts.info.istio import IstioNames, istio_names
from rollouts.info.model import ReplicaSetInfo
from rollouts.info.objects import ClusterObjects
from rollouts.info.refs import referenced_destinationrule, service_roles
from rollouts.info.status import (
    generation_observed,
    is_unpausing,
    workload_generation_observed,
)
from rollouts.info.traffic_model import (
    AppliedWeights,
    DestinationRuleInfo,
    RouteInfo,
    ServiceInfo,
    TrafficInfo,
)
from rollouts.info.virtualservices import resolve_virtualservices, where
from rollouts.info.weights import applied_weights, max_weight, set_weight, traffic_routing

ROUTER_KINDS = ("istio", "nginx", "alb", "smi", "ambassador", "appMesh", "traefik", "apisix")
DEFAULT_CONVERGENCE_GRACE = timedelta(seconds=10)


def router_kinds(rollout: Obj) -> tuple[str, ...]:
    routing = as_dict(traffic_routing(rollout))
    kinds = [kind for kind in ROUTER_KINDS if routing.get(kind) is not None]
    kinds += [f"plugin:{name}" for name in as_dict(routing.get("plugins"))]
    return tuple(kinds)


def is_converged(rollout: Obj, now: datetime, grace: timedelta) -> bool:
    status = as_dict(rollout.get("status"))
    observed = generation_observed(rollout) and workload_generation_observed(rollout)
    if not observed or is_unpausing(status):
        return False
    moments = [parse_time(c.get("lastUpdateTime")) for c in dicts(status.get("conditions"))]
    moments += [parse_time(c.get("startTime")) for c in dicts(status.get("pauseConditions"))]
    known = [moment for moment in moments if moment is not None]
    return not known or now - max(known) >= grace


def _applied(rollout: Obj) -> AppliedWeights | None:
    weights = applied_weights(rollout)
    if weights is None:
        return None
    additional = tuple(
        (as_str(w.get("serviceName")), as_int(w.get("weight")) or 0)
        for w in dicts(weights.get("additional"))
    )
    verified = weights.get("verified")
    return AppliedWeights(
        canary=as_int(dig(weights, "canary", "weight")) or 0,
        stable=as_int(dig(weights, "stable", "weight")) or 0,
        canary_hash=as_str(dig(weights, "canary", "podTemplateHash")),
        stable_hash=as_str(dig(weights, "stable", "podTemplateHash")),
        additional=additional,
        verified=verified if isinstance(verified, bool) else None,
    )


def _expected_hashes(rollout: Obj, replicasets: Sequence[ReplicaSetInfo]) -> dict[str, set[str]]:
    """Role → the pod-template hashes its Service may legitimately select right now."""
    status = as_dict(rollout.get("status"))
    stable, current = as_str(status.get("stableRS")), as_str(status.get("currentPodHash"))
    canary_side = {stable} if as_bool(status.get("abort")) else {current}
    # The controller only moves the canary Service once the new ReplicaSet has a pod available.
    if not any(rs.pod_template_hash == current and rs.available > 0 for rs in replicasets):
        canary_side.add(stable)
    blue_green = as_dict(status.get("blueGreen"))
    stable_is_ping = dig(status, "canary", "stablePingPong") == "ping"
    expected = {
        "stable": {stable},
        "canary": canary_side,
        "active": {as_str(blue_green.get("activeSelector"))},
        "preview": {as_str(blue_green.get("previewSelector"))},
        "ping": {stable} if stable_is_ping else canary_side,
        "pong": canary_side if stable_is_ping else {stable},
    }
    return {role: {h for h in hashes if h} for role, hashes in expected.items()}


def _services(
    rollout: Obj, objs: ClusterObjects, replicasets: Sequence[ReplicaSetInfo], converged: bool
) -> tuple[tuple[ServiceInfo, ...], list[str]]:
    expected = _expected_hashes(rollout, replicasets)
    infos, messages = [], []
    namespace = namespace_of(rollout)
    for role, name in service_roles(rollout):
        service = objs.find("services", namespace, name)
        selected = str_map(dig(service, "spec", "selector")).get(HASH_LABEL, "")
        wanted = expected.get(role, set())
        points = (selected in wanted) if service is not None and wanted else None
        infos.append(
            ServiceInfo(
                role=role,
                name=name,
                found=service is not None,
                selector_hash=selected,
                expected_hash=sorted(wanted)[0] if len(wanted) == 1 else "",
                points_to_expected=points,
            )
        )
        if service is None:
            messages.append(f"Service '{namespace}/{name}' ({role}) was not found")
        elif points is False and converged:
            messages.append(
                f"Service '{name}' ({role}) selects {HASH_LABEL}={selected or '(nothing)'}, "
                f"expected {' or '.join(sorted(wanted))}"
            )
    return tuple(infos), messages


def _subset_hash_problems(
    rollout: Obj, ref: tuple[str, str], subsets: dict[str, str], names: IstioNames, converged: bool
) -> list[str]:
    """The controller relabels the canary subset to the new hash and stable to the stable one."""
    status = as_dict(rollout.get("status"))
    checks = (
        (names.canary_subset, as_str(status.get("currentPodHash"))),
        (names.stable_subset, as_str(status.get("stableRS"))),
    )
    messages = []
    for subset, wanted in checks:
        actual = subsets.get(subset)
        if converged and wanted and actual is not None and actual != wanted:
            messages.append(
                f"DestinationRule '{ref[0]}/{ref[1]}' subset '{subset}' selects "
                f"{HASH_LABEL}={actual or '(nothing)'}, expected {wanted}"
            )
    return messages


def _destination_rule(
    rollout: Obj, objs: ClusterObjects, names: IstioNames, converged: bool
) -> tuple[DestinationRuleInfo | None, list[str]]:
    ref = referenced_destinationrule(rollout)
    if ref is None:
        return None, []
    namespace, name = ref
    rule = objs.find("destinationrules", namespace, name)
    subsets = {
        as_str(s.get("name")): str_map(s.get("labels")).get(HASH_LABEL, "")
        for s in dicts(dig(rule, "spec", "subsets"))
    }
    info = DestinationRuleInfo(
        namespace=namespace,
        name=name,
        found=rule is not None,
        canary_subset=names.canary_subset,
        stable_subset=names.stable_subset,
        canary_subset_hash=subsets.get(names.canary_subset, ""),
        stable_subset_hash=subsets.get(names.stable_subset, ""),
    )
    if rule is None:
        return info, [
            f"DestinationRule '{namespace}/{name}' referenced by the rollout was not found"
        ]
    messages = [
        f"DestinationRule '{namespace}/{name}' has no subset '{subset}'"
        for subset in (names.canary_subset, names.stable_subset)
        if subset not in subsets
    ]
    return info, messages + _subset_hash_problems(rollout, ref, subsets, names, converged)


def _weight_problems(
    routes: Sequence[RouteInfo], applied: AppliedWeights | None, converged: bool
) -> list[str]:
    messages = []
    for route in routes:
        if route.destinations and route.total_weight != 100:
            messages.append(f"{where(route)}: weights add up to {route.total_weight}, not 100")
        if route.managed or applied is None or route.canary_weight is None or not converged:
            continue
        extra = sum(w for _, w in applied.additional)
        extra += sum(d.weight for d in route.destinations if d.role == "additional" and d.subset)
        stable = max(0, 100 - (applied.canary or 0) - extra)
        if route.canary_weight != applied.canary or route.stable_weight not in (None, stable):
            messages.append(
                f"{where(route)} sends {route.stable_weight}% to stable and "
                f"{route.canary_weight}% to canary, but the controller last applied "
                f"{applied.canary}% to canary ({stable}% to stable)"
            )
    return messages


def build_traffic(
    rollout: Obj,
    objs: ClusterObjects,
    replicasets: Sequence[ReplicaSetInfo],
    now: datetime,
    grace: timedelta = DEFAULT_CONVERGENCE_GRACE,
) -> TrafficInfo:
    converged = is_converged(rollout, now, grace)
    routers = router_kinds(rollout)
    applied = _applied(rollout)
    services, messages = _services(rollout, objs, replicasets, converged)
    canary = isinstance(dig(rollout, "spec", "strategy", "canary"), dict)
    info = TrafficInfo(
        routers=routers,
        resolvable="istio" in routers,
        desired_weight=set_weight(rollout) if canary else None,
        applied=applied,
        max_weight=max_weight(rollout),
        converged=converged,
        services=services,
    )
    if not info.resolvable:
        return replace(info, warnings=tuple(messages))
    names = istio_names(rollout)
    refs, routes, vs_messages = resolve_virtualservices(rollout, objs, names)
    rule, rule_messages = _destination_rule(rollout, objs, names, converged)
    messages += vs_messages + rule_messages + _weight_problems(routes, applied, converged)
    return replace(
        info,
        virtualservices=refs,
        routes=routes,
        destination_rule=rule,
        warnings=tuple(messages),
    )
