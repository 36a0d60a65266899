"""`kubectl argo rollouts restart`: delete pods older than spec.restartAt, a few at a time.

Like rollout/restart.go: at most max(maxUnavailable, 1) pods at once and never below the available
minimum; status.restartedAt is set once no pod predates restartAt. A future restartAt waits.
"""

from __future__ import annotations

from .canary_math import max_unavailable, rs_replicas, spec_replicas, status_of
from .objects import dig, name_of, parse_time, uid_of
from .rollout_context import RolloutContext, creation_key


def reconcile_restart(ctx: RolloutContext) -> int:
    """Delete what may be deleted now; returns how many pods were deleted."""
    raw = dig(ctx.rollout, "spec", "restartAt")
    restart_at = parse_time(raw)
    if restart_at is None or status_of(ctx.rollout).get("restartedAt") == raw:
        return 0
    wait = (restart_at - ctx.rt.now()).total_seconds()
    if wait > 0:
        ctx.requeue_after(wait)
        return 0
    pods = sorted((p for rs in ctx.all_rss for p in ctx.rt.owned("pods", ctx.namespace,
                                                                  uid_of(rs))), key=creation_key)
    total = sum(rs_replicas(rs) for rs in ctx.all_rss)
    concurrent = max(max_unavailable(ctx.rollout), 1)
    can_restart = sum(1 for p in pods if _ready(p)) - (
        max(spec_replicas(ctx.rollout), total) - concurrent)
    needs = restarted = 0
    for pod in pods:
        created = parse_time(dig(pod, "metadata", "creationTimestamp"))
        if created is None or created >= restart_at:
            continue
        needs += 1
        if can_restart <= 0:
            continue
        ctx.rt.store.delete("pods", ctx.namespace, name_of(pod))
        can_restart -= 1
        restarted += 1
    if needs == restarted:
        ctx.new_status["restartedAt"] = raw
    return restarted


def _ready(pod: dict) -> bool:
    return any(isinstance(c, dict) and c.get("type") == "Ready" and c.get("status") == "True"
               for c in dig(pod, "status", "conditions", default=[]))
