"""Replica counts for a canary without traffic routing (CalculateReplicaCountsForBasicCanary).

Without a router the pod ratio *is* the traffic split, so the stable shrinks as the canary grows,
moving at most maxSurge above and maxUnavailable below spec.replicas at a time.
"""

from __future__ import annotations

from .canary_math import (
    approximate_counts,
    canary_replicas_or_weight,
    canary_spec,
    max_surge,
    max_unavailable,
    max_weight,
    progress_threshold_met,
    rs_available,
    rs_replicas,
    rs_status_replicas,
    same_rs,
    spec_replicas,
    traffic_routed_counts,
    traffic_routing,
)


def stable_exists(new_rs: dict | None, stable_rs: dict | None) -> bool:
    """CheckStableRSExists: a stable RS that is not also the new one."""
    return stable_rs is not None and not same_rs(new_rs, stable_rs)


def basic_canary_counts(ro: dict, new_rs: dict | None, stable_rs: dict | None,
                        others: list[dict]) -> tuple[int, int]:
    replicas = spec_replicas(ro)
    _, weight = canary_replicas_or_weight(ro, new_rs, stable_rs)
    surge = max_surge(ro)
    desired_new, desired_stable = approximate_counts(replicas, weight, max_weight(ro), surge)
    new_count = rs_replicas(new_rs)
    scale_stable = stable_exists(new_rs, stable_rs)
    stable_count = rs_replicas(stable_rs) if scale_stable else 0
    if not scale_stable:
        desired_new, desired_stable = replicas, 0
    allowed = replicas + surge
    counted = [*others, new_rs] + ([stable_rs] if scale_stable else [])
    scale_up = allowed - sum(rs_replicas(rs) for rs in counted if rs)
    if scale_stable and rs_replicas(stable_rs) < desired_stable and scale_up > 0:
        if rs_replicas(stable_rs) + scale_up < desired_stable:
            stable_count, scale_up = rs_replicas(stable_rs) + scale_up, 0
        else:
            scale_up -= desired_stable - rs_replicas(stable_rs)
            stable_count = desired_stable
    if new_rs is not None and rs_replicas(new_rs) < desired_new and scale_up > 0:
        new_count = min(rs_replicas(new_rs) + scale_up, desired_new)
    if sum(rs_replicas(rs) for rs in others) > 0:
        return new_count, stable_count
    return _scale_down(ro, new_rs, stable_rs, (new_count, stable_count),
                       (desired_new, desired_stable), scale_stable, allowed)


def _scale_down(ro: dict, new_rs: dict | None, stable_rs: dict | None, counts: tuple[int, int],
                desired: tuple[int, int], scale_stable: bool, allowed: int) -> tuple[int, int]:
    new_count, stable_count = counts
    desired_new, desired_stable = desired
    min_available = spec_replicas(ro) - max_unavailable(ro)
    increasing = new_rs is None or desired_new >= rs_replicas(new_rs)
    to_scale_down = _replicas_for_scale_down(new_rs, not increasing) + _replicas_for_scale_down(
        stable_rs, increasing)
    if to_scale_down <= min_available:
        return new_count, stable_count
    scale_down = to_scale_down - min_available
    if not increasing:
        new_count = _drain(new_rs, desired_new, scale_down, new_count)
        new_count, stable_count = _adjust(new_rs, stable_rs, new_count, stable_count, allowed,
                                          min_available)
    elif scale_stable:
        stable_count = _drain(stable_rs, desired_stable, scale_down, stable_count)
        stable_count, new_count = _adjust(stable_rs, new_rs, stable_count, new_count, allowed,
                                          min_available)
    return new_count, stable_count


def _replicas_for_scale_down(rs: dict | None, ignore_availability: bool) -> int:
    if rs is None:
        return 0
    if rs_replicas(rs) < rs_available(rs) or ignore_availability:
        return rs_replicas(rs)
    return rs_available(rs)


def _drain(rs: dict | None, desired: int, scale_down: int, count: int) -> int:
    if rs is not None and rs_replicas(rs) > desired:
        return max(desired, rs_replicas(rs) - scale_down)
    return count


def _adjust(drain_rs: dict | None, adjust_rs: dict | None, drain_count: int, adjust_count: int,
            allowed: int, min_available: int) -> tuple[int, int]:
    over = max(0, adjust_count + drain_count - allowed)
    available = min(rs_available(drain_rs), drain_count) if drain_rs else 0
    if adjust_rs is not None:
        adjust_count -= over
        available += min(rs_available(adjust_rs), adjust_count)
        extra = max(0, rs_available(adjust_rs) - adjust_count)
        adjust_count += min(extra, max(0, min_available - available))
        drain_count -= max(0, adjust_count + drain_count - allowed)
    return drain_count, adjust_count


def desired_counts(ro: dict, new_rs: dict | None, stable_rs: dict | None, others: list[dict],
                   weights: dict | None) -> tuple[int, int]:
    if traffic_routing(ro) is None:
        return basic_canary_counts(ro, new_rs, stable_rs, others)
    return traffic_routed_counts(ro, new_rs, stable_rs, weights)


def at_desired_counts(ro: dict, new_rs: dict | None, stable_rs: dict | None,
                      others: list[dict], weights: dict | None) -> bool:
    """AtDesiredReplicaCountsForCanary: the canary is available at its size, stable is sized."""
    desired_new, desired_stable = desired_counts(ro, new_rs, stable_rs, others, weights)
    if not progress_threshold_met(ro, new_rs, desired_new):
        return False
    routed = traffic_routing(ro) is not None
    dynamic = routed and canary_spec(ro).get("dynamicStableScale") is True
    if not dynamic and not _all_created(stable_rs, desired_stable):
        return False
    return routed or sum(rs_available(rs) for rs in others) == 0


def _all_created(rs: dict | None, desired: int) -> bool:
    return rs is not None and desired == rs_replicas(rs) == rs_status_replicas(rs)
