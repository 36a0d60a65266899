"""Canary arithmetic: current step, set weight, and how many pods each ReplicaSet should have.

Pure functions over the Rollout and ReplicaSet dicts, following upstream's rules
(utils/replicaset/canary.go): with traffic routing the canary gets ceil(weight x replicas / max)
pods and the stable stays full; without it both share spec.replicas within maxSurge/maxUnavailable.
"""

from __future__ import annotations

import math
from typing import Any

from .objects import as_dict, as_int, as_list, dig
from .objects import resolve_int_or_percent as _resolve

# --- Rollout accessors -------------------------------------------------------------------------


def spec_replicas(ro: dict) -> int:
    return max(0, as_int(dig(ro, "spec", "replicas"), 1))


def canary_spec(ro: dict) -> dict:
    return as_dict(dig(ro, "spec", "strategy", "canary"))


def bluegreen_spec(ro: dict) -> dict:
    return as_dict(dig(ro, "spec", "strategy", "blueGreen"))


def is_bluegreen(ro: dict) -> bool:
    return isinstance(dig(ro, "spec", "strategy", "blueGreen"), dict)


def raw_traffic_routing(ro: dict) -> dict | None:
    routing = canary_spec(ro).get("trafficRouting")
    return routing if isinstance(routing, dict) else None


def traffic_routing(ro: dict) -> dict | None:
    """The traffic routing we simulate (Istio); other routers count as none (pod ratio)."""
    routing = raw_traffic_routing(ro)
    return routing if routing is not None and isinstance(routing.get("istio"), dict) else None


def steps_of(ro: dict) -> list[dict]:
    return [s if isinstance(s, dict) else {} for s in as_list(canary_spec(ro).get("steps"))]


def max_weight(ro: dict) -> int:
    return as_int(dig(traffic_routing(ro), "maxTrafficWeight"), 100) or 100


def status_of(ro: dict) -> dict:
    return as_dict(ro.get("status"))


def current_step(ro: dict) -> tuple[dict | None, int | None]:
    steps = steps_of(ro)
    if not steps:
        return None, None
    index = as_int(status_of(ro).get("currentStepIndex"), 0)
    if index >= len(steps):
        return None, index
    return steps[index], index


def current_set_weight(ro: dict) -> int:
    """GetCurrentSetWeight: the last setWeight at or before the current step."""
    if status_of(ro).get("abort") is True:
        return 0
    step, index = current_step(ro)
    if step is None or index is None:
        return max_weight(ro)
    for previous in reversed(steps_of(ro)[: index + 1]):
        if "setWeight" in previous:
            return as_int(previous["setWeight"])
    return 0


def previous_set_weight(ro: dict, index: int) -> int:
    for previous in reversed(steps_of(ro)[:index]):
        if "setWeight" in previous:
            return as_int(previous["setWeight"])
    return 0


def is_fully_promoted(ro: dict) -> bool:
    status = status_of(ro)
    return status.get("stableRS", "") == status.get("currentPodHash", "")


# --- ReplicaSet accessors ----------------------------------------------------------------------


def rs_replicas(rs: dict | None) -> int:
    return as_int(dig(rs, "spec", "replicas"), 0) if rs else 0


def rs_available(rs: dict | None) -> int:
    return as_int(dig(rs, "status", "availableReplicas"), 0) if rs else 0


def rs_status_replicas(rs: dict | None) -> int:
    return as_int(dig(rs, "status", "replicas"), 0) if rs else 0


def rs_ready(rs: dict | None) -> int:
    return as_int(dig(rs, "status", "readyReplicas"), 0) if rs else 0


def saturated(ro: dict, rs: dict | None) -> bool:
    """IsSaturated: the RS is at full size, annotated for it, and all of it is available."""
    if rs is None:
        return False
    desired = as_int(dig(rs, "metadata", "annotations", "rollout.argoproj.io/desired-replicas"),
                     -1)
    return rs_replicas(rs) == spec_replicas(ro) == desired == rs_available(rs)


def same_rs(a: dict | None, b: dict | None) -> bool:
    return a is not None and b is not None and dig(a, "metadata", "name") == dig(
        b, "metadata", "name")


# --- surge / unavailable -----------------------------------------------------------------------


def _fenceposts(ro: dict) -> tuple[int, int]:
    replicas = spec_replicas(ro)
    spec = bluegreen_spec(ro) if is_bluegreen(ro) else canary_spec(ro)
    surge = _resolve(spec.get("maxSurge"), replicas, True, "25") or 0
    unavailable = _resolve(spec.get("maxUnavailable"), replicas, False, "25") or 0
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def max_surge(ro: dict) -> int:
    return 0 if is_bluegreen(ro) else _fenceposts(ro)[0]


def max_unavailable(ro: dict) -> int:
    replicas = spec_replicas(ro)
    if replicas == 0:
        return 0
    if is_bluegreen(ro):
        value = _resolve(bluegreen_spec(ro).get("maxUnavailable"), replicas, False, 0) or 0
    else:
        value = _fenceposts(ro)[1]
    return min(value, replicas)


# --- weights and replica counts ----------------------------------------------------------------


def use_set_canary_scale(ro: dict) -> dict | None:
    if traffic_routing(ro) is None:
        return None
    if status_of(ro).get("abort") is True and abort_scale_down_delay(ro)[0] is not None:
        return None
    step, index = current_step(ro)
    if step is None or index is None:
        return None
    for previous in reversed(steps_of(ro)[: index + 1]):
        scale = previous.get("setCanaryScale")
        if isinstance(scale, dict):
            return None if scale.get("matchTrafficWeight") is True else scale
    return None


