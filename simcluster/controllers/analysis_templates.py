"""Building AnalysisRuns from (Cluster)AnalysisTemplates and arguments (utils/analysis)."""

from __future__ import annotations

import copy
import re
from typing import Any

from .objects import as_dict, as_list, dig, labels_of, name_of, pod_hash


class TemplateError(Exception):
    """A template is missing or an argument cannot be resolved."""


def load_templates(store: Any, namespace: str, refs: list, seen: set | None = None) -> list[dict]:
    """The templates named by `refs`, following nested `spec.templates`, each once."""
    seen = seen if seen is not None else set()
    found: list[dict] = []
    for ref in refs:
        name = str(dig(ref, "templateName", default=""))
        cluster = dig(ref, "clusterScope") is True
        key = (cluster, name)
        if key in seen:
            continue
        seen.add(key)
        template = (store.get("clusteranalysistemplates", None, name) if cluster
                    else store.get("analysistemplates", namespace, name))
        if template is None:
            kind = "ClusterAnalysisTemplate" if cluster else "AnalysisTemplate"
            raise TemplateError(f"{kind} '{name}' not found")
        found.append(template)
        found += load_templates(store, namespace, as_list(dig(template, "spec", "templates")), seen)
    return found


def resolve_args(args: list, rollout: dict | None, stable_rs: dict | None,
                 new_rs: dict | None) -> list[dict]:
    """Rollout-side arguments: literal values, pod-template hashes, rollout metadata fields."""
    resolved = []
    for arg in args:
        if not isinstance(arg, dict) or not isinstance(arg.get("name"), str):
            continue
        value = arg.get("value")
        source = as_dict(arg.get("valueFrom"))
        if source.get("podTemplateHashValue") == "Latest":
            value = pod_hash(new_rs)
        elif source.get("podTemplateHashValue") == "Stable":
            value = pod_hash(stable_rs)
        elif isinstance(dig(source, "fieldRef", "fieldPath"), str) and rollout is not None:
            value = field_value(rollout, source["fieldRef"]["fieldPath"])
        entry = {"name": arg["name"]}
        if value is not None:
            entry["value"] = str(value)
        resolved.append(entry)
    return resolved


def field_value(obj: dict, path: str) -> str:
    match = re.fullmatch(r"metadata\.(labels|annotations)\['([^']+)'\]", path)
    if match:
        source = labels_of(obj) if match.group(1) == "labels" else as_dict(
            dig(obj, "metadata", "annotations"))
        return str(source.get(match.group(2), ""))
    value: Any = obj
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return "" if value is None else str(value)


def merge_args(provided: list[dict], declared: list[dict]) -> list[dict]:
    """MergeArgs: template declarations filled in by the provided values; all must resolve."""
    values = {a["name"]: a for a in provided}
    merged = []
    for decl in declared:
        if not isinstance(decl, dict) or not isinstance(decl.get("name"), str):
            continue
        entry = copy.deepcopy(decl)
        given = values.get(decl["name"])
        if given is not None and "value" in given:
            entry["value"] = given["value"]
            entry.pop("valueFrom", None)
        if "value" not in entry and "valueFrom" not in entry:
            raise TemplateError(f"args.{decl['name']} was not resolved")
        merged.append(entry)
    return merged


def run_spec(templates: list[dict], args: list[dict], extra: dict | None = None) -> dict:
    """An AnalysisRun spec from flattened templates (metrics, merged args, dryRun, retention)."""
    metrics: list[dict] = []
    declared: list[dict] = []
    dry_run: list = []
    retention: list = []
    for template in templates:
        spec = as_dict(template.get("spec"))
        for metric in as_list(spec.get("metrics")):
            if isinstance(metric, dict) and all(m.get("name") != metric.get("name")
                                                for m in metrics):
                metrics.append(copy.deepcopy(metric))
        for arg in as_list(spec.get("args")):
            if isinstance(arg, dict) and all(a.get("name") != arg.get("name") for a in declared):
                declared.append(arg)
        dry_run += as_list(spec.get("dryRun"))
        retention += as_list(spec.get("measurementRetention"))
    body: dict[str, Any] = {"metrics": metrics}
    merged = merge_args(args, declared)
    if merged:
        body["args"] = merged
    extra = extra or {}
    if dry_run or extra.get("dryRun"):
        body["dryRun"] = [*as_list(extra.get("dryRun")), *dry_run]
    if retention or extra.get("measurementRetention"):
        body["measurementRetention"] = [*as_list(extra.get("measurementRetention")), *retention]
    return body


def template_names(templates: list[dict]) -> list[str]:
    return [name_of(t) for t in templates]
