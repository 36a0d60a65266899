"""The Experiment controller: a ReplicaSet per template, analysis runs, duration, phase.

Simplification (documented): when an experiment finishes or is terminated its ReplicaSets are
scaled to zero at once (upstream waits scaleDownDelaySeconds) and template Services are deleted.
"""

from __future__ import annotations

import copy
from datetime import timedelta

from . import analysis_templates as tmpl
from .conditions import COMPLETED_PHASES
from .hashing import pod_template_hash
from .objects import (
    EXPERIMENT_NAME_ANNOTATION,
    EXPERIMENT_TEMPLATE_ANNOTATION,
    HASH_LABEL,
    as_dict,
    as_int,
    as_list,
    dig,
    format_time,
    name_of,
    owner_reference,
    parse_duration,
    parse_time,
)
from .rollout_analysis import create_with_collisions
from .runtime import Runtime

_ORDER = {"Successful": 0, "Running": 1, "Progressing": 2, "Inconclusive": 3, "Error": 4,
          "Failed": 5}


def reconcile_experiment(rt: Runtime, namespace: str, name: str) -> None:
    ex = rt.store.get("experiments", namespace, name)
    if ex is None:
        return
    status = copy.deepcopy(as_dict(ex.get("status")))
    templates = dig(ex, "spec", "templates")
    if not isinstance(templates, list) or not all(
            isinstance(t, dict) and isinstance(t.get("name"), str)
            and isinstance(t.get("template"), dict) for t in templates):
        status.update(phase="Error", message="Experiment spec invalid: every template needs a "
                                             "name and a pod template")
        _write(rt, ex, status)
        return
    now = rt.now()
    finished = status.get("phase") in COMPLETED_PHASES
    stopping = finished or dig(ex, "spec", "terminate") is True or _passed(ex, status, now)
    statuses = [_reconcile_template(rt, ex, t, status, stopping) for t in templates]
    status["templateStatuses"] = statuses
    if statuses and all(s["status"] == "Running" for s in statuses) and not status.get(
            "availableAt"):
        status["availableAt"] = format_time(now)
    if not finished:
        status["analysisRuns"] = _reconcile_analyses(rt, ex, status, stopping)
        _phase(ex, status)
    _write(rt, ex, status)
    remaining = _remaining(ex, status, now)
    if remaining is not None and status.get("phase") not in COMPLETED_PHASES:
        rt.requeue_after(("experiments", namespace, name), remaining)


def _write(rt: Runtime, ex: dict, status: dict) -> None:
    if status != ex.get("status"):
        rt.write("experiments", ex, lambda obj: obj.__setitem__("status", status))


def _duration(ex: dict) -> float | None:
    return parse_duration(dig(ex, "spec", "duration")) if dig(ex, "spec", "duration") else None


def _remaining(ex: dict, status: dict, now) -> float | None:
    duration, available = _duration(ex), parse_time(status.get("availableAt"))
    if duration is None or available is None:
        return None
    return max(0.0, (available + timedelta(seconds=duration) - now).total_seconds())


def _passed(ex: dict, status: dict, now) -> bool:
    remaining = _remaining(ex, status, now)
    return remaining is not None and remaining <= 0


def _reconcile_template(rt: Runtime, ex: dict, template: dict, status: dict,
                        stopping: bool) -> dict:
    rs = _ensure_rs(rt, ex, template)
    desired = 0 if stopping else as_int(template.get("replicas"), 1)
    if dig(rs, "spec", "replicas") != desired:
        rs = rt.write("replicasets", rs, lambda obj: obj["spec"].__setitem__("replicas", desired))
    service = _ensure_service(rt, ex, template, rs, stopping)
    previous = next((s for s in as_list(status.get("templateStatuses"))
                     if dig(s, "name") == template["name"]), {})
    available = as_int(dig(rs, "status", "availableReplicas"))
    if stopping:
        state = "Successful" if previous.get("status") in ("Running", "Successful") else \
            previous.get("status", "Failed")
    elif desired and available >= desired:
        state = "Running"
    else:
        state = "Progressing"
    found = {"name": template["name"], "replicas": as_int(dig(rs, "status", "replicas")),
             "updatedReplicas": as_int(dig(rs, "status", "replicas")),
             "readyReplicas": as_int(dig(rs, "status", "readyReplicas")),
             "availableReplicas": available, "status": state,
             "podTemplateHash": dig(rs, "metadata", "labels", HASH_LABEL, default=""),
             "lastTransitionTime": previous.get("lastTransitionTime") if previous.get(
                 "status") == state else rt.now_str()}
    if service:
        found["serviceName"] = service
    return found


def _ensure_rs(rt: Runtime, ex: dict, template: dict) -> dict:
    name = f"{name_of(ex)}-{template['name']}"
    namespace = dig(ex, "metadata", "namespace", default="")
    existing = rt.store.get("replicasets", namespace, name)
    if existing is not None:
        return existing
    pod_template = copy.deepcopy(template["template"])
    rs_hash = pod_template_hash(pod_template)
    pod_template.setdefault("metadata", {}).setdefault("labels", {})[HASH_LABEL] = rs_hash
    selector = copy.deepcopy(as_dict(template.get("selector")))
    selector.setdefault("matchLabels", {})[HASH_LABEL] = rs_hash
    body = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": name, "namespace": namespace,
                         "labels": dict(pod_template["metadata"]["labels"]),
                         "annotations": {EXPERIMENT_NAME_ANNOTATION: name_of(ex),
                                         EXPERIMENT_TEMPLATE_ANNOTATION: template["name"]},
                         "ownerReferences": [owner_reference(ex, "Experiment")]},
            "spec": {"replicas": 0, "selector": selector, "template": pod_template}}
    return rt.store.create("replicasets", body, namespace=namespace)


