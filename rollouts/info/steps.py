"""Canary steps: the current step, upstream's labels, and per-step state with pause timing."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from rollouts.info.access import Obj, as_dict, as_int, as_list, as_str, dicts, dig, parse_time
from rollouts.info.durations import duration_text, parse_duration
from rollouts.info.model import StepInfo

# The order upstream's CanaryStepString tests a step's keys in; a valid step has exactly one.
_KIND_ORDER = (
    "setWeight",
    "pause",
    "experiment",
    "analysis",
    "setCanaryScale",
    "plugin",
    "setHeaderRoute",
    "setMirrorRoute",
)


def canary_spec(rollout: Obj) -> Obj | None:
    canary = dig(rollout, "spec", "strategy", "canary")
    return canary if isinstance(canary, dict) else None


def canary_steps(rollout: Obj) -> list[Obj]:
    """The steps, position for position; a malformed entry becomes {} so indexes stay right."""
    return [as_dict(step) for step in as_list(as_dict(canary_spec(rollout)).get("steps"))]


def raw_step_index(rollout: Obj) -> int | None:
    """status.currentStepIndex, or None when absent (or not a usable number)."""
    index = as_int(dig(rollout, "status", "currentStepIndex"))
    return index if index is not None and index >= 0 else None


def current_canary_step(rollout: Obj) -> tuple[Obj | None, int | None]:
    """Upstream GetCurrentCanaryStep: a missing index counts as 0; past the end there is none."""
    steps = canary_steps(rollout)
    if canary_spec(rollout) is None or not steps:
        return None, None
    index = raw_step_index(rollout) or 0
    if index >= len(steps):
        return None, index
    return steps[index], index


def step_kind(step: Obj) -> str:
    return next((kind for kind in _KIND_ORDER if step.get(kind) is not None), "invalid")


def _pause_label(pause: Obj) -> str:
    duration = pause.get("duration")
    # The UI tests the duration for truthiness, so `duration: 0` reads as a plain "Pause".
    return f"Pause: {duration_text(duration)}" if duration and duration_text(duration) else "Pause"


def _route_label(verb: str, body: Obj) -> str:
    name = as_str(body.get("name"))
    return f"Set {verb}: {name}" if body.get("match") is not None else f"Remove {verb}: {name}"


def step_label(step: Obj) -> str:
    """The web UI's label for a step ("Set Weight: 20%", "Pause: 1m", "Set Header: x", ...)."""
    kind = step_kind(step)
    body = as_dict(step.get(kind))
    if kind == "setWeight":
        weight = as_int(step.get("setWeight"))
        return f"Set Weight: {weight if weight is not None else step.get('setWeight')}%"
    simple = {"pause": _pause_label(body), "analysis": "Analysis", "experiment": "Experiment"}
    if kind in simple:
        return simple[kind]
    if kind == "setCanaryScale":
        return "Canary Scale"
    if kind == "setHeaderRoute":
        return _route_label("Header", body)
    if kind == "setMirrorRoute":
        return _route_label("Mirror", body)
    if kind == "plugin":
        return as_str(body.get("name"))
    return "Invalid step"


def _template_names(step: Obj, kind: str) -> tuple[str, ...]:
    key = "templateName" if kind == "analysis" else "name"
    body = as_dict(step.get(kind))
    return tuple(as_str(t.get(key)) for t in dicts(body.get("templates")) if as_str(t.get(key)))


def _experiment_detail(body: Obj) -> str:
    parts = []
    for template in dicts(body.get("templates")):
        extras = [as_str(template.get("specRef"))]
        if as_int(template.get("weight")) is not None:
            extras.append(f"weight {template['weight']}%")
        if as_int(template.get("replicas")) is not None:
            extras.append(f"replicas {template['replicas']}")
        described = ", ".join(extra for extra in extras if extra)
        name = as_str(template.get("name"))
        parts.append(f"{name} ({described})" if described else name)
    text = "templates: " + ", ".join(parts) if parts else "no templates"
    duration = body.get("duration")
    return f"{text}; duration {duration}" if isinstance(duration, str | int) else text


def _canary_scale_detail(body: Obj) -> str:
    if as_int(body.get("weight")) is not None:
        return f"weight: {body['weight']}"
    if body.get("matchTrafficWeight") is True:
        return "matchTrafficWeight: true"
    if as_int(body.get("replicas")) is not None:
        return f"replicas: {body['replicas']}"
    return ""


def _match_detail(body: Obj) -> str:
    match = body.get("match")
    if match is None:
        return "removes the route"
    text = json.dumps(match, sort_keys=True, separators=(",", ":"))
    percentage = body.get("percentage")
    return f"match {text}; {percentage}% mirrored" if percentage is not None else f"match {text}"


def step_detail(step: Obj) -> str:
    kind = step_kind(step)
    body = as_dict(step.get(kind))
    if kind == "setWeight":
        return f"{step.get('setWeight')}% of traffic to the canary"
    if kind == "pause":
        duration = body.get("duration")
        return f"for {duration_text(duration)}" if duration else "until promoted"
    if kind == "analysis":
        return "templates: " + ", ".join(_template_names(step, kind))
    if kind == "experiment":
        return _experiment_detail(body)
    if kind == "setCanaryScale":
        return _canary_scale_detail(body)
    if kind in ("setHeaderRoute", "setMirrorRoute"):
        return _match_detail(body)
    if kind == "plugin":
        return json.dumps(body.get("config"), sort_keys=True, separators=(",", ":"))
    return "unrecognised step: " + ", ".join(sorted(step)) if step else "empty step"


def _state(index: int, current: int) -> str:
    if index < current:
        return "done"
    return "current" if index == current else "pending"


def _pause_started_at(rollout: Obj) -> datetime | None:
    for cond in dicts(dig(rollout, "status", "pauseConditions")):
        if cond.get("reason") == "CanaryPauseStep":
            return parse_time(cond.get("startTime"))
    return None


def _step_info(step: Obj, index: int, state: str, paused_since: datetime | None) -> StepInfo:
    kind = step_kind(step)
    duration: timedelta | None = None
    started = ends = None
    if kind == "pause":
        duration = parse_duration(as_dict(step.get("pause")).get("duration"))
        if state == "current":
            started = paused_since
            ends = started + duration if started is not None and duration is not None else None
    templates = _template_names(step, kind) if kind in ("analysis", "experiment") else ()
    return StepInfo(
        index=index,
        kind=kind,
        label=step_label(step),
        detail=step_detail(step),
        state=state,
        set_weight=as_int(step.get("setWeight")) if kind == "setWeight" else None,
        pause_duration=duration,
        pause_started_at=started,
        pause_ends_at=ends,
        templates=templates,
        raw=step,
    )


def build_steps(rollout: Obj) -> tuple[StepInfo, ...]:
    """Every canary step with done/current/pending. A missing index is step 0 (as the controller
    reads it); an index at or past the end marks every step done."""
    steps = canary_steps(rollout)
    if canary_spec(rollout) is None:
        return ()
    current = raw_step_index(rollout) or 0
    paused_since = _pause_started_at(rollout)
    return tuple(
        _step_info(step, i, _state(i, current), paused_since) for i, step in enumerate(steps)
    )
