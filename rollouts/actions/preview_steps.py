"""Previews of the rollout-level actions (promote, abort, retry, pause, restart), in words.

Pure functions over the info dict (`Rollout.info`); `rollouts.actions.preview` is the entry
point. They read the step plan forward from the
current step the way the controller will walk it (setWeight steps change the weight, a pause
step stops the walk), so a dialog can say "canary 20% → 40%, 1 more pod" before anyone clicks.
Pod counts follow upstream's arithmetic: with traffic routing the canary gets
ceil(weight × replicas / maxWeight) pods while stable stays full; without it the same ceiling
approximates the split.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from rollouts.actions.availability import in_update, manually_paused, pause_reasons

Info = dict[str, Any]


@dataclass(frozen=True)
class Preview:
    title: str  # "Promote rollouts-demo"
    summary: str  # the one line that matters: "canary 20% → 40%, 1 more pod"
    lines: tuple[str, ...] = ()  # what happens, in order
    confirm: str = "Confirm"
    danger: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)  # caveats (no-ops, quirks)


@dataclass(frozen=True)
class Walk:
    """The controller's walk from one step to the next stop."""

    weight: int  # the set weight when it stops
    stop: int  # index where it stops (a pause) or the step count (finished)
    passed: tuple[str, ...]  # labels of the steps it runs on the way


