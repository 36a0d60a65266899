"""Rollout conditions and phase, with upstream's types, reasons and messages.

(utils/conditions/conditions.go and utils/rollout/rolloututil.go CalculateRolloutPhase.)
"""

from __future__ import annotations

from .canary_math import is_bluegreen, spec_replicas, steps_of, traffic_routing
from .objects import as_dict, as_int, as_list, dig

# Condition types
INVALID_SPEC = "InvalidSpec"
AVAILABLE = "Available"
PROGRESSING = "Progressing"
REPLICA_FAILURE = "ReplicaFailure"
PAUSED = "Paused"
COMPLETED = "Completed"
HEALTHY = "Healthy"

# Reasons and messages
AVAILABLE_REASON = "AvailableReason"
AVAILABLE_MESSAGE = "Rollout has minimum availability"
NOT_AVAILABLE_MESSAGE = "Rollout does not have minimum availability"
REPLICASET_UPDATED = "ReplicaSetUpdated"
REPLICASET_PROGRESSING_MESSAGE = 'ReplicaSet "{}" is progressing.'
ROLLOUT_PROGRESSING_MESSAGE = 'Rollout "{}" is progressing.'
ROLLOUT_UPDATED_REASON = "RolloutUpdated"
NEW_RS_REASON = "NewReplicaSetCreated"
NEW_RS_MESSAGE = 'Created new replica set "{}"'
FOUND_NEW_RS_REASON = "FoundNewReplicaSet"
FOUND_NEW_RS_MESSAGE = 'Found new replica set "{}"'
NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
RS_COMPLETED_MESSAGE = 'ReplicaSet "{}" has successfully progressed.'
RS_NOT_AVAILABLE = "ReplicaSetNotAvailable"
COMPLETED_REASON = "RolloutCompleted"
HEALTHY_REASON = "RolloutHealthy"
HEALTHY_MESSAGE = "Rollout is healthy"
NOT_HEALTHY_MESSAGE = "Rollout is not healthy"
ABORTED_REASON = "RolloutAborted"
ABORTED_MESSAGE = "Rollout aborted update to revision {}"
RETRY_REASON = "RolloutRetry"
RETRY_MESSAGE = "Retrying Rollout after abort"
PAUSED_REASON = "RolloutPaused"
PAUSED_MESSAGE = "Rollout is paused"
RESUMED_REASON = "RolloutResumed"
RESUMED_MESSAGE = "Rollout is resumed"
TIMED_OUT_REASON = "ProgressDeadlineExceeded"
ROLLOUT_TIMED_OUT_MESSAGE = 'Rollout "{}" has timed out progressing.'
RS_TIMED_OUT_MESSAGE = 'ReplicaSet "{}" has timed out progressing.'
INVALID_SPEC_REASON = "InvalidSpec"


def new_condition(kind: str, status: str, reason: str, message: str, now: str) -> dict:
    return {"type": kind, "status": status, "reason": reason, "message": message,
            "lastUpdateTime": now, "lastTransitionTime": now}


def get_condition(status: dict, kind: str) -> dict | None:
    for cond in as_list(status.get("conditions")):
        if isinstance(cond, dict) and cond.get("type") == kind:
            return cond
    return None


def set_condition(status: dict, cond: dict) -> bool:
    """SetRolloutCondition: no-op when type, status and reason already match; keeps the
    transition time when only the reason changes."""
    current = get_condition(status, cond["type"])
    if current and current.get("status") == cond["status"] and current.get(
            "reason") == cond["reason"]:
        return False
    if current and current.get("status") == cond["status"]:
        cond = {**cond, "lastTransitionTime": current.get("lastTransitionTime")}
    remove_condition(status, cond["type"])
    status.setdefault("conditions", []).append(cond)
    return True


def remove_condition(status: dict, kind: str) -> None:
    conditions = [c for c in as_list(status.get("conditions"))
                  if not (isinstance(c, dict) and c.get("type") == kind)]
    status["conditions"] = conditions


