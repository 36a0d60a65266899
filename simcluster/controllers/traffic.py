"""reconcileTrafficRouting: the desired canary weight, written into Istio and into the status.

Only Istio is simulated. Any other router (ALB, SMI, NGINX, Ambassador, App Mesh, Traefik,
APISIX, plugins) is reported with a ``TrafficRouting`` condition (reason
``TrafficRouterNotSimulated``) and a Warning event; such a rollout's steps then progress by pod
ratio, like a canary without traffic routing, and no router object is touched.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from . import conditions as cond
from . import istio, istio_routes
from .basic_canary import at_desired_counts
from .canary_math import (
    canary_spec,
    current_set_weight,
    current_step,
    is_fully_promoted,
    max_weight,
    previous_set_weight,
    progress_threshold_met,
    raw_traffic_routing,
    rs_available,
    spec_replicas,
    status_of,
    steps_of,
)
from .objects import as_dict, as_int, as_list, dig, pod_hash
from .rollout_context import RolloutContext
from .services import ensure_targets

UNSIMULATED = ("alb", "smi", "nginx", "ambassador", "appMesh", "traefik", "apisix", "plugins")
NOT_SIMULATED_REASON = "TrafficRouterNotSimulated"


def unsimulated_routers(ro: dict) -> list[str]:
    routing = raw_traffic_routing(ro) or {}
    return [name for name in UNSIMULATED if routing.get(name) is not None]


def note_unsimulated(ctx: RolloutContext) -> None:
    routers = unsimulated_routers(ctx.rollout)
    if not routers:
        return
    names = ", ".join(routers)
    message = (f"simcluster does not simulate the {names} traffic router: steps progress by pod "
               f"ratio and no {names} object is rewritten")
    ctx.notes.append(cond.new_condition("TrafficRouting", "False", NOT_SIMULATED_REASON, message,
                                        ctx.now_str()))
    previous = cond.get_condition(status_of(ctx.rollout), "TrafficRouting")
    if previous is None or previous.get("message") != message:
        ctx.event(NOT_SIMULATED_REASON, message, warning=True)


def experiment_destinations(ctx: RolloutContext) -> list[dict]:
    """WeightDestinations for a running experiment step's templates that ask for a weight."""
    step = _experiment_step(ctx.rollout)
    ex = ctx.current_experiment
    if step is None or ex is None or dig(ex, "status", "phase") != "Running":
        return []
    weights = {dig(t, "name"): dig(t, "weight") for t in as_list(step.get("templates"))}
    found = []
    for template in as_list(dig(ex, "status", "templateStatuses")):
        weight = weights.get(dig(template, "name"))
        if isinstance(weight, int):
            found.append({"weight": weight, "serviceName": dig(template, "serviceName", default=""),
                          "podTemplateHash": dig(template, "podTemplateHash", default="")})
    return found


def _experiment_step(ro: dict) -> dict | None:
    step, index = current_step(ro)
    if step is None or index is None:
        return None
    for previous in reversed(steps_of(ro)[: index + 1]):
        if isinstance(previous.get("experiment"), dict):
            return previous["experiment"]
    return None


def _desired_weight(ctx: RolloutContext) -> tuple[int, list[dict], bool]:
    """(desired canary weight, additional destinations, remove managed routes?)"""
    ro = ctx.rollout
    _, index = current_step(ro)
    new_rs = ctx.new_rs
    if is_fully_promoted(ro):
        return 0, [], True
    if ctx.pause.is_aborted():
        ensure_targets(ctx, str(canary_spec(ro).get("canaryService") or ""), ctx.stable_rs, False)
        return 0, [], True
    if new_rs is None or rs_available(new_rs) == 0:
        return 0, experiment_destinations(ctx), True
    if status_of(ro).get("promoteFull") is True:
        return as_int(dig(ro, "status", "canary", "weights", "canary", "weight")), [], True
    if index is None:
        return 0, [], False
    if not at_desired_counts(ro, new_rs, ctx.stable_rs, ctx.other_rss, None):
        return previous_set_weight(ro, index), experiment_destinations(ctx), False
    if index != len(steps_of(ro)):
        return current_set_weight(ro), experiment_destinations(ctx), False
    return max_weight(ro), [], False


def reconcile_traffic_routing(ctx: RolloutContext) -> None:
    cfg = istio.settings(ctx.rollout)
    if cfg is None:
        ctx.new_status["canary"].pop("weights", None)
        return
    desired, additional, drop_managed = _desired_weight(ctx)
    if not _stable_can_take(ctx, max_weight(ctx.rollout) - desired):
        return
    canary_hash, stable_hash = pod_hash(ctx.new_rs), pod_hash(ctx.stable_rs)
    step, _ = current_step(ctx.rollout)
    for vs_cfg in cfg.virtual_services:
        _edit_virtual_service(ctx, vs_cfg, desired, lambda vs, vc=vs_cfg: _routes(
            ctx, vs, vc, cfg, desired, additional, drop_managed, step))
    if cfg.destination_rule is not None:
        _update_destination_rule(ctx, cfg, canary_hash, stable_hash, additional)
    _record_weights(ctx, desired, canary_hash, stable_hash, additional)


