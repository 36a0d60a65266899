"""AnalysisRuns: phase, counters, per-metric results with measurements, and the jobs they ran."""

from __future__ import annotations

from collections.abc import Sequence

from rollouts.info.access import (
    EARLIEST,
    Obj,
    as_dict,
    as_int,
    as_intstr,
    as_str,
    created_at,
    dicts,
    label,
    name_of,
    namespace_of,
    owner_uid,
    parse_int_text,
    parse_revision,
    parse_time,
    str_map,
    uid_of,
)
from rollouts.info.model import AnalysisRunInfo, JobInfo, MeasurementInfo, MetricInfo
from rollouts.info.status import (
    ICON_BAD,
    ICON_OK,
    ICON_PROGRESSING,
    ICON_UNKNOWN,
    ICON_WAITING,
    ICON_WARNING,
)

_ANALYSIS_ICONS = {
    "Successful": ICON_OK,
    "Inconclusive": ICON_UNKNOWN,
    "Failed": ICON_BAD,
    "Error": ICON_WARNING,
    "Running": ICON_PROGRESSING,
    "Pending": ICON_WAITING,
}
JOB_NAME_KEY = "job-name"
JOB_NAMESPACE_KEY = "job-namespace"


def analysis_icon(phase: str) -> str:
    """Icons for AnalysisRun, Experiment, Job and measurement phases."""
    return _ANALYSIS_ICONS.get(phase, " ")


def _measurement(raw: Obj) -> MeasurementInfo:
    value = raw.get("value")
    return MeasurementInfo(
        phase=as_str(raw.get("phase")),
        value=value if isinstance(value, str) else ("" if value is None else str(value)),
        message=as_str(raw.get("message")),
        started_at=parse_time(raw.get("startedAt")),
        finished_at=parse_time(raw.get("finishedAt")),
        metadata=str_map(raw.get("metadata")),
    )


def _provider(metric_spec: Obj) -> tuple[str, str]:
    """(provider kind, its query text if any) from `provider: {prometheus: {query: ...}}`."""
    provider = as_dict(metric_spec.get("provider"))
    kind = next((key for key, body in provider.items() if body is not None), "")
    body = as_dict(provider.get(kind))
    query = body.get("query") or body.get("url") or body.get("queries")
    return kind, query if isinstance(query, str) else ""


def _metric(result: Obj, spec: Obj) -> MetricInfo:
    kind, query = _provider(spec)
    return MetricInfo(
        name=as_str(result.get("name")) or as_str(spec.get("name")),
        phase=as_str(result.get("phase")),
        message=as_str(result.get("message")),
        count=as_int(result.get("count")) or 0,
        successful=as_int(result.get("successful")) or 0,
        failed=as_int(result.get("failed")) or 0,
        inconclusive=as_int(result.get("inconclusive")) or 0,
        error=as_int(result.get("error")) or 0,
        consecutive_error=as_int(result.get("consecutiveError")) or 0,
        measurements=tuple(_measurement(m) for m in dicts(result.get("measurements"))),
        success_condition=as_str(spec.get("successCondition")),
        failure_condition=as_str(spec.get("failureCondition")),
        failure_limit=as_intstr(spec.get("failureLimit")),
        inconclusive_limit=as_intstr(spec.get("inconclusiveLimit")),
        consecutive_error_limit=as_intstr(spec.get("consecutiveErrorLimit")),
        count_limit=as_intstr(spec.get("count")),
        interval=as_str(spec.get("interval")),
        provider=kind,
        query=query,
    )


def _metrics(run: Obj) -> tuple[MetricInfo, ...]:
    """One entry per spec metric (in spec order) plus any result without a spec entry."""
    specs = dicts(as_dict(run.get("spec")).get("metrics"))
    results = {
        as_str(r.get("name")): r for r in dicts(as_dict(run.get("status")).get("metricResults"))
    }
    metrics = [_metric(results.pop(as_str(s.get("name")), {}), s) for s in specs]
    metrics += [_metric(result, {}) for result in results.values()]
    return tuple(metrics)


def _jobs(run: Obj) -> tuple[JobInfo, ...]:
    jobs = []
    for result in dicts(as_dict(run.get("status")).get("metricResults")):
        for measurement in dicts(result.get("measurements")):
            metadata = str_map(measurement.get("metadata"))
            if JOB_NAME_KEY not in metadata:
                continue
            phase = as_str(measurement.get("phase"))
            jobs.append(
                JobInfo(
                    name=metadata[JOB_NAME_KEY],
                    namespace=metadata.get(JOB_NAMESPACE_KEY) or namespace_of(run),
                    status=phase,
                    icon=analysis_icon(phase),
                    metric_name=as_str(result.get("name")),
                    started_at=parse_time(measurement.get("startedAt")),
                )
            )
    return tuple(jobs)


def _counter(run: Obj, key: str) -> int:
    results = dicts(as_dict(run.get("status")).get("metricResults"))
    return sum(as_int(result.get(key)) or 0 for result in results)


def analysis_run_info(run: Obj) -> AnalysisRunInfo:
    status = as_dict(run.get("status"))
    phase = as_str(status.get("phase"))
    return AnalysisRunInfo(
        name=name_of(run),
        namespace=namespace_of(run),
        uid=uid_of(run),
        created_at=created_at(run),
        revision=parse_revision(run),
        phase=phase,
        icon=analysis_icon(phase),
        message=as_str(status.get("message")),
        successful=_counter(run, "successful"),
        failed=_counter(run, "failed"),
        inconclusive=_counter(run, "inconclusive"),
        error=_counter(run, "error"),
        rollout_type=label(run, "rollout-type"),
        step_index=parse_int_text(label(run, "step-index")),
        started_at=parse_time(status.get("startedAt")),
        completed_at=parse_time(status.get("completedAt")),
        metrics=_metrics(run),
        jobs=_jobs(run),
    )


def build_analysis_runs(owner: str, runs: Sequence[Obj]) -> tuple[AnalysisRunInfo, ...]:
    """Runs owned by UID `owner`: revision descending, creation ascending, name descending."""
    if not owner:
        return ()
    infos = [analysis_run_info(run) for run in runs if owner_uid(run, {owner})]
    infos.sort(key=lambda run: run.name, reverse=True)
    infos.sort(key=lambda run: (-run.revision, run.created_at or EARLIEST))
    return tuple(infos)
