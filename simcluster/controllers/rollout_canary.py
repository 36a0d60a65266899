"""The canary strategy: one reconcile pass (rollout/canary.go rolloutCanary)."""

from __future__ import annotations

from .basic_canary import at_desired_counts
from .canary_math import (
    current_step,
    rs_available,
    rs_status_replicas,
    status_of,
    steps_of,
)
from .hashing import step_hash
from .objects import dig, format_selector, pod_hash
from .promotion import promote_stable, rollback_within_window, should_full_promote
from .restart import reconcile_restart
from .rollout_analysis import reconcile_analysis_runs
from .rollout_context import RolloutContext, pause_condition
from .rollout_experiment import reconcile_experiments
from .rollout_replicasets import trim_revision_history
from .rollout_scaling import (
    halt_reason,
    reconcile_canary_stable,
    reconcile_new_rs,
    reconcile_other_rss,
    remove_stale_deadlines,
)
from .rollout_status import base_status, persist, reset_status
from .services import reconcile_canary_services
from .steps import pause_seconds, step_string
from .traffic import note_unsimulated, reconcile_traffic_routing

PAUSE_STEP = "CanaryPauseStep"


def template_or_steps_changed(ctx: RolloutContext) -> bool:
    status = status_of(ctx.rollout)
    if not status.get("currentStepHash") or status["currentStepHash"] != step_hash(
            dig(ctx.rollout, "spec", "strategy", "canary", "steps", default=[])):
        return True
    current = status.get("currentPodHash")
    wanted = pod_hash(ctx.new_rs) if ctx.new_rs else ctx.template_hash()
    return bool(current) and current != wanted


def rollout_canary(ctx: RolloutContext) -> None:
    note_unsimulated(ctx)
    if template_or_steps_changed(ctx):
        sync_canary_status(ctx)
        return
    if reconcile_restart(ctx) > 0:
        return
    trim_revision_history(ctx)
    reconcile_canary_services(ctx)
    reconcile_traffic_routing(ctx)
    reconcile_experiments(ctx)
    reconcile_analysis_runs(ctx)
    if ctx.pause.add_reasons:
        sync_canary_status(ctx)
        return
    if _reconcile_replicasets(ctx):
        sync_canary_status(ctx)
        return
    _reconcile_pause(ctx)
    sync_canary_status(ctx)


def _reconcile_replicasets(ctx: RolloutContext) -> bool:
    if halt_reason(ctx):
        return False
    remove_stale_deadlines(ctx)
    return reconcile_canary_stable(ctx) or reconcile_new_rs(ctx) or reconcile_other_rss(ctx)


def _reconcile_pause(ctx: RolloutContext) -> None:
    """Add the CanaryPauseStep condition at a pause step; wake up when a timed pause ends."""
    ro = ctx.rollout
    if dig(ro, "spec", "paused") is True or status_of(ro).get("promoteFull") is True:
        return
    step, _ = current_step(ro)
    if step is None or "pause" not in step:
        return
    condition = pause_condition(ro, PAUSE_STEP)
    if condition is None:
        if status_of(ro).get("controllerPause") is not True:
            ctx.pause.add_reasons.append(PAUSE_STEP)
        return
    seconds = pause_seconds(step)
    if seconds is not None:
        remaining = ctx.seconds_until(condition.get("startTime"), seconds)
        if remaining is not None and remaining > 0:
            ctx.requeue_after(remaining)


def completed_current_step(ctx: RolloutContext) -> bool:
    ro = ctx.rollout
    if dig(ro, "spec", "paused") is True:
        return False
    step, _ = current_step(ro)
    if step is None:
        return False
    weights = dig(ctx.new_status, "canary", "weights")
    if "pause" in step:
        return _pause_done(ctx, step)
    if "setCanaryScale" in step or "setWeight" in step:
        return at_desired_counts(ro, ctx.new_rs, ctx.stable_rs, ctx.other_rss, weights)
    if "experiment" in step:
        return dig(ctx.current_experiment, "status", "phase") == "Successful"
    if "analysis" in step:
        return dig(ctx.current_step_run, "status", "phase") == "Successful"
    return True  # header/mirror routes are applied by traffic routing; plugins are not simulated


def _pause_done(ctx: RolloutContext, step: dict) -> bool:
    condition = pause_condition(ctx.rollout, PAUSE_STEP)
    if status_of(ctx.rollout).get("controllerPause") is True and condition is None:
        return True  # promoted: the pause condition was cleared while controllerPause stayed
    seconds = pause_seconds(step)
    if seconds is None or condition is None:
        return False
    remaining = ctx.seconds_until(condition.get("startTime"), seconds)
    return remaining is not None and remaining < 0


def _canary_base_status(ctx: RolloutContext) -> dict:
    ro = ctx.rollout
    new = base_status(ctx)
    new["availableReplicas"] = sum(rs_available(rs) for rs in ctx.all_rss)
    new["HPAReplicas"] = sum(rs_status_replicas(rs) for rs in ctx.all_rss)
    new["selector"] = format_selector(dig(ro, "spec", "selector"))
    if dig(ro, "status", "canary", "stablePingPong"):
        new["canary"]["stablePingPong"] = ro["status"]["canary"]["stablePingPong"]
    new["stableRS"] = status_of(ro).get("stableRS")
    new["currentStepHash"] = step_hash(dig(ro, "spec", "strategy", "canary", "steps", default=[]))
    return new


def sync_canary_status(ctx: RolloutContext) -> None:
    """syncRolloutStatusCanary: reset, full promotion, abort, or the next step."""
    ro = ctx.rollout
    new = _canary_base_status(ctx)
    step, index = current_step(ro)
    old = status_of(ro)
    count = len(steps_of(ro))
    if template_or_steps_changed(ctx):
        _reset(ctx, new, count)
        persist(ctx, new)
        return
    if old.get("promoteFull") is True or rollback_within_window(ctx):
        ctx.pause.clear = True
        ctx.pause.remove_abort = True
        if count:
            index = count
    reason = should_full_promote(ctx, new)
    if reason:
        promote_stable(ctx, new, reason)
        persist(ctx, new)
        return
    if ctx.pause.is_aborted():
        if count:
            new["currentStepIndex"] = count if new.get("stableRS") == new.get(
                "currentPodHash") else 0
        persist(ctx, new)
        return
    if index is not None and step is not None and completed_current_step(ctx):
        index += 1
        new["canary"].pop("currentStepAnalysisRunStatus", None)
        ctx.event("RolloutStepCompleted",
                  f"Rollout step {index}/{count} completed ({step_string(step)})")
        ctx.pause.remove_reasons.append(PAUSE_STEP)
    new["currentStepIndex"] = index
    persist(ctx, new)


def _reset(ctx: RolloutContext, new: dict, count: int) -> None:
    reset_status(ctx, new)
    if ctx.new_rs is None or count == 0:
        return
    if status_of(ctx.rollout).get("stableRS") == pod_hash(ctx.new_rs):
        ctx.event("SkipSteps", "Rollback to stable ReplicaSets")
        new["currentStepIndex"] = count
    elif rollback_within_window(ctx) and dig(ctx.new_rs, "spec", "replicas", default=0) > 0:
        ctx.event("SkipSteps", "Rollback to active ReplicaSets within RollbackWindow")
        new["currentStepIndex"] = count
