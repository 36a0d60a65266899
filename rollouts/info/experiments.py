"""Experiments owned by a Rollout, with their own ReplicaSets (and pods) and AnalysisRuns."""

from __future__ import annotations

from collections.abc import Sequence

from rollouts.info.access import (
    EARLIEST,
    Obj,
    as_dict,
    as_str,
    created_at,
    name_of,
    namespace_of,
    owner_uid,
    parse_revision,
    uid_of,
)
from rollouts.info.analysis import analysis_icon, build_analysis_runs
from rollouts.info.model import ExperimentInfo
from rollouts.info.replicasets import build_replicasets


def experiment_info(
    experiment: Obj, replicasets: Sequence[Obj], runs: Sequence[Obj], pods: Sequence[Obj]
) -> ExperimentInfo:
    status = as_dict(experiment.get("status"))
    phase = as_str(status.get("phase"))
    uid = uid_of(experiment)
    return ExperimentInfo(
        name=name_of(experiment),
        namespace=namespace_of(experiment),
        uid=uid,
        created_at=created_at(experiment),
        revision=parse_revision(experiment),
        phase=phase,
        icon=analysis_icon(phase),
        message=as_str(status.get("message")),
        replicasets=build_replicasets(uid, None, replicasets, pods),
        analysis_runs=build_analysis_runs(uid, runs),
    )


def build_experiments(
    owner: str,
    experiments: Sequence[Obj],
    replicasets: Sequence[Obj],
    runs: Sequence[Obj],
    pods: Sequence[Obj],
) -> tuple[ExperimentInfo, ...]:
    """Experiments owned by UID `owner`, revision descending then creation ascending."""
    if not owner:
        return ()
    infos = [
        experiment_info(exp, replicasets, runs, pods)
        for exp in experiments
        if owner_uid(exp, {owner})
    ]
    infos.sort(key=lambda exp: (-exp.revision, exp.created_at or EARLIEST))
    return tuple(infos)
