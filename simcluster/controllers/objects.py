"""Small, defensive helpers over plain Kubernetes objects (dicts that may hold anything)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

HASH_LABEL = "rollouts-pod-template-hash"
REVISION_ANNOTATION = "rollout.argoproj.io/revision"
REVISION_HISTORY_ANNOTATION = "rollout.argoproj.io/revision-history"
DESIRED_REPLICAS_ANNOTATION = "rollout.argoproj.io/desired-replicas"
WORKLOAD_GENERATION_ANNOTATION = "rollout.argoproj.io/workload-generation"
SCALE_DOWN_DEADLINE_ANNOTATION = "scale-down-deadline"
MANAGED_BY_ANNOTATION = "argo-rollouts.argoproj.io/managed-by-rollouts"
EXPERIMENT_NAME_ANNOTATION = "experiment.argoproj.io/name"
EXPERIMENT_TEMPLATE_ANNOTATION = "experiment.argoproj.io/template-name"

ARGO_API_VERSION = "argoproj.io/v1alpha1"


def dig(obj: Any, *path: str | int, default: Any = None) -> Any:
    """obj[path0][path1]... or default when any step is missing or of the wrong type."""
    value = obj
    for key in path:
        if isinstance(key, int):
            if not isinstance(value, list) or not -len(value) <= key < len(value):
                return default
        elif not isinstance(value, dict):
            return default
        value = value[key] if isinstance(key, int) else value.get(key)
        if value is None:
            return default
    return value


def as_int(value: Any, default: int = 0) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return default


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def meta(obj: Any) -> dict:
    return as_dict(obj.get("metadata")) if isinstance(obj, dict) else {}


def name_of(obj: dict) -> str:
    return str(meta(obj).get("name") or "")


def namespace_of(obj: dict) -> str:
    return str(meta(obj).get("namespace") or "")


def uid_of(obj: dict) -> str:
    return str(meta(obj).get("uid") or "")


def labels_of(obj: dict) -> dict[str, str]:
    return {str(k): str(v) for k, v in as_dict(meta(obj).get("labels")).items()}


def annotations_of(obj: dict) -> dict[str, str]:
    return {str(k): str(v) for k, v in as_dict(meta(obj).get("annotations")).items()}


def pod_hash(obj: dict | None) -> str:
    return labels_of(obj).get(HASH_LABEL, "") if obj else ""


def revision_of(obj: dict | None) -> int:
    return as_int(annotations_of(obj).get(REVISION_ANNOTATION), 0) if obj else 0


def controller_uid(obj: dict) -> str:
    for ref in as_list(meta(obj).get("ownerReferences")):
        if isinstance(ref, dict) and ref.get("controller") is True:
            return str(ref.get("uid") or "")
    return ""


def owner_reference(owner: dict, kind: str, api_version: str = ARGO_API_VERSION) -> dict:
    return {
        "apiVersion": api_version,
        "kind": kind,
        "name": name_of(owner),
        "uid": uid_of(owner),
        "controller": True,
        "blockOwnerDeletion": True,
    }


def selector_matches(selector: Any, labels: dict[str, str]) -> bool:
    """metav1.LabelSelector semantics; an empty or malformed selector matches nothing."""
    if not isinstance(selector, dict):
        return False
    match_labels = as_dict(selector.get("matchLabels"))
    expressions = as_list(selector.get("matchExpressions"))
    if not match_labels and not expressions:
        return False
    if any(labels.get(str(k)) != str(v) for k, v in match_labels.items()):
        return False
    return all(_expression_matches(expr, labels) for expr in expressions)


def _expression_matches(expr: Any, labels: dict[str, str]) -> bool:
    if not isinstance(expr, dict):
        return False
    key, operator = str(expr.get("key", "")), expr.get("operator")
    values = [str(v) for v in as_list(expr.get("values"))]
    if operator == "In":
        return labels.get(key) in values
    if operator == "NotIn":
        return labels.get(key) not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    return False


def format_selector(selector: Any) -> str:
    """metav1.FormatLabelSelector: the string form written into status.selector."""
    parts = [f"{k}={v}" for k, v in sorted(as_dict(dig(selector, "matchLabels")).items())]
    for expr in as_list(dig(selector, "matchExpressions")):
        if not isinstance(expr, dict):
            continue
        key, op = expr.get("key", ""), expr.get("operator")
        values = ",".join(sorted(str(v) for v in as_list(expr.get("values"))))
        parts.append({"In": f"{key} in ({values})", "NotIn": f"{key} notin ({values})",
                      "Exists": f"{key}", "DoesNotExist": f"!{key}"}.get(op, ""))
    return ",".join(p for p in parts if p)


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(value: Any) -> float | None:
    """Seconds for an int, a numeric string ("10") or a Go duration ("1m30s"); None if invalid."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value >= 0 else None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"\d+", text):
        return float(text)
    if not re.fullmatch(r"(\d+(?:\.\d+)?(ns|us|µs|ms|s|m|h))+", text):
        return None
    return sum(float(n) * _UNITS[u] for n, u in _DURATION_PART.findall(text))


def go_duration_string(seconds: float) -> str:
    """time.Duration.String() for whole seconds: 90 -> "1m30s", 60 -> "1m0s", 3600 -> "1h0m0s"."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{minutes}m{secs}s"
    return f"{secs}s"


def resolve_int_or_percent(value: Any, total: int, round_up: bool, default: Any) -> int | None:
    """intstr.GetValueFromIntOrPercent; None when the value is malformed."""
    if value is None:
        value = default
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        # Upstream uses the deprecated parser: any string is a percentage, "%" or not ("25").
        text = value.replace("%", "").strip()
        if text.isdigit():
            scaled = int(text) * total
            return -(-scaled // 100) if round_up else scaled // 100
    return None