def calculate_phase(ro: dict, status: dict) -> tuple[str, str]:
    """CalculateRolloutPhase."""
    spec = as_dict(ro.get("spec"))
    for cond in as_list(status.get("conditions")):
        if not isinstance(cond, dict):
            continue
        if cond.get("type") == INVALID_SPEC:
            return "Degraded", f"{INVALID_SPEC}: {cond.get('message', '')}"
        if cond.get("reason") in (ABORTED_REASON, TIMED_OUT_REASON):
            return "Degraded", f"{cond['reason']}: {cond.get('message', '')}"
    if spec.get("paused") is True:
        return "Paused", "manually paused"
    for pause in as_list(status.get("pauseConditions")):
        return "Paused", str(dig(pause, "reason", default=""))
    if spec.get("restartAt") and status.get("restartedAt") != spec.get("restartAt"):
        return "Progressing", "rollout is restarting"
    if as_int(status.get("updatedReplicas")) < spec_replicas(ro):
        return "Progressing", "more replicas need to be updated"
    if as_int(status.get("availableReplicas")) < as_int(status.get("updatedReplicas")):
        return "Progressing", "updated replicas are still becoming available"
    promoted = bool(status.get("stableRS")) and status.get("stableRS") == status.get(
        "currentPodHash")
    if is_bluegreen(ro):
        active = dig(status, "blueGreen", "activeSelector", default="")
        if not active or active != status.get("currentPodHash"):
            return "Progressing", "active service cutover pending"
        if not promoted:
            if _waiting_for_post_promotion(ro, status):
                return "Progressing", "waiting for analysis to complete"
            return "Progressing", "waiting for post-promotion verification to complete"
    elif dig(spec, "strategy", "canary") is not None:
        if traffic_routing(ro) is None and as_int(status.get("replicas")) > as_int(
                status.get("updatedReplicas")):
            return "Progressing", "old replicas are pending termination"
        if not promoted:
            return "Progressing", "waiting for all steps to complete"
    return "Healthy", ""


def _waiting_for_post_promotion(ro: dict, status: dict) -> bool:
    if dig(ro, "spec", "strategy", "blueGreen", "postPromotionAnalysis") is None:
        return False
    run = dig(status, "blueGreen", "postPromotionAnalysisRunStatus")
    return not isinstance(run, dict) or run.get("status") not in COMPLETED_PHASES


COMPLETED_PHASES = ("Successful", "Failed", "Error", "Inconclusive")


def rollout_completed(status: dict) -> bool:
    return bool(status.get("stableRS")) and status.get("stableRS") == status.get("currentPodHash")


def rollout_healthy(ro: dict, status: dict) -> bool:
    """RolloutHealthy: every desired replica updated and available, strategy finished."""
    replicas = spec_replicas(ro)
    if is_bluegreen(ro):
        blue_green = as_dict(status.get("blueGreen"))
        done = blue_green.get("activeSelector") == status.get("currentPodHash")
        if dig(ro, "spec", "strategy", "blueGreen", "previewService"):
            done = done and blue_green.get("previewSelector") == status.get("currentPodHash")
    else:
        steps = len(steps_of(ro))
        index = status.get("currentStepIndex")
        all_steps = steps == 0 or index is None or as_int(index) == steps
        done = all_steps and rollout_completed(status) and as_int(status.get("replicas")) == \
            replicas
    observed = dig(ro, "status", "observedGeneration", default="") == str(
        dig(ro, "metadata", "generation", default=1))
    return (as_int(status.get("updatedReplicas")) == replicas
            and as_int(status.get("availableReplicas")) == replicas and observed and done)


def rollout_progressing(ro: dict, new: dict) -> bool:
    """RolloutProgressing: something moved since the stored status."""
    old = as_dict(ro.get("status"))
    moved = False
    if is_bluegreen(ro):
        old_bg, new_bg = as_dict(old.get("blueGreen")), as_dict(new.get("blueGreen"))
        moved = any(old_bg.get(k) != new_bg.get(k) for k in ("activeSelector", "previewSelector"))
    else:
        index_changed = (old.get("currentStepIndex") is not None
                         and new.get("currentStepIndex") is not None
                         and old.get("currentStepIndex") != new.get("currentStepIndex"))
        moved = (old.get("stableRS") != new.get("stableRS") or index_changed
                 or old.get("currentStepHash") != new.get("currentStepHash"))

    def n(status: dict, key: str) -> int:
        return as_int(status.get(key))

    return (n(new, "updatedReplicas") != n(old, "updatedReplicas")
            or n(new, "replicas") - n(new, "updatedReplicas")
            < n(old, "replicas") - n(old, "updatedReplicas")
            or n(new, "readyReplicas") > n(old, "readyReplicas")
            or n(new, "availableReplicas") > n(old, "availableReplicas")
            or moved)