def _int(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _steps(info: Info) -> list[dict[str, Any]]:
    steps = info.get("steps")
    return [s for s in steps if isinstance(s, dict)] if isinstance(steps, list) else []


def _step_text(info: Info, index: int) -> str:
    steps, count = _steps(info), _int(info.get("step_count"))
    label = next((str(s.get("label") or "") for s in steps if _int(s.get("index"), -1) == index),
                 "")
    where = f"step {index}/{count}"
    return f"{where} ({label})" if label else where


def _max_weight(info: Info) -> int:
    return _int(info.get("max_weight"), 100) or 100


def _desired_replicas(info: Info) -> int:
    replicas = info.get("replicas")
    return _int(replicas.get("desired"), 1) if isinstance(replicas, dict) else 1


def canary_pods_for(info: Info, weight: int) -> int:
    return math.ceil(weight * _desired_replicas(info) / _max_weight(info))


def canary_pods_now(info: Info) -> int:
    """Pods of the ReplicaSet tagged canary (0 when there is none)."""
    for rs in info.get("replicasets") or []:
        if isinstance(rs, dict) and rs.get("canary") is True:
            return _int(rs.get("replicas"))
    return 0


def _pods_phrase(delta: int) -> str:
    if delta == 0:
        return "no pod change"
    noun = "pod" if abs(delta) == 1 else "pods"
    return f"{delta} more {noun}" if delta > 0 else f"{-delta} {noun} fewer"


def weight_change(info: Info, new_weight: int) -> str:
    """"canary 20% → 40%, 1 more pod" (pods as the controller will scale them)."""
    old = _int(info.get("set_weight"), _int(info.get("actual_weight")))
    pods = canary_pods_for(info, new_weight) - canary_pods_now(info)
    return f"canary {old}% → {new_weight}%, {_pods_phrase(pods)}"


def walk(info: Info, start: int) -> Walk:
    """Run the plan from `start` until a pause step (or the end), tracking the set weight."""
    steps = sorted(_steps(info), key=lambda s: _int(s.get("index")))
    weight = _int(info.get("set_weight"))
    passed = []
    for step in steps:
        index = _int(step.get("index"))
        if index < start:
            continue
        if step.get("kind") == "pause":
            return Walk(weight, index, tuple(passed))
        if step.get("kind") == "setWeight":
            weight = _int(step.get("set_weight"), weight)
        passed.append(str(step.get("label") or step.get("kind") or "step"))
    return Walk(_max_weight(info) if start <= len(steps) else weight, len(steps), tuple(passed))


def stop_line(info: Info, stop: Walk) -> str:
    count = _int(info.get("step_count"))
    if stop.stop >= count:
        return ("Then the update completes: the canary becomes stable and the old revision "
                "scales down after its delay.")
    step = next(s for s in _steps(info) if _int(s.get("index")) == stop.stop)
    duration = str(step.get("label") or "").partition(": ")[2]
    if step.get("pause_duration") and duration:
        how = f"which ends by itself after {duration}"
    else:
        how = "which waits for the next Promote"
    return f"It stops at {_step_text(info, stop.stop)}, {how}."


def _advance(info: Info, start: int, first_line: str) -> tuple[str, list[str]]:
    stop = walk(info, start)
    lines = [first_line]
    if stop.passed:
        lines.append(f"The controller then runs {', '.join(stop.passed)}.")
    lines.append(stop_line(info, stop))
    return weight_change(info, stop.weight), lines


def _promote_canary(info: Info) -> tuple[str, list[str]]:
    index, reasons = _int(info.get("step_index")), pause_reasons(info)
    if reasons and _is_pause_step(info, index):
        return _advance(info, index + 1, f"Clears the pause at {_step_text(info, index)}.")
    if reasons:
        return _advance(info, index + 1,
                        f"Clears the pause ({reasons[0]}) and moves past "
                        f"{_step_text(info, index)}.")
    return _advance(info, index + 1, f"Skips {_step_text(info, index)}.")


def _is_pause_step(info: Info, index: int) -> bool:
    return any(_int(s.get("index"), -1) == index and s.get("kind") == "pause"
               for s in _steps(info))


def _canary_short(info: Info) -> bool:
    """The canary ReplicaSet has fewer available pods than it wants."""
    for rs in info.get("replicasets") or []:
        if isinstance(rs, dict) and rs.get("canary") is True:
            wanted = _int(rs.get("desired"), _int(rs.get("replicas")))
            return _int(rs.get("available")) < wanted
    return False


def skip_while_unavailable(info: Info) -> str:
    """When the controller waits at a step for canary pods, what promoting skips ("" if it
    does not): the step stays unfinished but the pods are still missing afterwards."""
    index = _int(info.get("step_index"))
    if (info.get("strategy") != "Canary" or pause_reasons(info)
            or index >= _int(info.get("step_count"))):
        return ""
    stuck = str(info.get("stuck") or "")
    if not stuck and not _canary_short(info):
        return ""
    why = f" ({stuck})" if stuck else ""
    return (f"Promoting skips {_step_text(info, index)} while its pods are not "
            f"available{why}.")


def _promote_bluegreen(info: Info) -> tuple[str, list[str]]:
    revision = _current_revision(info)
    return (f"preview revision {revision} becomes active",
            [f"Clears the pause ({', '.join(pause_reasons(info)) or 'manual'}).",
             f"The active service switches to revision {revision}; the old revision scales "
             "down after its delay."])


def _current_revision(info: Info) -> int:
    revisions = [_int(r.get("revision")) for r in info.get("revisions") or []
                 if isinstance(r, dict)]
    return max(revisions, default=0)


def promote(info: Info, *, resume: bool = False) -> Preview:
    name = str(info.get("name") or "rollout")
    notes: list[str] = []
    if info.get("strategy") == "BlueGreen" or not _int(info.get("step_count")):
        summary, lines = _promote_bluegreen(info)
    elif _int(info.get("step_index")) >= _int(info.get("step_count")):
        summary, lines = "nothing left to promote", ["Every step is done already."]
    else:
        summary, lines = _promote_canary(info)
        if skipping := skip_while_unavailable(info):
            notes.append(skipping)
    if manually_paused(info):
        lines.insert(0, "Clears spec.paused (the manual pause).")
        if not pause_reasons(info) and info.get("strategy") == "Canary":
            notes.append("Upstream's promote also skips the current step when a canary was "
                         "paused by hand; that is what Resume sends.")
    verb = "Resume" if resume else "Promote"
    return Preview(f"{verb} {name}", summary, tuple(lines), verb, notes=tuple(notes))


def promote_full(info: Info) -> Preview:
    name = str(info.get("name") or "rollout")
    count, index = _int(info.get("step_count")), _int(info.get("step_index"))
    lines = []
    if manually_paused(info):
        lines.append("Clears spec.paused (the manual pause).")
    if info.get("strategy") == "Canary" and count:
        left = max(0, count - index)
        lines.append(f"Skips the {left} remaining step{'s' if left != 1 else ''} and their "
                     "analysis; the canary takes traffic as fast as its pods become ready.")
        summary = weight_change(info, _max_weight(info))
    else:
        summary = f"revision {_current_revision(info)} becomes active"
    lines.append("The new revision becomes stable; the old one scales down after its delay.")
    notes = () if in_update(info) else ("Already fully promoted: only the unpause is sent.",)
    return Preview(f"Promote {name} fully", summary, tuple(lines), "Promote full",
                   notes=notes)


def abort(info: Info) -> Preview:
    name = str(info.get("name") or "rollout")
    canary = canary_pods_now(info)
    lines = ["Sends all traffic back to the stable ReplicaSet at once.",
             f"Scales the canary ({canary} pod{'s' if canary != 1 else ''}) down after the "
             "abort delay (abortScaleDownDelaySeconds, 30 s unless set).",
             "The rollout shows Degraded (RolloutAborted) until you Retry or change it."]
    return Preview(f"Abort {name}", weight_change(info, 0), tuple(lines), "Abort",
                   danger=True)


def retry(info: Info) -> Preview:
    name = str(info.get("name") or "rollout")
    revision = _current_revision(info)
    first = walk({**info, "set_weight": 0}, 0)
    lines = [f"Clears the abort: the update to revision {revision} starts again from "
             f"{_step_text(info, 0)}."]
    if first.passed:
        lines.append(f"The controller runs {', '.join(first.passed)}.")
    lines.append(stop_line(info, first))
    summary = weight_change({**info, "set_weight": 0}, first.weight)
    return Preview(f"Retry {name}", summary, tuple(lines), "Retry")


def pause(info: Info) -> Preview:
    name = str(info.get("name") or "rollout")
    where = str(info.get("step") or "")
    weight = info.get("actual_weight")
    lines = ["Sets spec.paused: the controller holds the rollout where it is.",
             "It shows Paused (manually paused) until someone Resumes it."]
    summary = f"holds at step {where}" if where else "holds where it is"
    if isinstance(weight, int) and info.get("strategy") == "Canary":
        summary += f" with the canary at {weight}%"
    return Preview(f"Pause {name}", summary, tuple(lines), "Pause")


def restart(info: Info) -> Preview:
    name = str(info.get("name") or "rollout")
    pods = sum(len(rs.get("pods") or []) for rs in info.get("replicasets") or []
               if isinstance(rs, dict))
    lines = ["Sets spec.restartAt to now.",
             f"The controller deletes the {pods} pod{'s' if pods != 1 else ''} created before "
             "then, a few at a time (respecting maxUnavailable), and their ReplicaSets "
             "replace them.",
             "Images, weights and steps do not change."]
    return Preview(f"Restart {name}", f"{pods} pods replaced one by one", tuple(lines),
                   "Restart")
