"""The blue-green strategy: one reconcile pass (rollout/bluegreen.go rolloutBlueGreen)."""

from __future__ import annotations

from .canary_math import (
    bluegreen_spec,
    rs_available,
    rs_replicas,
    rs_status_replicas,
    saturated,
    spec_replicas,
    status_of,
)
from .objects import as_int, dig, format_selector, pod_hash
from .promotion import is_fast_rollback, promote_stable, rollback_within_window, should_full_promote
from .restart import reconcile_restart
from .rollout_analysis import reconcile_analysis_runs
from .rollout_context import RolloutContext, pause_condition
from .rollout_replicasets import scale_rs, trim_revision_history
from .rollout_scaling import (
    halt_reason,
    new_rs_replicas,
    reconcile_new_rs,
    reconcile_other_rss,
    remove_stale_deadlines,
)
from .rollout_status import base_status, persist, reset_status
from .services import get_service, selector_hash, switch_selector

PAUSE = "BlueGreenPause"


def _services(ctx: RolloutContext) -> tuple[dict | None, dict | None]:
    spec = bluegreen_spec(ctx.rollout)
    return (get_service(ctx, str(spec.get("previewService") or "")),
            get_service(ctx, str(spec.get("activeService") or "")))


def pod_spec_changed(ctx: RolloutContext) -> bool:
    current = status_of(ctx.rollout).get("currentPodHash")
    return bool(current) and current != pod_hash(ctx.new_rs)


def rollout_bluegreen(ctx: RolloutContext) -> None:
    preview, active = _services(ctx)
    if preview is not None and not halt_reason(ctx) and ctx.new_rs is not None:
        switch_selector(ctx, preview, pod_hash(ctx.new_rs))
    if pod_spec_changed(ctx):
        sync_bluegreen_status(ctx)
        return
    reconcile_restart(ctx)
    remove_stale_deadlines(ctx)
    if ctx.stable_rs is not None:
        scale_rs(ctx, ctx.stable_rs, spec_replicas(ctx.rollout))
    reconcile_new_rs(ctx)
    reconcile_other_rss(ctx)
    trim_revision_history(ctx)
    _reconcile_pause(ctx, active)
    _reconcile_active(ctx, active)
    reconcile_analysis_runs(ctx)
    sync_bluegreen_status(ctx)


def _ready_for_pause(ctx: RolloutContext) -> bool:
    wanted = new_rs_replicas(ctx)
    return ctx.new_rs is not None and rs_replicas(ctx.new_rs) == wanted == rs_available(ctx.new_rs)


def _fast_tracked(ctx: RolloutContext, active: dict | None) -> bool:
    if is_fast_rollback(ctx) or status_of(ctx.rollout).get("promoteFull") is True:
        return True
    selector = selector_hash(active)
    return not selector or selector == pod_hash(ctx.new_rs)


def completed_pause(ctx: RolloutContext) -> bool:
    ro = ctx.rollout
    condition = pause_condition(ro, PAUSE)
    spec = bluegreen_spec(ro)
    if ctx.pause.add_reasons:
        return False
    if dig(ro, "status", "blueGreen", "scaleUpPreviewCheckPoint") is True:
        return True
    if spec.get("autoPromotionEnabled") is not False:
        seconds = as_int(spec.get("autoPromotionSeconds"), 0)
        if seconds == 0:
            return True
        if condition is not None:
            remaining = ctx.seconds_until(condition.get("startTime"), seconds)
            return remaining is not None and remaining < 0
        return False
    return status_of(ro).get("controllerPause") is True and condition is None


def _pre_promotion_done(ctx: RolloutContext) -> bool:
    if bluegreen_spec(ctx.rollout).get("prePromotionAnalysis") is None:
        return True
    return dig(ctx.pre_promotion_run, "status", "phase") == "Successful"


