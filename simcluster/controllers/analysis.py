"""The AnalysisRun controller: measurements on schedule, assessed with upstream's rules.

No metric provider is contacted. A measurement is Successful unless the image under test is
unhealthy (ControllerOptions.unhealthy: an image "repo:tag" or a bare tag; defaults bad, fail,
crash) — the image of the run's canary ReplicaSet for a Rollout's runs, the experiment's template
images for an Experiment's. Measurements are taken at startedAt + initialDelay + k x interval; a
metric without interval measures once; count/failureLimit/inconclusiveLimit decide its phase.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .conditions import COMPLETED_PHASES
from .objects import (
    as_dict,
    as_int,
    as_list,
    controller_uid,
    dig,
    format_time,
    labels_of,
    name_of,
    parse_duration,
    parse_time,
    uid_of,
)
from .runtime import Runtime

_WORSE = {"Successful": 0, "Running": 1, "Pending": 1, "Inconclusive": 2, "Error": 3, "Failed": 4}


def reconcile_analysis_run(rt: Runtime, namespace: str, name: str) -> None:
    run = rt.store.get("analysisruns", namespace, name)
    if run is None or dig(run, "status", "phase") in COMPLETED_PHASES:
        return
    now = rt.now()
    metrics = dig(run, "spec", "metrics")
    status = dict(as_dict(run.get("status")))
    status.setdefault("startedAt", format_time(now))
    if not isinstance(metrics, list) or not metrics or not all(
            isinstance(m, dict) and isinstance(m.get("name"), str) for m in metrics):
        status.update(phase="Error", message="Analysis spec invalid: metrics must be a non-empty "
                                             "list of named metrics", completedAt=format_time(now))
        _write(rt, run, status)
        return
    healthy = images_healthy(rt, run)
    terminating = dig(run, "spec", "terminate") is True
    started = parse_time(status["startedAt"]) or now
    results = {r.get("name"): r for r in as_list(status.get("metricResults"))
               if isinstance(r, dict)}
    wake: float | None = None
    for metric in metrics:
        result, next_due = _measure(metric, results.get(metric["name"]), started, now, healthy,
                                    terminating)
        results[metric["name"]] = result
        if next_due is not None:
            wait = (next_due - now).total_seconds()
            wake = wait if wake is None else min(wake, wait)
    status["metricResults"] = [results[m["name"]] for m in metrics]
    _assess(run, status, metrics, terminating, now)
    _write(rt, run, status)
    if wake is not None and status.get("phase") not in COMPLETED_PHASES:
        rt.requeue_after(("analysisruns", namespace, name), max(0.0, wake))


def _write(rt: Runtime, run: dict, status: dict) -> None:
    if status != run.get("status"):
        rt.write("analysisruns", run, lambda obj: obj.__setitem__("status", status))


def _limits(metric: dict) -> tuple[int | None, int, int, int]:
    """(count or None = forever, failureLimit, inconclusiveLimit, consecutiveErrorLimit)."""
    interval = parse_duration(metric.get("interval"))
    count = as_int(metric.get("count"), 0) if metric.get("count") is not None else None
    if count is None and not interval:
        count = 1
    return (count, as_int(metric.get("failureLimit"), 0),
            as_int(metric.get("inconclusiveLimit"), 0),
            as_int(metric.get("consecutiveErrorLimit"), 4))


def _measure(metric: dict, result: dict | None, started: datetime, now: datetime,
             healthy: bool, terminating: bool) -> tuple[dict, datetime | None]:
    """Take the measurements that are due; returns the result and when the next one is due."""
    result = dict(result or {"name": metric["name"], "phase": "Pending", "measurements": []})
    measurements = list(as_list(result.get("measurements")))
    if result.get("phase") in COMPLETED_PHASES:
        return result, None
    count, _, _, _ = _limits(metric)
    interval = parse_duration(metric.get("interval")) or 0.0
    first = started + timedelta(seconds=parse_duration(metric.get("initialDelay")) or 0.0)
    while not terminating and (count is None or len(measurements) < count):
        due = first + timedelta(seconds=interval * len(measurements))
        if due > now:
            break
        measurements.append(_measurement(metric, due, healthy))
        result["measurements"] = measurements
        _tally(result, measurements)
        if _metric_phase(metric, result, False) in COMPLETED_PHASES:
            break
    result["measurements"] = measurements
    _tally(result, measurements)
    result["phase"] = _metric_phase(metric, result, terminating)
    if result["phase"] in COMPLETED_PHASES:
        return result, None
    return result, first + timedelta(seconds=interval * len(measurements))


def _measurement(metric: dict, at: datetime, healthy: bool) -> dict:
    stamp = format_time(at)
    found = {"phase": "Successful" if healthy else "Failed", "startedAt": stamp,
             "finishedAt": stamp}
    if "job" not in as_dict(metric.get("provider")):
        found["value"] = "1" if healthy else "0"
    return found


def _tally(result: dict, measurements: list[dict]) -> None:
    phases = [m.get("phase") for m in measurements]
    result["count"] = len(phases)
    result["successful"] = phases.count("Successful")
    result["failed"] = phases.count("Failed")
    result["inconclusive"] = phases.count("Inconclusive")
    result["error"] = phases.count("Error")
    streak = 0
    for phase in reversed(phases):
        if phase != "Successful":
            break
        streak += 1
    result["consecutiveSuccess"] = streak
    result["consecutiveError"] = 0
    for key in ("successful", "failed", "inconclusive", "error", "consecutiveSuccess",
                "consecutiveError"):
        if not result[key]:
            del result[key]


def failure_message(metric: dict, result: dict) -> tuple[str, str]:
    """assessMetricFailureInconclusiveOrError: (phase or "", reason text)."""
    _, failure_limit, inconclusive_limit, error_limit = _limits(metric)
    phase, message = "", ""
    if failure_limit >= 0 and result.get("failed", 0) > failure_limit:
        phase = "Failed"
        message = f"failed ({result['failed']}) > failureLimit ({failure_limit})"
    if result.get("inconclusive", 0) > inconclusive_limit:
        phase = "Inconclusive"
        message = (f"inconclusive ({result['inconclusive']}) > inconclusiveLimit "
                   f"({inconclusive_limit})")
    if result.get("consecutiveError", 0) > error_limit:
        phase = "Error"
        message = f"consecutiveErrors ({result['consecutiveError']}) > consecutiveErrorLimit " \
                  f"({error_limit})"
    return phase, message


def _metric_phase(metric: dict, result: dict, terminating: bool) -> str:
    if not result.get("measurements"):
        return "Successful" if terminating else "Pending"
    bad, _ = failure_message(metric, result)
    if bad:
        return bad
    count, failure_limit, _, _ = _limits(metric)
    success_limit = as_int(metric.get("consecutiveSuccessLimit"), 0)
    if success_limit > 0 and result.get("consecutiveSuccess", 0) >= success_limit:
        return "Successful"
    if count is not None and result.get("count", 0) >= count:
        # Count reached without the success streak: Inconclusive when a failure limit also
        # applies (and was not broken), Failed when only the streak was asked for.
        if success_limit > 0:
            return "Inconclusive" if failure_limit >= 0 else "Failed"
        return "Successful"
    return "Successful" if terminating else "Running"


def _assess(run: dict, status: dict, metrics: list[dict], terminating: bool,
            now: datetime) -> None:
    """assessRunStatus: the worst completed metric decides, once every metric completed."""
    dry = {str(dig(d, "metricName")) for d in as_list(dig(run, "spec", "dryRun"))}
    worst, message, done = "", "Run Terminated" if terminating else "", True
    summary = {"count": 0, "successful": 0, "failed": 0, "inconclusive": 0, "error": 0}
    for metric, result in zip(metrics, status["metricResults"], strict=True):
        phase = result.get("phase")
        dry_run = metric["name"] in dry or "*" in dry
        if not dry_run:
            summary["count"] += 1
        if phase not in COMPLETED_PHASES:
            done = False
            continue
        if dry_run:
            continue
        summary[{"Successful": "successful", "Failed": "failed", "Error": "error",
                 "Inconclusive": "inconclusive"}[phase]] += 1
        if not worst or _WORSE[phase] > _WORSE[worst]:
            worst = phase
            bad, why = failure_message(metric, result)
            if bad:
                message = f'Metric "{metric["name"]}" assessed {phase} due to {why}'
    status["runSummary"] = {k: v for k, v in summary.items() if v or k == "count"}
    if done or (terminating and worst):
        status["phase"] = worst or "Successful"
        if message:
            status["message"] = message
        status.setdefault("completedAt", format_time(now))
    else:
        status["phase"] = "Running"


def images_healthy(rt: Runtime, run: dict) -> bool:
    return all(rt.options.image_healthy(image) for image in images_under_test(rt, run))


def images_under_test(rt: Runtime, run: dict) -> list[str]:
    namespace = dig(run, "metadata", "namespace", default="")
    owner = controller_uid(run)
    kinds = {dig(r, "kind") for r in as_list(dig(run, "metadata", "ownerReferences"))}
    templates: list[dict] = []
    if "Experiment" in kinds:
        experiment = next((e for e in rt.read_only("experiments", namespace)
                           if uid_of(e) == owner), None)
        templates = [as_dict(dig(t, "template")) for t in as_list(dig(experiment, "spec",
                                                                      "templates"))]
    elif "Rollout" in kinds:
        wanted = labels_of(run).get("rollouts-pod-template-hash")
        templates = [as_dict(dig(rs, "spec", "template"))
                     for rs in rt.read_only("replicasets", namespace)
                     if controller_uid(rs) == owner and labels_of(rs).get(
                         "rollouts-pod-template-hash") == wanted]
    return [str(c.get("image")) for t in templates
            for c in as_list(dig(t, "spec", "containers")) if isinstance(c, dict)]


__all__ = ["failure_message", "images_under_test", "name_of", "reconcile_analysis_run"]
