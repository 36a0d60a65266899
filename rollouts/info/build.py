"""build_rollout_info: everything the CLI text, JSON API, templates and timeline need."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from rollouts.info.access import (
    Obj,
    as_bool,
    as_dict,
    as_int,
    as_str,
    created_at,
    dicts,
    dig,
    int_or_text,
    meta,
    name_of,
    namespace_of,
    owner_uid,
    parse_time,
    str_map,
    uid_of,
)
from rollouts.info.analysis import build_analysis_runs
from rollouts.info.experiments import build_experiments
from rollouts.info.images import rollout_images, summary_images
from rollouts.info.model import (
    AnalysisRunInfo,
    ContainerInfo,
    ExperimentInfo,
    PauseConditionInfo,
    ReplicaCounts,
    ReplicaSetInfo,
    RevisionInfo,
    RolloutInfo,
)
from rollouts.info.objects import ClusterObjects
from rollouts.info.problems import rollout_errors
from rollouts.info.redact import env_info, redact_annotations
from rollouts.info.replicasets import build_replicasets
from rollouts.info.status import needs_attention, rollout_icon, rollout_phase
from rollouts.info.steps import build_steps, canary_spec, canary_steps, raw_step_index
from rollouts.info.stuck import stuck_cause
from rollouts.info.traffic import DEFAULT_CONVERGENCE_GRACE, build_traffic
from rollouts.info.validate import child_problems, rollout_problems
from rollouts.info.weights import actual_weight, max_weight, set_weight, traffic_routing


def _containers(rollout: Obj, key: str) -> tuple[ContainerInfo, ...]:
    containers = dicts(dig(rollout, "spec", "template", "spec", key))
    return tuple(
        ContainerInfo(name=as_str(c.get("name")), image=as_str(c.get("image")),
                      env=tuple(env_info(e) for e in dicts(c.get("env"))))
        for c in containers
    )


def _revisions(
    replicasets: Sequence[ReplicaSetInfo],
    experiments: Sequence[ExperimentInfo],
    runs: Sequence[AnalysisRunInfo],
) -> tuple[RevisionInfo, ...]:
    numbers = {item.revision for group in (replicasets, experiments, runs) for item in group}
    return tuple(
        RevisionInfo(
            revision=number,
            replicasets=tuple(rs for rs in replicasets if rs.revision == number),
            experiments=tuple(exp for exp in experiments if exp.revision == number),
            analysis_runs=tuple(run for run in runs if run.revision == number),
        )
        for number in sorted(numbers, reverse=True)
    )


def _replica_counts(rollout: Obj) -> ReplicaCounts:
    status = as_dict(rollout.get("status"))
    desired = as_int(dig(rollout, "spec", "replicas"))
    return ReplicaCounts(
        desired=1 if desired is None else desired,
        current=as_int(status.get("replicas")) or 0,
        updated=as_int(status.get("updatedReplicas")) or 0,
        ready=as_int(status.get("readyReplicas")) or 0,
        available=as_int(status.get("availableReplicas")) or 0,
    )


def _strategy(rollout: Obj) -> str:
    if canary_spec(rollout) is not None:
        return "Canary"
    return "BlueGreen" if isinstance(dig(rollout, "spec", "strategy", "blueGreen"), dict) else ""


def _step_fields(rollout: Obj, replicasets: Sequence[ReplicaSetInfo]) -> dict[str, object]:
    if canary_spec(rollout) is None:
        return {
            "step": "",
            "step_index": None,
            "step_count": 0,
            "set_weight": None,
            "actual_weight": None,
            "weight_source": "",
        }
    count, index = len(canary_steps(rollout)), raw_step_index(rollout)
    routed = traffic_routing(rollout) is not None
    return {
        "step": f"{index}/{count}" if index is not None and count > 0 else "",
        "step_index": index,
        "step_count": count,
        "set_weight": set_weight(rollout),
        "actual_weight": actual_weight(rollout, replicasets),
        "weight_source": "traffic-routing" if routed else "pod-ratio",
    }


def _owned(objects: Sequence[Obj], uids: set[str]) -> list[Obj]:
    return [obj for obj in objects if owner_uid(obj, uids)]


def _warnings(objs: ClusterObjects) -> tuple[str, ...]:
    rollout, uid = objs.rollout, uid_of(objs.rollout)
    problems = rollout_problems(rollout)
    if rollout and not uid:
        problems.append("Rollout has no metadata.uid, so none of its ReplicaSets can be found")
    replicasets = _owned(objs.replicasets, {uid})
    experiments = _owned(objs.experiments, {uid})
    owners = {uid} | {uid_of(obj) for obj in replicasets + experiments} - {""}
    problems += child_problems("ReplicaSet", _owned(objs.replicasets, owners))
    problems += child_problems("Pod", _owned(objs.pods, owners))
    problems += child_problems("AnalysisRun", _owned(objs.analysisruns, owners))
    problems += child_problems("Experiment", experiments)
    return tuple(problems)


def _identity(rollout: Obj) -> dict[str, object]:
    return {
        "name": name_of(rollout),
        "namespace": namespace_of(rollout),
        "uid": uid_of(rollout),
        "resource_version": as_str(meta(rollout).get("resourceVersion")),
        "generation": as_int(meta(rollout).get("generation")),
        "labels": str_map(meta(rollout).get("labels")),
        "annotations": redact_annotations(str_map(meta(rollout).get("annotations"))),
        "created_at": created_at(rollout),
    }


def _control_state(rollout: Obj) -> dict[str, object]:
    """Pause, abort, restart and promotion bookkeeping from spec and status."""
    status = as_dict(rollout.get("status"))
    stable, current = as_str(status.get("stableRS")), as_str(status.get("currentPodHash"))
    observed = int_or_text(status.get("observedGeneration"))
    return {
        "pause_conditions": tuple(
            PauseConditionInfo(as_str(c.get("reason")), parse_time(c.get("startTime")))
            for c in dicts(status.get("pauseConditions"))
        ),
        "paused": as_bool(dig(rollout, "spec", "paused")),
        "controller_pause": as_bool(status.get("controllerPause")),
        "aborted": as_bool(status.get("abort")),
        "aborted_at": parse_time(status.get("abortedAt")),
        "restart_at": parse_time(dig(rollout, "spec", "restartAt")),
        "restarted_at": parse_time(status.get("restartedAt")),
        "promote_full": as_bool(status.get("promoteFull")),
        "current_pod_hash": current,
        "stable_rs": stable,
        # Upstream compares the two hashes even when both are empty; an unreconciled rollout
        # is not "fully promoted" here.
        "fully_promoted": bool(stable) and stable == current,
        "observed_generation": "" if observed is None else str(observed),
    }


def build_rollout_info(
    objs: ClusterObjects,
    now: datetime,
    *,
    convergence_grace: timedelta = DEFAULT_CONVERGENCE_GRACE,
) -> RolloutInfo:
    """The whole picture of one rollout at `now` (an aware UTC datetime). Never raises on
    malformed objects: unreadable fields count as absent and are listed in `warnings`."""
    rollout, uid = objs.rollout, uid_of(objs.rollout)
    replicasets = build_replicasets(uid, rollout, objs.replicasets, objs.pods)
    experiments = build_experiments(
        uid, objs.experiments, objs.replicasets, objs.analysisruns, objs.pods
    )
    runs = build_analysis_runs(uid, objs.analysisruns)
    status, message = rollout_phase(rollout)
    return RolloutInfo(
        status=status,
        message=message,
        icon=rollout_icon(status),
        strategy=_strategy(rollout),
        max_weight=max_weight(rollout),
        replicas=_replica_counts(rollout),
        images=rollout_images(replicasets, experiments),
        summary_images=summary_images(
            replicasets, experiments, as_bool(dig(rollout, "status", "abort"))
        ),
        containers=_containers(rollout, "containers"),
        init_containers=_containers(rollout, "initContainers"),
        revisions=_revisions(replicasets, experiments, runs),
        replicasets=replicasets,
        experiments=experiments,
        analysis_runs=runs,
        steps=build_steps(rollout),
        needs_attention=needs_attention(status, message),
        errors=rollout_errors(rollout, replicasets, experiments, runs),
        warnings=_warnings(objs),
        traffic=build_traffic(rollout, objs, replicasets, now, convergence_grace),
        stuck=stuck_cause(replicasets),
        **_identity(rollout),  # type: ignore[arg-type]
        **_control_state(rollout),  # type: ignore[arg-type]
        **_step_fields(rollout, replicasets),  # type: ignore[arg-type]
    )
