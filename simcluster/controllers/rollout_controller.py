"""Reconciling one Rollout: validate, make sure the desired ReplicaSet exists, run the strategy."""

from __future__ import annotations

import copy
import logging

from . import conditions as cond
from .analysis_templates import TemplateError
from .canary_math import is_bluegreen, status_of
from .istio import RoutingError
from .objects import (
    WORKLOAD_GENERATION_ANNOTATION,
    annotations_of,
    as_dict,
    dig,
    meta,
    name_of,
)
from .references import validate_references
from .rollout_bluegreen import rollout_bluegreen
from .rollout_canary import rollout_canary
from .rollout_context import RolloutContext
from .rollout_replicasets import create_new_rs, sync_revision
from .rollout_status import check_paused_conditions, clean_status
from .runtime import Runtime
from .services import MissingService
from .validation import SpecError, invalid, validate_rollout

log = logging.getLogger(__name__)

RETRY_SECONDS = 10.0


def reconcile_rollout(rt: Runtime, namespace: str, name: str) -> None:
    rollout = rt.store.get("rollouts", namespace, name)
    if rollout is None or dig(rollout, "metadata", "deletionTimestamp"):
        return
    key = ("rollouts", namespace, name)
    try:
        overrides, generation = resolve_workload(rt, rollout)
        ctx = RolloutContext(rt, rollout, overrides)
        validate_rollout(ctx.rollout)
        validate_references(ctx)
    except SpecError as error:
        record_invalid_spec(rt, rollout, str(error))
        return
    if dig(rollout, "spec", "replicas") is None:
        # Upstream defaults spec.replicas (an Update of the spec) so HPAs have a number to scale.
        rt.write("rollouts", rollout, lambda ro: ro["spec"].__setitem__("replicas", 1),
                 check_rv=True)
        return
    try:
        _reconcile(ctx, generation)
    except (RoutingError, TemplateError, MissingService) as error:
        message = str(error) if not isinstance(error, MissingService) else \
            f'services "{error}" not found'
        ctx.event("TrafficRoutingError" if isinstance(error, RoutingError)
                  else "ReconciliationError", message, warning=True)
        rt.requeue_after(key, RETRY_SECONDS)


def _reconcile(ctx: RolloutContext, workload_generation: str | None) -> None:
    _record_workload_generation(ctx, workload_generation)
    if ctx.new_rs is None:
        create_new_rs(ctx)
    if check_paused_conditions(ctx):
        return
    sync_revision(ctx)
    if is_bluegreen(ctx.rollout):
        rollout_bluegreen(ctx)
    else:
        rollout_canary(ctx)


def resolve_workload(rt: Runtime, rollout: dict) -> tuple[dict, str | None]:
    """spec.workloadRef: the template (and a missing selector) from the Deployment, and the
    Deployment's generation."""
    ref = dig(rollout, "spec", "workloadRef")
    if ref is None:
        return {}, None
    if not isinstance(ref, dict) or ref.get("kind") != "Deployment":
        kind = dig(ref, "kind")
        raise invalid("spec.workloadRef.kind", kind, f"workload of type apps/{kind} is not "
                                                     "supported")
    name = str(ref.get("name") or "")
    deployment = rt.store.get("deployments", meta(rollout).get("namespace"), name)
    if deployment is None:
        raise invalid("spec.workloadRef.name", name, f'deployments.apps "{name}" not found')
    template = dig(deployment, "spec", "template")
    if not isinstance(template, dict):
        raise invalid("spec.workloadRef.name", name, "the Deployment has no pod template")
    overrides = {"template": copy.deepcopy(template)}
    if dig(rollout, "spec", "selector") is None and isinstance(
            dig(deployment, "spec", "selector"), dict):
        overrides["selector"] = copy.deepcopy(deployment["spec"]["selector"])
    return overrides, str(meta(deployment).get("generation", 1))


def _record_workload_generation(ctx: RolloutContext, generation: str | None) -> None:
    if generation is None or annotations_of(ctx.rollout).get(
            WORKLOAD_GENERATION_ANNOTATION) == generation:
        return
    ctx.write_rollout(lambda ro: ro.setdefault("metadata", {}).setdefault(
        "annotations", {}).__setitem__(WORKLOAD_GENERATION_ANNOTATION, generation))


def record_invalid_spec(rt: Runtime, rollout: dict, error: str) -> None:
    """createInvalidRolloutCondition: InvalidSpec condition, phase Degraded, nothing else."""
    message = f'The Rollout "{name_of(rollout)}" is invalid: {error}'
    status = copy.deepcopy(as_dict(rollout.get("status")))
    previous = cond.get_condition(status, cond.INVALID_SPEC)
    if previous is not None and previous.get("message") != message:
        cond.remove_condition(status, cond.INVALID_SPEC)
    cond.set_condition(status, cond.new_condition(cond.INVALID_SPEC, "True",
                                                  cond.INVALID_SPEC_REASON, message, rt.now_str()))
    status["observedGeneration"] = str(meta(rollout).get("generation", 1))
    status["phase"], status["message"] = cond.calculate_phase(rollout, status)
    cleaned = clean_status(status)
    if cleaned != status_of(rollout):
        log.info("rollout %s/%s is invalid: %s", meta(rollout).get("namespace"),
                 name_of(rollout), error)
        rt.write("rollouts", rollout, lambda ro: ro.__setitem__("status", cleaned), check_rv=True)
        rt.event(rollout, "Rollout", cond.INVALID_SPEC_REASON, message, warning=True)
