"""Canary steps as text and as durations (CanaryStepString, RolloutPause.DurationSeconds)."""

from __future__ import annotations

from .objects import as_dict, as_int, dig, go_duration_string, parse_duration


def step_string(step: dict) -> str:
    """CanaryStepString, as used in the RolloutStepCompleted event."""
    if "setWeight" in step:
        return f"setWeight: {as_int(step['setWeight'])}"
    if "pause" in step:
        seconds = pause_seconds(step)
        return "pause" if seconds is None else f"pause: {go_duration_string(seconds)}"
    for key, text in (("experiment", "experiment"), ("analysis", "analysis")):
        if key in step:
            return text
    scale = as_dict(step.get("setCanaryScale"))
    if "setCanaryScale" in step:
        if "weight" in scale:
            return f"setCanaryScale{{weight: {as_int(scale['weight'])}}}"
        if scale.get("matchTrafficWeight") is True:
            return "setCanaryScale{matchTrafficWeight: true}"
        return f"setCanaryScale{{replicas: {as_int(scale.get('replicas'))}}}"
    for key in ("plugin", "setHeaderRoute", "setMirrorRoute"):
        if key in step:
            return f"{key}: {dig(step, key, 'name', default='')}"
    return "invalid"


def pause_seconds(step: dict) -> float | None:
    """A pause step's duration in seconds; None for an indefinite pause."""
    duration = dig(step, "pause", "duration")
    return None if duration is None else parse_duration(duration)
