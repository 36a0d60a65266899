"""The Rollout's AnalysisRuns: step, background, blue-green pre/post promotion.

(rollout/analysis.go) Runs are named <rollout>-<hash>-<revision>[-<step>|-pre|-post].
"""

from __future__ import annotations

from . import analysis_templates as tmpl
from .canary_math import (
    bluegreen_spec,
    canary_spec,
    current_step,
    is_bluegreen,
    is_fully_promoted,
    saturated,
    status_of,
)
from .conditions import COMPLETED_PHASES
from .objects import (
    REVISION_ANNOTATION,
    as_dict,
    as_int,
    as_list,
    dig,
    labels_of,
    name_of,
    owner_reference,
    pod_hash,
)
from .promotion import is_fast_rollback
from .rollout_context import RolloutContext, creation_key, pause_condition

ROLLOUT_TYPE = "rollout-type"
STEP_INDEX = "step-index"
_STATUS_SLOTS = {
    "step": ("canary", "currentStepAnalysisRunStatus"),
    "background": ("canary", "currentBackgroundAnalysisRunStatus"),
    "pre": ("blueGreen", "prePromotionAnalysisRunStatus"),
    "post": ("blueGreen", "postPromotionAnalysisRunStatus"),
}


def phase(run: dict | None) -> str:
    return str(dig(run, "status", "phase", default="")) if run else ""


def reconcile_analysis_runs(ctx: RolloutContext) -> None:
    current = {"step": ctx.current_step_run, "background": ctx.current_background_run,
               "pre": ctx.pre_promotion_run, "post": ctx.post_promotion_run}
    status = status_of(ctx.rollout)
    cancel_all = (is_fully_promoted(ctx.rollout) or ctx.pause.is_aborted()
                  or status.get("promoteFull") is True or is_fast_rollback(ctx)
                  or not status.get("stableRS"))
    chosen: dict[str, dict | None] = dict.fromkeys(_STATUS_SLOTS)
    if cancel_all:
        for run in current.values():
            cancel_run(ctx, run)
        chosen["pre"], chosen["post"] = current["pre"], current["post"]
    elif is_bluegreen(ctx.rollout):
        chosen["pre"] = _bluegreen_run(ctx, current["pre"], "pre")
        chosen["post"] = _bluegreen_run(ctx, current["post"], "post")
    else:
        chosen["step"] = _step_run(ctx, current["step"])
        chosen["background"] = _background_run(ctx, current["background"])
    _record(ctx, chosen)
    keep = {name_of(r) for r in chosen.values() if r}
    others = [r for r in ctx.analysis_runs if name_of(r) not in keep]
    for run in others:
        cancel_run(ctx, run)
    _delete_old(ctx, others)


def _record(ctx: RolloutContext, chosen: dict[str, dict | None]) -> None:
    ctx.current_step_run, ctx.current_background_run = chosen["step"], chosen["background"]
    ctx.pre_promotion_run, ctx.post_promotion_run = chosen["pre"], chosen["post"]
    for slot, run in chosen.items():
        group, key = _STATUS_SLOTS[slot]
        if run is None:
            continue
        summary = {"name": name_of(run), "status": phase(run)}
        if dig(run, "status", "message"):
            summary["message"] = run["status"]["message"]
        ctx.new_status.setdefault(group, {})[key] = summary


def cancel_run(ctx: RolloutContext, run: dict | None) -> None:
    if run is None or dig(run, "spec", "terminate") is True or phase(run) in COMPLETED_PHASES:
        return
    ctx.rt.write("analysisruns", run, lambda obj: obj.setdefault("spec", {}).__setitem__(
        "terminate", True))


def _needs_new(ctx: RolloutContext, run: dict | None) -> bool:
    if run is None:
        return True
    status = status_of(ctx.rollout)
    if status.get("controllerPause") is True and pause_condition(
            ctx.rollout, "CanaryPauseStep") is None and pause_condition(
            ctx.rollout, "BlueGreenPause") is None:
        return phase(run) == "Inconclusive"
    return status.get("abortedAt") is not None


def _judge(ctx: RolloutContext, run: dict, failure: str) -> None:
    if phase(run) == "Inconclusive":
        ctx.pause.add_reasons.append("InconclusiveAnalysisRun")
    elif phase(run) in ("Error", "Failed"):
        message = str(dig(run, "status", "message", default=""))
        ctx.pause.abort(f"{failure}: {message}" if message else failure)


def _step_run(ctx: RolloutContext, run: dict | None) -> dict | None:
    step, index = current_step(ctx.rollout)
    if status_of(ctx.rollout).get("pauseConditions") or status_of(ctx.rollout).get("abort"):
        return run
    analysis = as_dict(dig(step, "analysis"))
    stale = run is not None and labels_of(run).get(STEP_INDEX) != str(index)
    if step is None or not as_list(analysis.get("templates")) or index is None or stale:
        cancel_run(ctx, run)
        return None
    if _needs_new(ctx, run):
        labels = {ROLLOUT_TYPE: "Step", STEP_INDEX: str(index)}
        return create_run(ctx, analysis, str(index), labels)
    _judge(ctx, run, "Step-based analysis phase error/failed")
    return run