def _routes(ctx: RolloutContext, vs: dict, vs_cfg: dict, cfg: istio.IstioSettings, desired: int,
            additional: list[dict], drop_managed: bool, step: dict | None) -> None:
    if drop_managed:
        istio_routes.remove_managed_routes(vs, ctx.rollout, cfg.managed_routes)
    elif step is not None and ctx.revision() > 1:
        host = _dr_host(ctx, cfg) or cfg.canary_service
        if isinstance(step.get("setHeaderRoute"), dict):
            istio_routes.set_header_route(vs, vs_cfg, cfg, step["setHeaderRoute"], host)
        if isinstance(step.get("setMirrorRoute"), dict):
            istio_routes.set_mirror_route(vs, vs_cfg, cfg, step["setMirrorRoute"], host)
    istio.set_weight(vs, vs_cfg, cfg, desired, additional)
    istio_routes.order_routes(vs, cfg.managed_routes)


def _edit_virtual_service(ctx: RolloutContext, vs_cfg: dict, desired: int,
                          edit: Callable[[dict], None]) -> None:
    namespace, name = istio.vs_reference(str(vs_cfg.get("name")), ctx.namespace)
    vs = ctx.rt.store.get("virtualservices", namespace, name)
    if vs is None:
        raise istio.RoutingError(f"VirtualService `{name}` not found")
    work = copy.deepcopy(vs)
    edit(work)
    if work.get("spec") != vs.get("spec"):
        ctx.rt.write("virtualservices", vs, lambda obj: obj.__setitem__("spec", work["spec"]))
        ctx.event("Updated VirtualService",
                  f"VirtualService `{name}` set to desiredWeight '{desired}'")


def _dr_host(ctx: RolloutContext, cfg: istio.IstioSettings) -> str:
    if cfg.destination_rule is None:
        return ""
    rule = ctx.rt.store.get("destinationrules", ctx.namespace,
                            str(cfg.destination_rule.get("name") or ""))
    return str(dig(rule, "spec", "host", default="")) if rule else ""


def _update_destination_rule(ctx: RolloutContext, cfg: istio.IstioSettings, canary_hash: str,
                             stable_hash: str, additional: list[dict]) -> None:
    if not cfg.canary_service and not cfg.stable_service and _dr_switch_must_wait(ctx):
        return
    name = str(cfg.destination_rule.get("name") or "") if cfg.destination_rule else ""
    rule = ctx.rt.store.get("destinationrules", ctx.namespace, name)
    if rule is None:
        raise istio.RoutingError(f"DestinationRule `{name}` not found")
    work = copy.deepcopy(rule)
    if istio.update_destination_rule(work, ctx.name, cfg, canary_hash, stable_hash, additional):
        ctx.rt.write("destinationrules", rule, lambda obj: obj.update(
            {"metadata": work["metadata"], "spec": work["spec"]}))
        ctx.event("UpdatedDestinationRule", f"DestinationRule {name} subset updated "
                                            f"({cfg.canary_subset}: {canary_hash}, "
                                            f"{cfg.stable_subset}: {stable_hash})")


def _dr_switch_must_wait(ctx: RolloutContext) -> bool:
    """Without Services, relabel subsets only once the RSs taking traffic are fully up."""
    stable_hash = pod_hash(ctx.stable_rs)
    for rs in (ctx.new_rs, ctx.stable_rs):
        if rs is None or as_int(dig(rs, "spec", "replicas")) == 0:
            continue
        if ctx.pause.is_aborted() and pod_hash(rs) != stable_hash:
            continue
        replicas = as_int(dig(rs, "spec", "replicas"))
        if rs_available(rs) < replicas:
            return True
    return False


def _stable_can_take(ctx: RolloutContext, weight: int) -> bool:
    """checkReplicasAvailable: never shift traffic to a stable without the pods to serve it."""
    if ctx.stable_rs is None:
        return False
    needed = weight * spec_replicas(ctx.rollout) // max_weight(ctx.rollout)
    return rs_available(ctx.stable_rs) >= needed or progress_threshold_met(
        ctx.rollout, ctx.stable_rs, needed)


def _record_weights(ctx: RolloutContext, desired: int, canary_hash: str, stable_hash: str,
                    additional: list[dict]) -> None:
    canary = canary_spec(ctx.rollout)
    stable_weight = max_weight(ctx.rollout) - desired - sum(as_int(d["weight"]) for d in additional)
    weights = {"canary": _destination(desired, str(canary.get("canaryService") or ""),
                                      canary_hash),
               "stable": _destination(stable_weight, str(canary.get("stableService") or ""),
                                      stable_hash)}
    if additional:
        weights["additional"] = [_destination(as_int(d["weight"]), str(d["serviceName"]),
                                              str(d["podTemplateHash"])) for d in additional]
    previous = as_dict(dig(ctx.rollout, "status", "canary", "weights"))
    if weights != {k: v for k, v in previous.items() if k != "verified"}:
        before = dig(previous, "canary", "weight")
        detail = f"to {desired}" if before is None else f"from {before} to {desired}"
        if before != desired:
            ctx.event("TrafficWeightUpdated", f"Traffic weight updated {detail}")
    ctx.new_status["canary"]["weights"] = weights


def _destination(weight: int, service: str, pod_hash_value: str) -> dict:
    found = {"weight": weight}
    if service:
        found["serviceName"] = service
    if pod_hash_value:
        found["podTemplateHash"] = pod_hash_value
    return found
