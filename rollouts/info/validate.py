"""Input problems worth telling the operator about: fields present but unusable.

The builders already degrade around these (treating the field as absent); this module only
words what was ignored, so the page can say "we could not read X" instead of silently guessing.
"""

from __future__ import annotations

from collections.abc import Sequence

from rollouts.info.access import (
    SCALE_DOWN_DEADLINE_ANNOTATION,
    Obj,
    annotation,
    as_dict,
    as_int,
    as_list,
    dig,
    meta,
    name_of,
    parse_time,
)
from rollouts.info.durations import parse_duration
from rollouts.info.steps import canary_steps, step_kind

_EXPECTED = {
    "int": "an integer",
    "index": "a non-negative integer",
    "time": "an RFC3339 timestamp",
    "dict": "an object",
    "list": "a list",
}
_ROLLOUT_FIELDS = (
    (("metadata", "generation"), "int"),
    (("metadata", "creationTimestamp"), "time"),
    (("spec",), "dict"),
    (("spec", "replicas"), "int"),
    (("spec", "strategy"), "dict"),
    (("spec", "restartAt"), "time"),
    (("spec", "strategy", "canary", "steps"), "list"),
    (("status",), "dict"),
    (("status", "currentStepIndex"), "index"),
    (("status", "replicas"), "int"),
    (("status", "updatedReplicas"), "int"),
    (("status", "readyReplicas"), "int"),
    (("status", "availableReplicas"), "int"),
    (("status", "conditions"), "list"),
    (("status", "pauseConditions"), "list"),
    (("status", "restartedAt"), "time"),
    (("status", "abortedAt"), "time"),
)


def _fits(value: object, kind: str) -> bool:
    if kind == "int":
        return as_int(value) is not None
    if kind == "index":
        number = as_int(value)
        return number is not None and number >= 0
    if kind == "time":
        return parse_time(value) is not None
    return isinstance(value, dict if kind == "dict" else list)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _field_problems(obj: Obj, owner: str) -> list[str]:
    problems = []
    for path, kind in _ROLLOUT_FIELDS:
        value = dig(obj, *path)
        if value is not None and not _fits(value, kind):
            problems.append(
                f"{owner} {'.'.join(path)} is {_shown(value)}, not {_EXPECTED[kind]}; ignored"
            )
    return problems


def _step_problems(rollout: Obj) -> list[str]:
    problems = []
    for index, step in enumerate(canary_steps(rollout)):
        if step_kind(step) == "invalid":
            problems.append(f"Rollout step {index} is not a step this dashboard knows; ignored")
            continue
        duration = as_dict(step.get("pause")).get("duration")
        if duration is not None and parse_duration(duration) is None:
            problems.append(f"Rollout step {index} pause duration {_shown(duration)} is unreadable")
    return problems


def rollout_problems(rollout: Obj) -> list[str]:
    if not rollout:
        return ["No Rollout object was given (or it was not an object)"]
    problems = [] if name_of(rollout) else ["Rollout has no metadata.name"]
    problems += _field_problems(rollout, "Rollout")
    strategy = as_dict(dig(rollout, "spec", "strategy"))
    if not isinstance(strategy.get("canary"), dict) and not isinstance(
        strategy.get("blueGreen"), dict
    ):
        problems.append("Rollout spec.strategy has neither canary nor blueGreen")
    for index, cond in enumerate(as_list(dig(rollout, "status", "pauseConditions"))):
        if not isinstance(cond, dict) or parse_time(cond.get("startTime")) is None:
            problems.append(f"Rollout status.pauseConditions[{index}] has no readable startTime")
    return problems + _step_problems(rollout)


def child_problems(kind: str, objects: Sequence[Obj]) -> list[str]:
    """Unreadable timestamps on the objects that made it into the tree."""
    problems = []
    for obj in objects:
        created = meta(obj).get("creationTimestamp")
        if created is not None and parse_time(created) is None:
            problems.append(
                f"{kind} {name_of(obj)} creationTimestamp {_shown(created)} is unreadable"
            )
        deadline = annotation(obj, SCALE_DOWN_DEADLINE_ANNOTATION)
        if deadline and parse_time(deadline) is None:
            problems.append(
                f"{kind} {name_of(obj)} {SCALE_DOWN_DEADLINE_ANNOTATION} {_shown(deadline)} "
                "is unreadable"
            )
    return problems