def _background_run(ctx: RolloutContext, run: dict | None) -> dict | None:
    analysis = as_dict(canary_spec(ctx.rollout).get("analysis"))
    if not as_list(analysis.get("templates")):
        cancel_run(ctx, run)
        return None
    status = status_of(ctx.rollout)
    _, index = current_step(ctx.rollout)
    starting = analysis.get("startingStep")
    before_start = isinstance(starting, int) and index is not None and index < starting
    if is_fully_promoted(ctx.rollout) or not status.get("stableRS") or before_start:
        return None
    if pause_condition(ctx.rollout, "InconclusiveAnalysisRun") is not None:
        return run
    if _needs_new(ctx, run):
        return create_run(ctx, analysis, "", {ROLLOUT_TYPE: "Background"})
    _judge(ctx, run, "Background analysis phase error/failed")
    return run


def _bluegreen_run(ctx: RolloutContext, run: dict | None, which: str) -> dict | None:
    key = "prePromotionAnalysis" if which == "pre" else "postPromotionAnalysis"
    analysis = as_dict(bluegreen_spec(ctx.rollout).get(key))
    if not as_list(analysis.get("templates")):
        cancel_run(ctx, run)
        return None
    if _skip_bluegreen(ctx, run, which):
        cancel_run(ctx, run)
        return run
    if pause_condition(ctx.rollout, "InconclusiveAnalysisRun") is not None:
        return run
    if _needs_new(ctx, run):
        kind = "PrePromotion" if which == "pre" else "PostPromotion"
        run = create_run(ctx, analysis, which, {ROLLOUT_TYPE: kind})
    label = "pre-promotion" if which == "pre" else "post-promotion"
    _judge(ctx, run, f"Blue/green {label} analysis phase error/failed")
    return run


def _skip_bluegreen(ctx: RolloutContext, run: dict | None, which: str) -> bool:
    current = pod_hash(ctx.new_rs)
    status = status_of(ctx.rollout)
    active = dig(status, "blueGreen", "activeSelector", default="")
    if not current or status.get("stableRS") == current:
        return True
    if which == "pre" and (not active or active == current):
        return True
    if which == "post" and active != current:
        return True
    if run is not None:
        return False
    preview = bluegreen_spec(ctx.rollout).get("previewReplicaCount")
    if which == "pre" and isinstance(preview, int):
        return not (as_int(dig(ctx.new_rs, "spec", "replicas")) == preview ==
                    as_int(dig(ctx.new_rs, "status", "availableReplicas")))
    return not saturated(ctx.rollout, ctx.new_rs)


def create_run(ctx: RolloutContext, analysis: dict, infix: str, labels: dict) -> dict:
    """An AnalysisRun named <rollout>-<hash>-<revision>[-<infix>], owned by the rollout."""
    new_hash = pod_hash(ctx.new_rs)
    revision = str(ctx.revision())
    name = "-".join([ctx.name, new_hash, revision] + ([infix] if infix else []))
    store = ctx.rt.store
    templates = tmpl.load_templates(store, ctx.namespace, as_list(analysis.get("templates")))
    args = tmpl.resolve_args(as_list(analysis.get("args")), ctx.rollout, ctx.stable_rs,
                             ctx.new_rs)
    metadata = as_dict(analysis.get("analysisRunMetadata"))
    run_labels = {"rollouts-pod-template-hash": new_hash, **labels,
                  **as_dict(metadata.get("labels")),
                  **as_dict(dig(ctx.rollout, "spec", "selector", "matchLabels"))}
    body = {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisRun",
        "metadata": {"name": name, "namespace": ctx.namespace, "labels": run_labels,
                     "annotations": {REVISION_ANNOTATION: revision,
                                     **as_dict(metadata.get("annotations"))},
                     "ownerReferences": [owner_reference(ctx.rollout, "Rollout")]},
        "spec": tmpl.run_spec(templates, args, analysis),
    }
    return create_with_collisions(ctx.rt.store, "analysisruns", body, ctx.namespace)


def create_with_collisions(store, plural: str, body: dict, namespace: str,
                           separator: str = ".") -> dict:
    """Create; on a name clash reuse an equal unfinished object of ours, else `name.N`."""
    base = body["metadata"]["name"]
    owner = body["metadata"]["ownerReferences"][0]["uid"]
    for attempt in range(1, 100):
        existing = store.get(plural, namespace, body["metadata"]["name"])
        if existing is None:
            return store.create(plural, body, namespace=namespace)
        refs = dig(existing, "metadata", "ownerReferences", default=[])
        ours = any(isinstance(r, dict) and r.get("uid") == owner for r in refs)
        if ours and existing.get("spec") == body["spec"] and phase(existing) not in \
                COMPLETED_PHASES:
            return existing
        body["metadata"]["name"] = f"{base}{separator}{attempt}"
    raise tmpl.TemplateError(f"no free name for {plural} {base}")


def _delete_old(ctx: RolloutContext, others: list[dict]) -> None:
    """Keep the 5 newest successful and 5 newest unsuccessful finished runs (history limits)."""
    limits = as_dict(dig(ctx.rollout, "spec", "analysis"))
    keep_ok = as_int(limits.get("successfulRunHistoryLimit"), 5)
    keep_bad = as_int(limits.get("unsuccessfulRunHistoryLimit"), 5)
    done = sorted((r for r in others if phase(r) in COMPLETED_PHASES), key=creation_key,
                  reverse=True)
    good = [r for r in done if phase(r) == "Successful"]
    bad = [r for r in done if phase(r) != "Successful"]
    for run in good[keep_ok:] + bad[keep_bad:]:
        ctx.rt.store.delete("analysisruns", ctx.namespace, name_of(run))
