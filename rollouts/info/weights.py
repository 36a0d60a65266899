"""SetWeight (desired) and ActualWeight as upstream computes them (canary only)."""

from __future__ import annotations

from collections.abc import Sequence

from rollouts.info.access import Obj, as_bool, as_dict, as_int, dig
from rollouts.info.model import ReplicaSetInfo
from rollouts.info.steps import canary_spec, canary_steps, current_canary_step


def traffic_routing(rollout: Obj) -> Obj | None:
    routing = as_dict(canary_spec(rollout)).get("trafficRouting")
    return routing if isinstance(routing, dict) else None


def max_weight(rollout: Obj) -> int:
    """trafficRouting.maxTrafficWeight, or 100."""
    configured = as_int(as_dict(traffic_routing(rollout)).get("maxTrafficWeight"))
    return configured if configured is not None else 100


def set_weight(rollout: Obj) -> int:
    """Upstream GetCurrentSetWeight: the last setWeight at or before the current step."""
    if as_bool(dig(rollout, "status", "abort")):
        return 0
    step, index = current_canary_step(rollout)
    if step is None or index is None:
        return max_weight(rollout)
    for earlier in reversed(canary_steps(rollout)[: index + 1]):
        weight = as_int(earlier.get("setWeight"))
        if weight is not None:
            return weight
    return 0


def applied_weights(rollout: Obj) -> Obj | None:
    """status.canary.weights: None until the controller has written it (or without routing)."""
    weights = dig(rollout, "status", "canary", "weights")
    return weights if isinstance(weights, dict) else None


def actual_weight(rollout: Obj, replicasets: Sequence[ReplicaSetInfo]) -> int:
    """Upstream's ActualWeight: maxW after the last step; the weight the controller applied with
    traffic routing; the canary's share of available pods without it."""
    step, _ = current_canary_step(rollout)
    maximum = max_weight(rollout)
    if step is None:
        return maximum
    available = as_int(dig(rollout, "status", "availableReplicas")) or 0
    if available <= 0:
        return 0
    if traffic_routing(rollout) is None:
        weight = 0
        for rs in replicasets:
            if rs.canary:
                weight = rs.available * maximum // available
        return weight
    weights = applied_weights(rollout)
    if weights is None:
        return set_weight(rollout)
    return as_int(dig(weights, "canary", "weight")) or 0
