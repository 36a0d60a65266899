"""Rollout Status/Message (upstream GetRolloutPhase + CalculateRolloutPhase) and CLI icons."""

from __future__ import annotations

from rollouts.info.access import (
    WORKLOAD_GENERATION_ANNOTATION,
    Obj,
    annotation,
    as_bool,
    as_dict,
    as_int,
    as_str,
    dicts,
    int_or_text,
    parse_int_text,
    parse_time,
)

ICON_WAITING = "◷"
ICON_PROGRESSING = "◌"
ICON_WARNING = "⚠"
ICON_UNKNOWN = "?"
ICON_OK = "✔"
ICON_BAD = "✖"
ICON_PAUSED = "॥"
ICON_NEUTRAL = "•"

_ROLLOUT_ICONS = {
    "Progressing": ICON_PROGRESSING,
    "Error": ICON_WARNING,
    "InvalidSpec": ICON_WARNING,
    "Paused": ICON_PAUSED,
    "Healthy": ICON_OK,
    "Degraded": ICON_BAD,
    "Unknown": ICON_UNKNOWN,
    "ScaledDown": ICON_NEUTRAL,
}
COMPLETED_ANALYSIS_PHASES = ("Successful", "Failed", "Error", "Inconclusive")
_DEGRADING_REASONS = ("RolloutAborted", "ProgressDeadlineExceeded")


def rollout_icon(status: str) -> str:
    return _ROLLOUT_ICONS.get(status, " ")


def needs_attention(status: str, message: str) -> bool:
    """The web UI's "Needs attention" filter."""
    if status in ("Unknown", "Degraded"):
        return True
    return status == "Paused" and message != "CanaryPauseStep"


def generation_observed(rollout: Obj) -> bool:
    # A non-numeric observedGeneration is a legacy hash: it counts as observed.
    observed = int_or_text(as_dict(rollout.get("status")).get("observedGeneration"))
    generation = as_int(as_dict(rollout.get("metadata")).get("generation"))
    if observed is None or generation is None:
        return True
    return observed >= generation


def is_unpausing(status: Obj) -> bool:
    """The user cleared pauseConditions but the controller has not reacted yet."""
    return as_bool(status.get("controllerPause")) and not dicts(status.get("pauseConditions"))


def workload_generation_observed(rollout: Obj) -> bool:
    wanted = parse_int_text(annotation(rollout, WORKLOAD_GENERATION_ANNOTATION))
    seen = int_or_text(as_dict(rollout.get("status")).get("workloadObservedGeneration"))
    if wanted is None or seen is None:
        return True
    return wanted == seen


def rollout_phase(rollout: Obj) -> tuple[str, str]:
    """Status and message as the CLI and dashboard show them (upstream GetRolloutPhase)."""
    spec = as_dict(rollout.get("spec"))
    status = as_dict(rollout.get("status"))
    if not generation_observed(rollout):
        return "Progressing", "waiting for rollout spec update to be observed"
    if is_unpausing(status):
        return "Progressing", "waiting for rollout to unpause"
    # Upstream checks TemplateResolvedFromRef, which only the controller sets in memory; for a
    # client the equivalent is "the rollout has a workloadRef".
    if isinstance(spec.get("workloadRef"), dict) and not workload_generation_observed(rollout):
        return (
            "Progressing",
            "waiting for rollout spec update to be observed for the reference workload",
        )
    phase = as_str(status.get("phase"))
    if phase:
        return phase, as_str(status.get("message"))
    return calculate_rollout_phase(spec, status)


def _degraded(status: Obj) -> tuple[str, str] | None:
    for cond in dicts(status.get("conditions")):
        reason = as_str(cond.get("reason"))
        if cond.get("type") == "InvalidSpec":
            return "Degraded", f"InvalidSpec: {as_str(cond.get('message'))}"
        if reason in _DEGRADING_REASONS:
            return "Degraded", f"{reason}: {as_str(cond.get('message'))}"
    return None


def _restarting(spec: Obj, status: Obj) -> bool:
    restart_at = parse_time(spec.get("restartAt"))
    if restart_at is None:
        return False
    return parse_time(status.get("restartedAt")) != restart_at


def _replica_progress(spec: Obj, status: Obj) -> tuple[str, str] | None:
    desired = as_int(spec.get("replicas"))
    updated = as_int(status.get("updatedReplicas")) or 0
    if updated < (1 if desired is None else desired):
        return "Progressing", "more replicas need to be updated"
    if (as_int(status.get("availableReplicas")) or 0) < updated:
        return "Progressing", "updated replicas are still becoming available"
    return None


def _blue_green_progress(blue_green: Obj, status: Obj) -> tuple[str, str] | None:
    current = as_str(status.get("currentPodHash"))
    active = as_str(as_dict(status.get("blueGreen")).get("activeSelector"))
    if not active or active != current:
        return "Progressing", "active service cutover pending"
    stable = as_str(status.get("stableRS"))
    if not stable or stable != current:
        post = as_dict(status.get("blueGreen")).get("postPromotionAnalysisRunStatus")
        post_phase = as_str(as_dict(post).get("status"))
        waiting = not isinstance(post, dict) or post_phase not in COMPLETED_ANALYSIS_PHASES
        if blue_green.get("postPromotionAnalysis") is not None and waiting:
            return "Progressing", "waiting for analysis to complete"
        return "Progressing", "waiting for post-promotion verification to complete"
    return None


def _canary_progress(canary: Obj, status: Obj) -> tuple[str, str] | None:
    if canary.get("trafficRouting") is None:
        replicas = as_int(status.get("replicas")) or 0
        if replicas > (as_int(status.get("updatedReplicas")) or 0):
            return "Progressing", "old replicas are pending termination"
    stable = as_str(status.get("stableRS"))
    if not stable or stable != as_str(status.get("currentPodHash")):
        return "Progressing", "waiting for all steps to complete"
    return None


def calculate_rollout_phase(spec: Obj, status: Obj) -> tuple[str, str]:
    """The controller's own phase computation, used when status.phase is empty."""
    degraded = _degraded(status)
    if degraded:
        return degraded
    if as_bool(spec.get("paused")):
        return "Paused", "manually paused"
    for cond in dicts(status.get("pauseConditions")):
        return "Paused", as_str(cond.get("reason"))
    if _restarting(spec, status):
        return "Progressing", "rollout is restarting"
    progress = _replica_progress(spec, status)
    if progress:
        return progress
    strategy = as_dict(spec.get("strategy"))
    if isinstance(strategy.get("blueGreen"), dict):
        progress = _blue_green_progress(strategy["blueGreen"], status)
    elif isinstance(strategy.get("canary"), dict):
        progress = _canary_progress(strategy["canary"], status)
    return progress or ("Healthy", "")
