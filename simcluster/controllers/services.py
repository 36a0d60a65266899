"""Pinning the canary/stable (and active/preview) Services to one ReplicaSet's pod hash.

Upstream sends a strategic-merge patch setting spec.selector.rollouts-pod-template-hash, adding the
managed-by annotation the first time (rollout/service.go); we make the same edit.
"""

from __future__ import annotations

from .canary_math import canary_spec, rs_available, rs_replicas, traffic_routing
from .objects import HASH_LABEL, MANAGED_BY_ANNOTATION, annotations_of, dig, pod_hash
from .rollout_context import RolloutContext


class MissingService(Exception):
    """A Service the rollout names does not exist (reported as InvalidSpec by validation)."""


def get_service(ctx: RolloutContext, name: str) -> dict | None:
    return ctx.rt.store.get("services", ctx.namespace, name) if name else None


def selector_hash(service: dict | None) -> str:
    return str(dig(service, "spec", "selector", HASH_LABEL, default="")) if service else ""


def switch_selector(ctx: RolloutContext, service: dict, new_hash: str) -> None:
    old_hash = selector_hash(service)
    managed = MANAGED_BY_ANNOTATION in annotations_of(service)
    if old_hash == new_hash and managed:
        return

    def edit(svc: dict) -> None:
        spec = svc.setdefault("spec", {})
        if not isinstance(spec.get("selector"), dict):
            spec["selector"] = {}
        spec["selector"][HASH_LABEL] = new_hash
        if MANAGED_BY_ANNOTATION not in annotations_of(svc):
            svc.setdefault("metadata", {}).setdefault("annotations", {})[
                MANAGED_BY_ANNOTATION] = ctx.name

    ctx.rt.write("services", service, edit)
    ctx.event("SwitchService", f"Switched selector for service '{dig(service, 'metadata', 'name')}'"
                               f" from '{old_hash}' to '{new_hash}'")


def ensure_targets(ctx: RolloutContext, service_name: str, rs: dict | None,
                   check_availability: bool) -> None:
    """ensureSVCTargets: point the Service at `rs`, but never at a ReplicaSet with no pods up."""
    if rs is None or not service_name:
        return
    service = get_service(ctx, service_name)
    if service is None:
        raise MissingService(service_name)
    desired = pod_hash(rs)
    if selector_hash(service) == desired:
        return
    if MANAGED_BY_ANNOTATION not in annotations_of(service) and check_availability:
        replicas = rs_replicas(rs)
        if not (replicas and rs_available(rs) and replicas <= rs_available(rs)):
            return  # adopting a Service: wait until the RS is fully available
    if check_availability and rs_available(rs) == 0:
        return
    switch_selector(ctx, service, desired)


def reconcile_canary_services(ctx: RolloutContext) -> None:
    canary = canary_spec(ctx.rollout)
    stable_name = str(canary.get("stableService") or "")
    canary_name = str(canary.get("canaryService") or "")
    ensure_targets(ctx, stable_name, ctx.stable_rs, True)
    if ctx.pause.is_aborted():
        # Upstream only does this without traffic routing and lets the traffic reconciler move the
        # canary Service back to stable, so the two flip it back and forth while aborted; pinning
        # it to stable here for every rollout keeps the same end state without the flapping.
        ensure_targets(ctx, canary_name, ctx.stable_rs, traffic_routing(ctx.rollout) is None)
        return
    ensure_targets(ctx, canary_name, ctx.new_rs, True)