def _ensure_service(rt: Runtime, ex: dict, template: dict, rs: dict, stopping: bool) -> str:
    if not isinstance(template.get("service"), dict):
        return ""
    name = str(template["service"].get("name") or f"{name_of(ex)}-{template['name']}")
    namespace = dig(ex, "metadata", "namespace", default="")
    existing = rt.store.get("services", namespace, name)
    if stopping:
        if existing is not None:
            rt.store.delete("services", namespace, name)
        return ""
    if existing is None:
        ports = [{"name": p.get("name", f"port-{p.get('containerPort')}"),
                  "port": p.get("containerPort"), "targetPort": p.get("containerPort"),
                  "protocol": p.get("protocol", "TCP")}
                 for c in as_list(dig(rs, "spec", "template", "spec", "containers"))
                 for p in as_list(dig(c, "ports")) if isinstance(p, dict)]
        rt.store.create("services", {
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": namespace,
                         "ownerReferences": [owner_reference(ex, "Experiment")]},
            "spec": {"selector": dict(as_dict(dig(rs, "spec", "selector", "matchLabels"))),
                     "ports": ports or [{"port": 80, "protocol": "TCP", "targetPort": 80}]},
        }, namespace=namespace)
    return name


def _reconcile_analyses(rt: Runtime, ex: dict, status: dict, stopping: bool) -> list[dict]:
    namespace = dig(ex, "metadata", "namespace", default="")
    previous = {dig(a, "name"): a for a in as_list(status.get("analysisRuns"))}
    found = []
    for analysis in as_list(dig(ex, "spec", "analyses")):
        analysis = as_dict(analysis)
        entry = dict(previous.get(analysis.get("name"), {"name": analysis.get("name")}))
        run_name = entry.get("analysisRun")
        run = rt.store.get("analysisruns", namespace, run_name) if run_name else None
        if run is None and status.get("availableAt") and not stopping:
            try:
                run = _create_run(rt, ex, analysis)
            except tmpl.TemplateError as error:
                entry.update(phase="Error", message=str(error))
        if run is not None:
            if stopping and dig(run, "status", "phase") not in COMPLETED_PHASES:
                run = rt.write("analysisruns", run, lambda o: o["spec"].__setitem__(
                    "terminate", True))
            entry.update(analysisRun=name_of(run),
                         phase=dig(run, "status", "phase", default="Pending"))
            if dig(run, "status", "message"):
                entry["message"] = run["status"]["message"]
        entry.setdefault("phase", "Pending")
        found.append(entry)
    return found


def _create_run(rt: Runtime, ex: dict, analysis: dict) -> dict:
    namespace = dig(ex, "metadata", "namespace", default="")
    ref = {"templateName": analysis.get("templateName"), "clusterScope": analysis.get(
        "clusterScope")}
    templates = tmpl.load_templates(rt.store, namespace, [ref])
    args = tmpl.resolve_args(as_list(analysis.get("args")), None, None, None)
    metadata = as_dict(dig(ex, "spec", "analysisRunMetadata"))
    body = {"apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisRun",
            "metadata": {"name": f"{name_of(ex)}-{analysis.get('name')}", "namespace": namespace,
                         "labels": dict(as_dict(metadata.get("labels"))),
                         "annotations": dict(as_dict(metadata.get("annotations"))),
                         "ownerReferences": [owner_reference(ex, "Experiment")]},
            "spec": tmpl.run_spec(templates, args, {"dryRun": dig(ex, "spec", "dryRun")})}
    return create_with_collisions(rt.store, "analysisruns", body, namespace)


def _phase(ex: dict, status: dict) -> None:
    """calculateStatus: template phases, then analyses; required analyses can end it early."""
    if not status.get("phase"):
        status["phase"] = "Pending"
    states = [s["status"] for s in status["templateStatuses"]] or ["Successful"]
    worst = max(states, key=lambda s: _ORDER.get(s, 2))
    template_phase = {"Progressing": "Pending"}.get(worst, worst)
    runs = status.get("analysisRuns", [])
    run_phase = max((r["phase"] for r in runs), key=lambda p: _ORDER.get(p, 1),
                    default="Successful")
    run_phase = "Running" if run_phase == "Pending" else run_phase
    required = [r for a, r in zip(as_list(dig(ex, "spec", "analyses")), runs, strict=False)
                if dig(a, "requiredForCompletion") is True]
    required_done = bool(required) and all(r["phase"] == "Successful" for r in required)
    message = next((r.get("message", "") for r in runs if r["phase"] == run_phase), "")
    if template_phase in COMPLETED_PHASES:
        if template_phase == "Successful" and (run_phase in COMPLETED_PHASES or required):
            status["phase"], status["message"] = run_phase, message
        else:
            status["phase"] = template_phase
    elif run_phase in COMPLETED_PHASES and run_phase != "Successful":
        status["phase"], status["message"] = run_phase, message
    elif required_done:
        status["phase"] = "Successful"
    else:
        status["phase"] = template_phase
    if not status.get("message"):
        status.pop("message", None)