def _reconcile_pause(ctx: RolloutContext, active: dict | None) -> None:
    ro = ctx.rollout
    if status_of(ro).get("abort") is True or not _ready_for_pause(ctx) or halt_reason(ctx):
        return
    spec = bluegreen_spec(ro)
    controller_managed = spec.get("autoPromotionEnabled") is False or as_int(
        spec.get("autoPromotionSeconds"), 0) > 0
    if (_fast_tracked(ctx, active) or selector_hash(active) == pod_hash(ctx.new_rs)
            or dig(ro, "status", "blueGreen", "scaleUpPreviewCheckPoint") is True
            or not controller_managed):
        ctx.pause.remove_reasons.append(PAUSE)
        return
    if not _pre_promotion_done(ctx):
        return
    condition = pause_condition(ro, PAUSE)
    if condition is not None:
        if completed_pause(ctx):
            ctx.pause.remove_reasons.append(PAUSE)
        elif as_int(spec.get("autoPromotionSeconds"), 0) > 0:
            remaining = ctx.seconds_until(condition.get("startTime"), spec["autoPromotionSeconds"])
            if remaining is not None and remaining > 0:
                ctx.requeue_after(remaining)
    elif status_of(ro).get("controllerPause") is not True:
        ctx.pause.add_reasons.append(PAUSE)


def _reconcile_active(ctx: RolloutContext, active: dict | None) -> None:
    if active is None or ctx.new_rs is None or halt_reason(ctx):
        return
    if not _ready_for_pause(ctx) or not saturated(ctx.rollout, ctx.new_rs):
        return
    target = selector_hash(active)
    if _fast_tracked(ctx, active) or (completed_pause(ctx) and _pre_promotion_done(ctx)):
        target = pod_hash(ctx.new_rs)
    if status_of(ctx.rollout).get("abort") is True:
        target = str(status_of(ctx.rollout).get("stableRS") or "")
    if target:
        switch_selector(ctx, active, target)


def sync_bluegreen_status(ctx: RolloutContext) -> None:
    ro = ctx.rollout
    preview, active = _services(ctx)
    new = base_status(ctx)
    new["stableRS"] = status_of(ro).get("stableRS")
    if pod_spec_changed(ctx):
        reset_status(ctx, new)
    if status_of(ro).get("promoteFull") is True or rollback_within_window(ctx):
        ctx.pause.clear = True
        ctx.pause.remove_abort = True
    new["blueGreen"]["previewSelector"] = selector_hash(preview)
    new["blueGreen"]["activeSelector"] = selector_hash(active)
    new.pop("currentStepIndex", None)
    reason = should_full_promote(ctx, new)
    if reason:
        promote_stable(ctx, new, reason)
    else:
        new["blueGreen"]["scaleUpPreviewCheckPoint"] = _checkpoint(ctx)
    active_hash = new["blueGreen"]["activeSelector"]
    active_rs = next((rs for rs in ctx.all_rss if active_hash and pod_hash(rs) == active_hash),
                     None)
    if active_rs is not None:
        new["HPAReplicas"] = rs_status_replicas(active_rs)
        new["selector"] = format_selector(dig(active_rs, "spec", "selector"))
        new["availableReplicas"] = rs_available(active_rs)
        new["readyReplicas"] = as_int(dig(active_rs, "status", "readyReplicas"))
    else:
        new["HPAReplicas"] = sum(rs_status_replicas(rs) for rs in ctx.all_rss)
        new["selector"] = format_selector(dig(ro, "spec", "selector"))
        new["availableReplicas"] = sum(rs_available(rs) for rs in ctx.all_rss)
    persist(ctx, new)


def _checkpoint(ctx: RolloutContext) -> bool:
    preview = bluegreen_spec(ctx.rollout).get("previewReplicaCount")
    if not isinstance(preview, int):
        return False
    if dig(ctx.rollout, "status", "blueGreen", "scaleUpPreviewCheckPoint") is True:
        return True
    if not _pre_promotion_done(ctx) or not completed_pause(ctx):
        return False
    return preview == rs_available(ctx.new_rs)
