"""Scaling a Rollout's ReplicaSets: the new one, the stable one, and the old ones (with delays)."""

from __future__ import annotations

import math

from .basic_canary import basic_canary_counts, stable_exists
from .canary_math import (
    abort_scale_down_delay,
    bluegreen_spec,
    canary_spec,
    is_bluegreen,
    is_fully_promoted,
    max_unavailable,
    rs_available,
    rs_replicas,
    scale_down_delay,
    spec_replicas,
    status_of,
    traffic_routed_counts,
    traffic_routing,
)
from .objects import dig, pod_hash, revision_of
from .rollout_context import RolloutContext, creation_key, pause_condition
from .rollout_replicasets import (
    add_deadline,
    has_deadline,
    remove_deadline,
    scale_rs,
    seconds_to_deadline,
)
from .services import get_service, selector_hash


def halt_reason(ctx: RolloutContext) -> str:
    if dig(ctx.rollout, "spec", "paused") is True:
        return "user paused"
    if pause_condition(ctx.rollout, "InconclusiveAnalysisRun") is not None:
        return "inconclusive analysis"
    return ""


def delay_scale_down_on_abort(ctx: RolloutContext) -> bool:
    if not ctx.pause.is_aborted() or ctx.stable_rs is None:
        return False
    if not is_bluegreen(ctx.rollout) and traffic_routing(ctx.rollout) is None:
        return False
    delay, explicit = abort_scale_down_delay(ctx.rollout)
    if delay is None:
        return False
    dynamic = canary_spec(ctx.rollout).get("dynamicStableScale") is True
    return not (dynamic and not explicit)


def new_rs_replicas(ctx: RolloutContext) -> int:
    """NewRSNewReplicas."""
    ro, new_rs = ctx.rollout, ctx.new_rs
    replicas = spec_replicas(ro)
    if is_bluegreen(ro):
        preview = bluegreen_spec(ro).get("previewReplicaCount")
        if not isinstance(preview, int):
            return replicas
        active = dig(ro, "status", "blueGreen", "activeSelector", default="")
        active_rs = next((rs for rs in ctx.all_rss if active and pod_hash(rs) == active), None)
        status = status_of(ro)
        if active_rs is None or ctx.is_new(active_rs) or status.get("promoteFull") is True:
            return replicas
        if pod_hash(new_rs) != status.get("currentPodHash"):
            return preview
        unpaused = dig(ro, "spec", "paused") is not True and not status.get("pauseConditions")
        if unpaused and dig(status, "blueGreen", "scaleUpPreviewCheckPoint") is True:
            return replicas
        return preview
    if traffic_routing(ro) is None:
        return basic_canary_counts(ro, new_rs, ctx.stable_rs, ctx.other_rss)[0]
    weights = dig(ctx.new_status, "canary", "weights")
    return traffic_routed_counts(ro, new_rs, ctx.stable_rs, weights)[0]


def reconcile_new_rs(ctx: RolloutContext) -> bool:
    if ctx.new_rs is None:
        return False
    count = new_rs_replicas(ctx)
    if ctx.pause.is_aborted() and ctx.stable_rs is not None and (
            is_bluegreen(ctx.rollout) or traffic_routing(ctx.rollout) is not None) and \
            abort_scale_down_delay(ctx.rollout)[0] is None:
        # abortScaleDownDelaySeconds: 0 means "leave the canary/preview up" (as documented;
        # upstream's arithmetic only keeps it when a setCanaryScale step sized it).
        count = rs_replicas(ctx.new_rs)
    delaying = delay_scale_down_on_abort(ctx)
    if delaying:
        if has_deadline(ctx.new_rs):
            remaining = seconds_to_deadline(ctx, ctx.new_rs)
            if remaining is not None:
                ctx.requeue_after(remaining)
                scale_rs(ctx, ctx.new_rs, rs_replicas(ctx.new_rs), keep_deadline=True)
                return False
            count = 0
        else:
            scale_rs(ctx, ctx.new_rs, rs_replicas(ctx.new_rs), keep_deadline=True)
            if ctx.stable_rs is not None and rs_available(ctx.stable_rs) >= spec_replicas(
                    ctx.rollout):
                add_deadline(ctx, ctx.new_rs, abort_scale_down_delay(ctx.rollout)[0] or 0.0)
            return False
    return scale_rs(ctx, ctx.new_rs, count, keep_deadline=delaying)


def remove_stale_deadlines(ctx: RolloutContext) -> None:
    """Drop scale-down deadlines from the new/stable RSs (we may have moved back to them)."""
    if ctx.new_rs is not None and not delay_scale_down_on_abort(ctx):
        remove_deadline(ctx, ctx.new_rs)
    if ctx.stable_rs is not None and not ctx.is_new(ctx.stable_rs):
        remove_deadline(ctx, ctx.stable_rs)


def reconcile_canary_stable(ctx: RolloutContext) -> bool:
    if not stable_exists(ctx.new_rs, ctx.stable_rs):
        return False
    ro = ctx.rollout
    if traffic_routing(ro) is None:
        desired = basic_canary_counts(ro, ctx.new_rs, ctx.stable_rs, ctx.other_rss)[1]
    else:
        weights = dig(ro, "status", "canary", "weights")
        desired = traffic_routed_counts(ro, ctx.new_rs, ctx.stable_rs, weights)[1]
    return scale_rs(ctx, ctx.stable_rs, desired)


