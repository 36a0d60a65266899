"""`errors`: what an operator must act on, in upstream's words where upstream has them."""

from __future__ import annotations

from collections.abc import Sequence

from rollouts.info.access import Obj, as_dict, as_str, dicts
from rollouts.info.model import AnalysisRunInfo, ExperimentInfo, ReplicaSetInfo

_FAILED = ("Failed", "Error")


def _condition_errors(status: Obj) -> list[str]:
    errors = []
    for cond in dicts(status.get("conditions")):
        kind, reason, message = (as_str(cond.get(k)) for k in ("type", "reason", "message"))
        if kind == "InvalidSpec":
            errors.append(f"InvalidSpec: {message}")
        elif reason in ("RolloutAborted", "ProgressDeadlineExceeded"):
            errors.append(f"{reason}: {message}")
        elif kind == "ReplicaFailure" and cond.get("status") == "True":
            errors.append(f"ReplicaFailure: {message}")
    return errors


def _current_revision(status: Obj, replicasets: Sequence[ReplicaSetInfo]) -> int | None:
    current = as_str(status.get("currentPodHash"))
    for rs in replicasets:
        if current and rs.pod_template_hash == current:
            return rs.revision
    return max((rs.revision for rs in replicasets), default=None)


def _run_error(run: AnalysisRunInfo) -> str:
    detail = run.message or next((m.message for m in run.metrics if m.message), "")
    return f"AnalysisRun {run.name} {run.phase}" + (f": {detail}" if detail else "")


def rollout_errors(
    rollout: Obj,
    replicasets: Sequence[ReplicaSetInfo],
    experiments: Sequence[ExperimentInfo],
    runs: Sequence[AnalysisRunInfo],
) -> tuple[str, ...]:
    """Degrading conditions (InvalidSpec, aborts, progress deadline, ReplicaFailure) and failed
    or errored analysis/experiments of the current revision (older revisions are history)."""
    status = as_dict(rollout.get("status"))
    errors = _condition_errors(status)
    revision = _current_revision(status, replicasets)
    nested = [run for exp in experiments for run in exp.analysis_runs]
    for run in list(runs) + nested:
        if run.phase in _FAILED and run.revision == revision:
            errors.append(_run_error(run))
    for exp in experiments:
        if exp.phase in _FAILED and exp.revision == revision:
            errors.append(
                f"Experiment {exp.name} {exp.phase}" + (f": {exp.message}" if exp.message else "")
            )
    return tuple(dict.fromkeys(errors))
