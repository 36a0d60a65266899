"""When the desired ReplicaSet becomes stable (shouldFullPromote/promoteStable) and rollbacks."""

from __future__ import annotations

from . import conditions as cond
from .canary_math import (
    canary_spec,
    current_step,
    is_bluegreen,
    progress_threshold_met,
    rs_available,
    spec_replicas,
    status_of,
    steps_of,
)
from .objects import EXPERIMENT_NAME_ANNOTATION, annotations_of, as_int, dig, pod_hash
from .rollout_context import RolloutContext, creation_key
from .rollout_replicasets import seconds_to_deadline


def _created_before(a: dict, b: dict) -> bool:
    return creation_key(a)[0] < creation_key(b)[0]


def is_rollback(ctx: RolloutContext) -> bool:
    if ctx.new_rs is None or ctx.stable_rs is None:
        return False
    to_stable = status_of(ctx.rollout).get("stableRS") == pod_hash(ctx.new_rs)
    return to_stable or _created_before(ctx.new_rs, ctx.stable_rs)


def rollback_within_window(ctx: RolloutContext) -> bool:
    new, stable = ctx.new_rs, ctx.stable_rs
    if new is None or stable is None or not _created_before(new, stable):
        return False
    revisions = as_int(dig(ctx.rollout, "spec", "rollbackWindow", "revisions"), 0)
    if revisions <= 0:
        return False
    between = sum(1 for rs in ctx.all_rss
                  if not annotations_of(rs).get(EXPERIMENT_NAME_ANNOTATION)
                  and _created_before(rs, stable) and _created_before(new, rs))
    return between < revisions


def new_rs_within_delay(ctx: RolloutContext) -> bool:
    return ctx.new_rs is not None and seconds_to_deadline(ctx, ctx.new_rs) is not None


def is_fast_rollback(ctx: RolloutContext) -> bool:
    if not is_rollback(ctx):
        return False
    to_stable = status_of(ctx.rollout).get("stableRS") == pod_hash(ctx.new_rs)
    within_delay = new_rs_within_delay(ctx) and is_bluegreen(ctx.rollout)
    return rollback_within_window(ctx) or within_delay or to_stable


def should_full_promote(ctx: RolloutContext, new: dict) -> str:
    """A reason to mark the desired ReplicaSet stable now, or "" (order matters, as upstream)."""
    status = status_of(ctx.rollout)
    if ctx.stable_rs is None:
        return "Initial deploy"
    if is_bluegreen(ctx.rollout):
        return _bluegreen_reason(ctx, new)
    if ctx.pause.is_aborted():
        return ""
    replicas = spec_replicas(ctx.rollout)
    if ctx.new_rs is None or (rs_available(ctx.new_rs) < replicas
                              and not _threshold(ctx, replicas)):
        return ""
    if status.get("promoteFull") is True:
        return "Full promotion requested"
    if is_fast_rollback(ctx):
        return "Rollback within window" if rollback_within_window(ctx) else "Fast rollback"
    _, index = current_step(ctx.rollout)
    count = len(steps_of(ctx.rollout))
    if count == 0 or (index is not None and index == count):
        return f"Completed all {count} canary steps"
    return ""


def _threshold(ctx: RolloutContext, replicas: int) -> bool:
    if canary_spec(ctx.rollout).get("replicaProgressThreshold") is None:
        return False
    return progress_threshold_met(ctx.rollout, ctx.new_rs, replicas)


def _bluegreen_reason(ctx: RolloutContext, new: dict) -> str:
    active = dig(new, "blueGreen", "activeSelector", default="")
    if not active:
        return "Initial deploy"
    if active != new.get("currentPodHash"):
        return ""
    if status_of(ctx.rollout).get("promoteFull") is True:
        return "Full promotion requested"
    if is_fast_rollback(ctx):
        return "Rollback within window" if rollback_within_window(ctx) else "Fast rollback"
    if ctx.pause.is_aborted():
        return ""
    if dig(ctx.rollout, "spec", "strategy", "blueGreen", "postPromotionAnalysis") is not None:
        run = ctx.post_promotion_run
        if run is None or dig(run, "status", "phase") != "Successful":
            return ""
    return "Completed blue-green update"


def promote_stable(ctx: RolloutContext, new: dict, reason: str) -> None:
    ctx.pause.clear = True
    ctx.pause.remove_abort = True
    new["promoteFull"] = False
    new.setdefault("blueGreen", {}).pop("scaleUpPreviewCheckPoint", None)
    if not is_bluegreen(ctx.rollout):
        count = len(steps_of(ctx.rollout))
        new["currentStepIndex"] = count if count > 0 else None
    if new.get("stableRS") != new.get("currentPodHash"):
        ping_pong = canary_spec(ctx.rollout).get("pingPong")
        if isinstance(ping_pong, dict):
            stable_ping = dig(ctx.rollout, "status", "canary", "stablePingPong") == "ping"
            new.setdefault("canary", {})["stablePingPong"] = "pong" if stable_ping else "ping"
        new["stableRS"] = new.get("currentPodHash")
        ctx.event(cond.COMPLETED_REASON, f"Rollout completed update to revision "
                                         f"{ctx.revision()} ({new['stableRS']}): {reason}")
