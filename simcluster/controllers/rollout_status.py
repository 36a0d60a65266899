"""Computing and persisting Rollout status (upstream's calculateBaseStatus/persistRolloutStatus)."""

from __future__ import annotations

import copy

from . import conditions as cond
from .canary_math import (
    current_step,
    is_bluegreen,
    rs_ready,
    rs_status_replicas,
    saturated,
    spec_replicas,
    status_of,
)
from .objects import as_dict, as_int, as_list, dig, format_selector, meta, pod_hash
from .rollout_context import RolloutContext, pause_conditions
from .rollout_replicasets import has_deadline

_OMIT_ZERO = {"replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "HPAReplicas"}


def clean_status(status: dict) -> dict:
    """Drop what Go's omitempty would drop; keep the always-present canary/blueGreen structs."""
    out: dict = {}
    for key, value in status.items():
        if key in ("canary", "blueGreen"):
            out[key] = {k: v for k, v in as_dict(value).items()
                        if v is not None and v != "" and v is not False and v != []}
        elif key == "currentStepIndex":
            if value is not None:
                out[key] = value
        elif value is None or value == "" or value is False or value == [] or (
                key in _OMIT_ZERO and value == 0):
            continue
        else:
            out[key] = value
    return out


def base_status(ctx: RolloutContext) -> dict:
    """calculateBaseStatus: counts from the ReplicaSets, conditions carried over."""
    old = status_of(ctx.rollout)
    new = ctx.new_status
    new["currentPodHash"] = pod_hash(ctx.new_rs) if ctx.new_rs else ctx.template_hash()
    new["replicas"] = sum(rs_status_replicas(rs) for rs in ctx.all_rss)
    new["updatedReplicas"] = rs_status_replicas(ctx.new_rs)
    new["readyReplicas"] = sum(rs_ready(rs) for rs in ctx.all_rss)
    if old.get("collisionCount") is not None:
        new["collisionCount"] = old["collisionCount"]
    new["conditions"] = [c for c in copy.deepcopy(as_list(old.get("conditions")))
                         if isinstance(c, dict) and c.get("type") != cond.INVALID_SPEC]
    new["promoteFull"] = new["currentPodHash"] != old.get("stableRS") and \
        old.get("promoteFull") is True
    return new


def reset_status(ctx: RolloutContext, new: dict) -> None:
    """resetRolloutStatus: a new pod template or new steps start the update from scratch."""
    ctx.pause.clear = True
    ctx.pause.remove_abort = True
    restart_at = dig(ctx.rollout, "spec", "restartAt")
    if restart_at:
        new["restartedAt"] = restart_at
    new["promoteFull"] = False
    canary, blue_green = as_dict(new.get("canary")), as_dict(new.get("blueGreen"))
    for key in ("currentStepAnalysisRunStatus", "currentBackgroundAnalysisRunStatus",
                "stepPluginStatuses"):
        canary.pop(key, None)
    for key in ("prePromotionAnalysisRunStatus", "postPromotionAnalysisRunStatus",
                "scaleUpPreviewCheckPoint"):
        blue_green.pop(key, None)
    new["currentStepIndex"] = 0 if dig(ctx.rollout, "spec", "strategy", "canary", "steps") \
        else None


def persist(ctx: RolloutContext, new: dict) -> None:
    """persistRolloutStatus: pause/abort fields, conditions, phase — then write if changed."""
    new["observedGeneration"] = str(meta(ctx.rollout).get("generation", 1))
    if dig(ctx.rollout, "spec", "workloadRef") is not None:
        new["workloadObservedGeneration"] = str(dig(
            ctx.rollout, "metadata", "annotations", "rollout.argoproj.io/workload-generation",
            default=""))
    _progress_deadline_abort(ctx, new)
    ctx.pause.apply(new, ctx.now_str())
    calculate_conditions(ctx, new)
    if not ctx.notes:
        cond.remove_condition(new, "TrafficRouting")  # the unsimulated router is gone
    for note in ctx.notes:
        cond.set_condition(new, note)
    new["phase"], new["message"] = cond.calculate_phase(ctx.rollout, new)
    if not is_bluegreen(ctx.rollout):
        new.setdefault("selector", format_selector(dig(ctx.rollout, "spec", "selector")))
    cleaned = clean_status(new)
    old = status_of(ctx.rollout)
    if cleaned != old:
        ctx.write_rollout(lambda ro: ro.__setitem__("status", cleaned))
        _state_change_events(ctx, old, cleaned)
    _requeue_stuck(ctx, cleaned)


def _state_change_events(ctx: RolloutContext, old: dict, new: dict) -> None:
    was, now = bool(old.get("pauseConditions")), bool(new.get("pauseConditions"))
    if was == now:
        return
    if now:
        reason = new["pauseConditions"][0].get("reason")
        ctx.event(cond.PAUSED_REASON, f"{cond.PAUSED_MESSAGE} ({reason})")
    elif not new.get("abortedAt"):
        ctx.event(cond.RESUMED_REASON, cond.RESUMED_MESSAGE)


def check_paused_conditions(ctx: RolloutContext) -> bool:
    """Keep Progressing/Paused conditions in line with pauses and aborts; True if it wrote."""
    ro = ctx.rollout
    old = status_of(ro)
    if old.get("observedGeneration") != str(meta(ro).get("generation", 1)):
        return False
    progressing = cond.get_condition(old, cond.PROGRESSING) or {}
    paused_reason = progressing.get("reason") == cond.PAUSED_REASON
    aborted = progressing.get("reason") == cond.ABORTED_REASON
    is_paused = bool(pause_conditions(ro)) or dig(ro, "spec", "paused") is True
    now = ctx.now_str()
    updates = []
    if is_paused != paused_reason and not aborted and not cond.rollout_completed(old):
        reason, message = (cond.PAUSED_REASON, cond.PAUSED_MESSAGE) if is_paused else (
            cond.RESUMED_REASON, cond.RESUMED_MESSAGE)
        updates.append(cond.new_condition(cond.PROGRESSING, "Unknown", reason, message, now))
    if old.get("abort") is not True and aborted:
        updates.append(cond.new_condition(cond.PROGRESSING, "Unknown", cond.RETRY_REASON,
                                          cond.RETRY_MESSAGE, now))
    paused_cond = cond.get_condition(old, cond.PAUSED) or {}
    if is_paused != (paused_cond.get("status") == "True") and not aborted:
        updates.append(cond.new_condition(cond.PAUSED, "True" if is_paused else "False",
                                          cond.PAUSED_REASON, cond.PAUSED_MESSAGE, now))
    if not updates:
        return False
    new = copy.deepcopy(old)
    for update in updates:
        cond.set_condition(new, update)
    new["phase"], new["message"] = cond.calculate_phase(ro, new)
    ctx.write_rollout(lambda obj: obj.__setitem__("status", clean_status(new)))
    return True


def calculate_conditions(ctx: RolloutContext, new: dict) -> None:
    ro, now = ctx.rollout, ctx.now_str()
    old = status_of(ro)
    is_paused = bool(new.get("pauseConditions")) or dig(ro, "spec", "paused") is True
    aborted = ctx.pause.is_aborted()
    became_unhealthy = _healthy_condition(ro, new, is_paused, now)
    if aborted:
        message = cond.ABORTED_MESSAGE.format(ctx.revision())
        if ctx.pause.abort_message:
            message = f"{message}: {ctx.pause.abort_message}"
        aborted_cond = cond.new_condition(cond.PROGRESSING, "False", cond.ABORTED_REASON,
                                          message, now)
        if cond.set_condition(new, aborted_cond):
            ctx.event(cond.ABORTED_REASON, message, warning=True)
    current = cond.get_condition(old, cond.PROGRESSING)
    if not aborted:
        _progress_condition(ctx, new, current, became_unhealthy)
    _available_condition(ctx, new, now)
    _replica_failure_condition(ctx, new)
    completed = cond.rollout_completed(new)
    cond.set_condition(new, cond.new_condition(cond.COMPLETED, "True" if completed else "False",
                                               cond.COMPLETED_REASON, cond.COMPLETED_REASON, now))


def _healthy_condition(ro: dict, new: dict, is_paused: bool, now: str) -> bool:
    if not is_paused and cond.rollout_healthy(ro, new):
        cond.set_condition(new, cond.new_condition(cond.HEALTHY, "True", cond.HEALTHY_REASON,
                                                   cond.HEALTHY_MESSAGE, now))
        return False
    if cond.get_condition(status_of(ro), cond.HEALTHY) is not None:
        return cond.set_condition(new, cond.new_condition(
            cond.HEALTHY, "False", cond.HEALTHY_REASON, cond.NOT_HEALTHY_MESSAGE, now))
    return False


def _progress_condition(ctx: RolloutContext, new: dict, current: dict | None,
                        became_unhealthy: bool) -> None:
    ro, now = ctx.rollout, ctx.now_str()
    rs_name = dig(ctx.new_rs, "metadata", "name", default="")
    if cond.rollout_healthy(ro, new):
        cond.set_condition(new, cond.new_condition(
            cond.PROGRESSING, "True", cond.NEW_RS_AVAILABLE,
            cond.RS_COMPLETED_MESSAGE.format(rs_name), now))
    elif cond.rollout_progressing(ro, new) or became_unhealthy:
        reason, message = cond.REPLICASET_UPDATED, (
            cond.REPLICASET_PROGRESSING_MESSAGE.format(rs_name) if rs_name
            else cond.ROLLOUT_PROGRESSING_MESSAGE.format(ctx.name))
        if new.get("stableRS") == new.get("currentPodHash") and became_unhealthy:
            reason, message = cond.RS_NOT_AVAILABLE, cond.NOT_AVAILABLE_MESSAGE
        update = cond.new_condition(cond.PROGRESSING, "True", reason, message, now)
        if current is not None:
            if current.get("status") == "True":
                update["lastTransitionTime"] = current.get("lastTransitionTime")
            cond.remove_condition(new, cond.PROGRESSING)
        new.setdefault("conditions", []).append(update)
    elif not indefinite_step(ro) and not waiting_for_scale_down(ctx) and timed_out(ctx, new):
        message = cond.RS_TIMED_OUT_MESSAGE.format(rs_name) if rs_name else \
            cond.ROLLOUT_TIMED_OUT_MESSAGE.format(ctx.name)
        cond.set_condition(new, cond.new_condition(cond.PROGRESSING, "False",
                                                   cond.TIMED_OUT_REASON, message, now))


def _replica_failure_condition(ctx: RolloutContext, new: dict) -> None:
    """getReplicaFailures: a ReplicaSet's ReplicaFailure (the new RS's first) becomes ours."""
    for rs in [r for r in (ctx.new_rs,) if r] + ctx.all_rss:
        for rs_cond in as_list(dig(rs, "status", "conditions")):
            if dig(rs_cond, "type") == cond.REPLICA_FAILURE:
                stamp = rs_cond.get("lastTransitionTime")
                cond.set_condition(new, {"type": cond.REPLICA_FAILURE,
                                         "status": str(rs_cond.get("status", "True")),
                                         "reason": str(rs_cond.get("reason", "")),
                                         "message": str(rs_cond.get("message", "")),
                                         "lastUpdateTime": stamp, "lastTransitionTime": stamp})
                return
    cond.remove_condition(new, cond.REPLICA_FAILURE)


def _available_condition(ctx: RolloutContext, new: dict, now: str) -> None:
    replicas = spec_replicas(ctx.rollout)
    if is_bluegreen(ctx.rollout):
        active = dig(new, "blueGreen", "activeSelector", default="")
        rs = next((r for r in ctx.all_rss if active and pod_hash(r) == active), None)
        ok = saturated(ctx.rollout, rs)
    else:
        ok = sum(as_int(dig(r, "status", "availableReplicas")) for r in ctx.all_rss) >= replicas
    cond.set_condition(new, cond.new_condition(
        cond.AVAILABLE, "True" if ok else "False", cond.AVAILABLE_REASON,
        cond.AVAILABLE_MESSAGE if ok else cond.NOT_AVAILABLE_MESSAGE, now))


def indefinite_step(ro: dict) -> bool:
    step, _ = current_step(ro)
    if step is not None and any(k in step for k in ("experiment", "analysis", "pause")):
        return True
    paused = cond.get_condition(status_of(ro), cond.PAUSED) or {}
    return paused.get("status") == "True"


def waiting_for_scale_down(ctx: RolloutContext) -> bool:
    return any(has_deadline(rs) for rs in ctx.other_rss)


def timed_out(ctx: RolloutContext, status: dict) -> bool:
    progressing = cond.get_condition(status, cond.PROGRESSING)
    if progressing is None or progressing.get("reason") in (cond.ABORTED_REASON,
                                                            cond.PAUSED_REASON):
        return False
    if progressing.get("reason") == cond.TIMED_OUT_REASON:
        return True
    remaining = ctx.seconds_until(progressing.get("lastUpdateTime"), deadline_seconds(ctx))
    return remaining is not None and remaining < 0


def deadline_seconds(ctx: RolloutContext) -> float:
    value = dig(ctx.rollout, "spec", "progressDeadlineSeconds")
    return float(value) if isinstance(value, int) else 600.0


def _progress_deadline_abort(ctx: RolloutContext, new: dict) -> None:
    if dig(ctx.rollout, "spec", "progressDeadlineAbort") is not True or ctx.pause.is_aborted():
        return
    if cond.rollout_completed(new) or cond.rollout_progressing(ctx.rollout, new):
        return
    if indefinite_step(ctx.rollout) or waiting_for_scale_down(ctx):
        return
    if not timed_out(ctx, status_of(ctx.rollout)):
        return
    rs_name = dig(ctx.new_rs, "metadata", "name", default="")
    message = cond.RS_TIMED_OUT_MESSAGE.format(rs_name) if rs_name else \
        cond.ROLLOUT_TIMED_OUT_MESSAGE.format(ctx.name)
    ctx.pause.abort(message)
    ctx.event(cond.ABORTED_REASON, message, warning=True)


def _requeue_stuck(ctx: RolloutContext, new: dict) -> None:
    """Come back when the progress deadline would pass (requeueStuckRollout)."""
    progressing = cond.get_condition(status_of(ctx.rollout), cond.PROGRESSING)
    if progressing is None or progressing.get("reason") == cond.TIMED_OUT_REASON:
        return
    if cond.rollout_healthy(ctx.rollout, new) or new.get("abort") or new.get("pauseConditions"):
        return
    if dig(ctx.rollout, "spec", "paused") is True or indefinite_step(ctx.rollout):
        return
    remaining = ctx.seconds_until(progressing.get("lastUpdateTime"), deadline_seconds(ctx))
    if remaining is not None:
        ctx.requeue_after(max(0.0, remaining) + 1.0)