def canary_replicas_or_weight(ro: dict, new_rs: dict | None, stable_rs: dict | None
                              ) -> tuple[int | None, int]:
    status = status_of(ro)
    if (status.get("promoteFull") is True or not status.get("stableRS")
            or status.get("currentPodHash") == status.get("stableRS")):
        return None, max_weight(ro)
    scale = use_set_canary_scale(ro)
    if scale is not None:
        if "replicas" in scale:
            return as_int(scale["replicas"]), 0
        if "weight" in scale:
            return None, as_int(scale["weight"])
    return None, desired_canary_weight(ro, new_rs, stable_rs)


def desired_canary_weight(ro: dict, new_rs: dict | None, stable_rs: dict | None) -> int:
    dynamic = canary_spec(ro).get("dynamicStableScale") is True
    if status_of(ro).get("abort") is True and dynamic and new_rs and stable_rs:
        replicas, top = spec_replicas(ro), max_weight(ro)
        expected = replicas - rs_available(stable_rs)
        canary = expected
        if not abort_scale_down_delay(ro)[1]:
            canary = max(expected, rs_available(new_rs))
        for step in reversed(steps_of(ro)):
            if "setWeight" in step:
                weight = as_int(step["setWeight"])
                if weight_to_replicas(replicas, weight, top) < canary:
                    return weight
        return 0
    return current_set_weight(ro)


def weight_to_replicas(replicas: int, weight: int, top: int) -> int:
    return math.ceil(weight * replicas / top) if top else 0


def traffic_routed_counts(ro: dict, new_rs: dict | None, stable_rs: dict | None,
                          weights: dict | None) -> tuple[int, int]:
    replicas, top = spec_replicas(ro), max_weight(ro)
    explicit, weight = canary_replicas_or_weight(ro, new_rs, stable_rs)
    canary = explicit if explicit is not None else _min_pods(
        ro, weight_to_replicas(replicas, weight, top))
    if canary_spec(ro).get("dynamicStableScale") is not True:
        return canary, replicas
    stable = weight_to_replicas(replicas, top - weight, top)
    if isinstance(weights, dict):
        stable_weight = as_int(dig(weights, "stable", "weight"))
        stable = max(stable, weight_to_replicas(replicas, stable_weight, top))
        if status_of(ro).get("abort") is True:
            canary_weight = as_int(dig(weights, "canary", "weight"))
            canary = max(canary, weight_to_replicas(replicas, canary_weight, top))
    return _min_pods(ro, canary), _min_pods(ro, stable)


def _min_pods(ro: dict, count: int) -> int:
    minimum = canary_spec(ro).get("minPodsPerReplicaSet")
    if count == 0 or minimum is None or traffic_routing(ro) is None:
        return count
    return max(count, min(as_int(minimum), spec_replicas(ro)))


def approximate_counts(replicas: int, weight: int, top: int, surge: int) -> tuple[int, int]:
    """approximateWeightedCanaryStableReplicaCounts: the closest (canary, stable) split."""
    if replicas == 0:
        return 0, 0
    ceil_count = math.ceil(replicas * weight / top)
    floor_count = math.floor(replicas * weight / top)
    zero_allowed = weight in (top, 0) or (replicas == 1 and surge == 0)
    options: list[tuple[int, int]] = []
    if ceil_count < replicas or zero_allowed:
        options.append((ceil_count, replicas))
    if not _tied(weight, top, replicas) and (floor_count != 0 or zero_allowed):
        options.append((floor_count, replicas))
    if surge > 0:
        options.append((ceil_count, replicas + 1))
        if not _tied(weight, top, replicas + 1) and (floor_count != 0 or zero_allowed):
            options.append((floor_count, replicas + 1))
    if not options:
        return 0, replicas
    best = min(options, key=lambda o: abs(o[0] * top / o[1] - weight))
    return best[0], best[1] - best[0]


def _tied(weight: int, top: int, total: int) -> bool:
    return math.modf(total * (weight / top))[0] == 0.5


def progress_threshold_met(ro: dict, rs: dict | None, desired: int) -> bool:
    threshold = canary_spec(ro).get("replicaProgressThreshold")
    value = as_int(dig(threshold, "value"), -1)
    if not isinstance(threshold, dict) or rs is None or value < 0:
        return rs is not None and desired == rs_replicas(rs) and desired == rs_available(rs)
    if threshold.get("type") == "Percent":
        return desired == 0 or rs_available(rs) / desired * 100 >= value - 1e-10
    return rs_available(rs) >= value


def abort_scale_down_delay(ro: dict) -> tuple[float | None, bool]:
    """(seconds or None for "never", explicitly set?) — GetAbortScaleDownDelaySecondsOrDefault."""
    if is_bluegreen(ro):
        spec: dict[str, Any] = bluegreen_spec(ro)
    elif traffic_routing(ro) is not None:
        spec = canary_spec(ro)
    else:
        return 0.0, False
    if "abortScaleDownDelaySeconds" not in spec:
        return 30.0, False
    seconds = as_int(spec.get("abortScaleDownDelaySeconds"), 30)
    return (None, True) if seconds == 0 else (float(seconds), True)


def scale_down_delay(ro: dict) -> float:
    if is_bluegreen(ro):
        return float(as_int(bluegreen_spec(ro).get("scaleDownDelaySeconds"), 30))
    if traffic_routing(ro) is not None:
        return float(as_int(canary_spec(ro).get("scaleDownDelaySeconds"), 30))
    return 0.0
