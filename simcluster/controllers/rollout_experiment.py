"""The Rollout's Experiments: created at an experiment step, cancelled when no longer needed."""

from __future__ import annotations

import copy

from . import analysis_templates as tmpl
from .canary_math import current_step, status_of
from .conditions import COMPLETED_PHASES
from .objects import REVISION_ANNOTATION, as_dict, as_list, dig, labels_of, name_of
from .objects import owner_reference as owner_ref
from .rollout_analysis import create_with_collisions
from .rollout_context import RolloutContext, creation_key, pause_condition


def reconcile_experiments(ctx: RolloutContext) -> None:
    current_name = dig(ctx.rollout, "status", "canary", "currentExperiment")
    current = next((e for e in ctx.experiments if current_name and name_of(e) == current_name),
                   None)
    others = [e for e in ctx.experiments if e is not current]
    if ctx.pause.is_aborted() or status_of(ctx.rollout).get("promoteFull") is True:
        for ex in ctx.experiments:
            terminate(ctx, ex)
        return
    if pause_condition(ctx.rollout, "InconclusiveAnalysisRun") is not None:
        return
    step, index = current_step(ctx.rollout)
    experiment_step = as_dict(dig(step, "experiment")) if step else {}
    if step is not None and "experiment" in step:
        if current is None:
            if ctx.stable_rs is None:
                return
            current = create_with_collisions(ctx.rt.store, "experiments",
                                             _experiment(ctx, experiment_step, index or 0),
                                             ctx.namespace, separator="-")
            ctx.event("ExperimentCreated", f"Created Experiment '{name_of(current)}'")
        _judge(ctx, current)
        ctx.current_experiment = current
    elif current is not None:
        others.append(current)
    for ex in others:
        terminate(ctx, ex)
    _delete_old(ctx, others)


def _judge(ctx: RolloutContext, ex: dict) -> None:
    phase = dig(ex, "status", "phase", default="")
    if phase == "Inconclusive":
        ctx.pause.add_reasons.append("InconclusiveExperiment")
    elif phase in ("Error", "Failed"):
        message = str(dig(ex, "status", "message", default=""))
        failure = "Experiment analysis phase is error/failed"
        ctx.pause.abort(f"{failure}: {message}" if message else failure)
    elif phase != "Successful":
        ctx.new_status.setdefault("canary", {})["currentExperiment"] = name_of(ex)


def terminate(ctx: RolloutContext, ex: dict | None) -> None:
    if ex is None or dig(ex, "spec", "terminate") is True or dig(
            ex, "status", "phase") in COMPLETED_PHASES:
        return
    ctx.rt.write("experiments", ex, lambda obj: obj.setdefault("spec", {}).__setitem__(
        "terminate", True))


def _experiment(ctx: RolloutContext, step: dict, index: int) -> dict:
    """GetExperimentFromTemplate: one template per entry, copied from the canary/stable RS."""
    new_hash = dig(ctx.new_rs, "metadata", "labels", "rollouts-pod-template-hash", default="")
    revision = str(ctx.revision())
    spec: dict = {"templates": [], "analyses": []}
    for key, field in (("duration", "duration"), ("dryRun", "dryRun"),
                       ("analysisRunMetadata", "analysisRunMetadata"),
                       ("scaleDownDelaySeconds", "scaleDownDelaySeconds")):
        if step.get(key) is not None:
            spec[field] = step[key]
    deadline = dig(ctx.rollout, "spec", "progressDeadlineSeconds")
    if isinstance(deadline, int):
        spec["progressDeadlineSeconds"] = deadline
    for t in as_list(step.get("templates")):
        spec["templates"].append(_template(ctx, as_dict(t)))
    for a in as_list(step.get("analyses")):
        a = as_dict(a)
        entry = {"name": a.get("name"), "templateName": a.get("templateName"),
                 "args": tmpl.resolve_args(as_list(a.get("args")), ctx.rollout, ctx.stable_rs,
                                           ctx.new_rs)}
        for key in ("clusterScope", "requiredForCompletion"):
            if a.get(key) is not None:
                entry[key] = a[key]
        spec["analyses"].append(entry)
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Experiment",
            "metadata": {"name": f"{ctx.name}-{new_hash}-{revision}-{index}",
                         "namespace": ctx.namespace,
                         "labels": {**labels_of(ctx.rollout),
                                    "rollouts-pod-template-hash": new_hash},
                         "annotations": {REVISION_ANNOTATION: revision},
                         "ownerReferences": [owner_ref(ctx.rollout, "Rollout")]},
            "spec": spec}


def _template(ctx: RolloutContext, step_template: dict) -> dict:
    source = ctx.new_rs if step_template.get("specRef") == "canary" else ctx.stable_rs
    template: dict = {"name": step_template.get("name"),
                      "template": copy.deepcopy(as_dict(dig(source, "spec", "template")))}
    if step_template.get("replicas") is not None:
        template["replicas"] = step_template["replicas"]
    selector = step_template.get("selector") or dig(source, "spec", "selector")
    template["selector"] = copy.deepcopy(as_dict(selector))
    meta = as_dict(step_template.get("metadata"))
    for kind in ("labels", "annotations"):
        extra = as_dict(meta.get(kind))
        if extra:
            template["template"].setdefault("metadata", {}).setdefault(kind, {}).update(extra)
            if kind == "labels":
                template["selector"].setdefault("matchLabels", {}).update(extra)
    if step_template.get("weight") is not None or step_template.get("service") is not None:
        service_name = dig(step_template, "service", "name")
        template["service"] = {"name": service_name} if service_name else {}
    return template


def _delete_old(ctx: RolloutContext, others: list[dict]) -> None:
    done = sorted((e for e in others if dig(e, "status", "phase") in COMPLETED_PHASES),
                  key=creation_key, reverse=True)
    good = [e for e in done if dig(e, "status", "phase") == "Successful"]
    bad = [e for e in done if dig(e, "status", "phase") != "Successful"]
    for ex in good[5:] + bad[5:]:
        ctx.rt.store.delete("experiments", ctx.namespace, name_of(ex))