def reconcile_other_rss(ctx: RolloutContext) -> bool:
    others = [rs for rs in ctx.other_rss if rs_replicas(rs) > 0]
    if not others:
        return False
    if is_bluegreen(ctx.rollout):
        return scale_down_old_bluegreen(ctx, others)
    return scale_down_old_canary(ctx, others) > 0


def _cleanup_unhealthy(ctx: RolloutContext, others: list[dict]) -> tuple[list[dict], int]:
    total = 0
    result = []
    for rs in sorted(others, key=creation_key):
        replicas, available = rs_replicas(rs), rs_available(rs)
        if replicas == 0 or replicas == available or available > replicas:
            result.append(rs)
            continue
        scale_rs(ctx, rs, available)
        total += replicas - available
        result.append(next(r for r in ctx.all_rss if r["metadata"]["name"] == rs["metadata"][
            "name"]))
    return result, total


def scale_down_old_canary(ctx: RolloutContext, others: list[dict]) -> int:
    others, total = _cleanup_unhealthy(ctx, others)
    ro = ctx.rollout
    available = sum(rs_available(rs) for rs in ctx.all_rss)
    max_down = available - (spec_replicas(ro) - max_unavailable(ro))
    if max_down <= 0:
        return total
    routed = traffic_routing(ro) is not None
    annotated = 0
    for rs in sorted(others, key=revision_of, reverse=True):
        if routed and is_referenced(ctx, rs):
            continue
        if max_down <= 0:
            break
        replicas = rs_replicas(rs)
        if replicas == 0:
            continue
        desired = 0
        if not routed:
            desired = max(0, replicas - max_down)
        elif (is_fully_promoted(ro) or has_deadline(rs)) and canary_spec(ro).get(
                "dynamicStableScale") is not True:
            annotated, desired = scale_down_delay_helper(ctx, rs, annotated, replicas)
        if desired == replicas:
            continue
        scale_rs(ctx, rs, desired)
        max_down -= replicas - desired
        total += replicas - desired
    return total


def scale_down_old_bluegreen(ctx: RolloutContext, others: list[dict]) -> bool:
    if pause_condition(ctx.rollout, "InconclusiveAnalysisRun") is not None:
        return False
    spec = bluegreen_spec(ctx.rollout)
    post = ctx.post_promotion_run
    if spec.get("postPromotionAnalysis") is not None and spec.get("scaleDownDelaySeconds") is None \
            and post is not None and dig(post, "status", "phase") != "Successful":
        return False
    scaled = False
    annotated = 0
    for rs in sorted(others, key=revision_of, reverse=True):
        if is_referenced(ctx, rs) or rs_replicas(rs) == 0:
            continue
        annotated, desired = scale_down_delay_helper(ctx, rs, annotated,
                                                     spec_replicas(ctx.rollout))
        if desired != rs_replicas(rs):
            scale_rs(ctx, rs, desired)
            scaled = True
    return scaled


def scale_down_delay_helper(ctx: RolloutContext, rs: dict, annotated: int,
                            keep: int) -> tuple[int, int]:
    """Stamp scale-down-deadline on an old RS, keep it up until then, then let it go to 0."""
    spec = bluegreen_spec(ctx.rollout) if is_bluegreen(ctx.rollout) else canary_spec(ctx.rollout)
    limit = spec.get("scaleDownDelayRevisionLimit")
    limit = limit if isinstance(limit, int) else math.inf
    if not has_deadline(rs):
        delay = scale_down_delay(ctx.rollout)
        if annotated < limit and delay > 0:
            add_deadline(ctx, rs, delay)
            return annotated + 1, rs_replicas(rs)
        return annotated, 0
    annotated += 1
    if annotated > limit:
        return annotated, 0
    remaining = seconds_to_deadline(ctx, rs)
    if remaining is not None:
        ctx.requeue_after(remaining)
        return annotated, keep
    return annotated, 0


def is_referenced(ctx: RolloutContext, rs: dict) -> bool:
    """Still pointed at by the status, a Service or a DestinationRule subset: keep it up."""
    rs_pod_hash = pod_hash(rs)
    if not rs_pod_hash:
        return False
    status = status_of(ctx.rollout)
    refs = {status.get("stableRS"), status.get("currentPodHash"),
            dig(status, "blueGreen", "activeSelector"), dig(status, "blueGreen", "previewSelector"),
            dig(status, "canary", "weights", "canary", "podTemplateHash"),
            dig(status, "canary", "weights", "stable", "podTemplateHash")}
    if rs_pod_hash in refs:
        return True
    spec = bluegreen_spec(ctx.rollout) if is_bluegreen(ctx.rollout) else canary_spec(ctx.rollout)
    keys = ("activeService", "previewService") if is_bluegreen(ctx.rollout) else (
        "canaryService", "stableService")
    for key in keys:
        if selector_hash(get_service(ctx, str(spec.get(key) or ""))) == rs_pod_hash:
            return True
    rule_name = dig(canary_spec(ctx.rollout), "trafficRouting", "istio", "destinationRule", "name")
    if rule_name:
        rule = ctx.rt.store.get("destinationrules", ctx.namespace, str(rule_name))
        for subset in dig(rule, "spec", "subsets", default=[]):
            if dig(subset, "labels", "rollouts-pod-template-hash") == rs_pod_hash:
                return True
    return False
