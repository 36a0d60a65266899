"""Display decisions for the templates: icons, bars, which ReplicaSets a row shows, sorting.

Pure functions over the info dict. The rules about rollouts live in the info model and in
`rollouts.actions.availability`; what is here only decides how things look (which icon a status
gets, how wide a bar is), so the templates can stay free of logic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from rollouts import paths
from rollouts.keys import RolloutKey

Info = dict[str, Any]

# status → (icon symbol in the sprite, CSS modifier); unknown phases get the question mark.
STATUS_LOOK = {
    "Healthy": ("i-healthy", "healthy"),
    "Progressing": ("i-progressing", "progressing"),
    "Paused": ("i-paused", "paused"),
    "Degraded": ("i-degraded", "degraded"),
}
STATUS_ORDER = ("Degraded", "Paused", "Progressing", "Healthy")
RS_LOOK = {
    "Healthy": ("i-healthy", "healthy"),
    "Progressing": ("i-progressing", "progressing"),
    "ScaledDown": ("i-scaled-down", "scaled-down"),
    "Degraded": ("i-degraded", "degraded"),
    "ReplicaFailure": ("i-degraded", "degraded"),
}
# Pod ui_class → how it looks (shape as well as colour, for colour-blind readers).
POD_CLASSES = frozenset({"success", "pending", "failure", "warning", "unknown"})


def as_int(value: Any, default: int | None = None) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in as_list(value) if isinstance(item, dict)]


def text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def rollout_path(key: RolloutKey) -> str:
    """`/rollouts/<ns>/<name>` inside the app (the page; with /ws in front, its websocket)."""
    # Quoted by hand: a name the API should never have accepted still makes a (dead) link
    # instead of a crash in URL reversing.
    return f"/rollouts/{quote(key.namespace, safe='')}/{quote(key.name, safe='')}"


def detail_url(key: RolloutKey) -> str:
    return paths.url(rollout_path(key))


@dataclass(frozen=True)
class StatusLook:
    status: str
    icon: str
    css: str
    message: str  # shown under the status ("" when there is nothing worth showing)


def status_look(info: Info) -> StatusLook:
    status = text(info.get("status")) or "Unknown"
    icon, css = STATUS_LOOK.get(status, ("i-unknown", "unknown"))
    message = text(info.get("message"))
    # Upstream hides the routine "CanaryPauseStep" message: the step column already says it.
    if message == "CanaryPauseStep":
        message = ""
    return StatusLook(status, icon, css, message)


def rs_look(status: Any) -> tuple[str, str]:
    return RS_LOOK.get(text(status), ("i-unknown", "unknown"))


def pod_class(pod: dict[str, Any]) -> str:
    ui_class = text(pod.get("ui_class"))
    return ui_class if ui_class in POD_CLASSES else "unknown"


@dataclass(frozen=True)
class WeightBar:
    stable: int  # percent of the bar (stable on the left)
    canary: int  # percent of the bar (canary on the right)
    marker: int | None  # left offset of the SetWeight marker, percent of the bar
    label: str  # "80/20"
    description: str  # for screen readers and tooltips


def _percent(value: int, maximum: int) -> int:
    return max(0, min(100, round(value * 100 / maximum)))


def weight_bar(info: Info) -> WeightBar | None:
    """Stable vs canary as the info model reports them (ActualWeight, SetWeight); canary only."""
    if info.get("strategy") != "Canary":
        return None
    maximum = as_int(info.get("max_weight"), 100) or 100
    actual = as_int(info.get("actual_weight"))
    desired = as_int(info.get("set_weight"))
    shown = actual if actual is not None else desired
    if shown is None:
        return None
    if info.get("fully_promoted") is True and not info.get("aborted"):
        # Stable and canary are the same ReplicaSet: all of the traffic is stable traffic.
        return WeightBar(100, 0, None, "stable", "fully promoted: all traffic to stable")
    canary = _percent(shown, maximum)
    description = f"stable {100 - canary}%, canary {canary}%"
    marker = None
    if desired is not None:
        marker = 100 - _percent(desired, maximum)
        description += f"; SetWeight {desired}%"
    return WeightBar(100 - canary, canary, marker, f"{100 - canary}/{canary}", description)


def bar_html(bar: WeightBar | None) -> SafeString:
    """The bar's markup: stable on the left, canary on the right, a tick at SetWeight.

    Sizes are classes of static/css/bars.css (one per whole percent): the CSP forbids style
    attributes."""
    if bar is None:
        return SafeString("")
    # Sent with every changed row: the title is the image's accessible name as well, and a
    # part of no width is left out. Sizes are classes (bars.css), as the CSP forbids styles.
    mark = format_html('<i class="wbar-mark pl-{}"></i>', _whole(bar.marker)) \
        if bar.marker is not None else ""
    stable = format_html('<span class="wbar-stable pw-{}"></span>', _whole(bar.stable)) \
        if bar.stable else ""
    canary = format_html('<span class="wbar-canary pw-{}"></span>', _whole(bar.canary)) \
        if bar.canary else ""
    return format_html('<span class="wbar" role="img" title="{}">{}{}{}</span>'
                       '<span class="wtext">{}</span>',
                       bar.description, stable, canary, mark, bar.label)


def _whole(percent: float) -> int:
    return max(0, min(100, round(percent)))


def route_bar(route: dict[str, Any], desired: int | None = None,
              maximum: int | None = None) -> WeightBar:
    """A VirtualService route's stable/canary split, with the SetWeight marker."""
    total = as_int(route.get("total_weight"), 0) or 100
    stable = as_int(route.get("stable_weight"), 0) or 0
    canary = as_int(route.get("canary_weight"), 0) or 0
    stable_pct, canary_pct = _percent(stable, total), _percent(canary, total)
    marker = 100 - _percent(desired, maximum or 100) if desired is not None else None
    description = f"VirtualService: stable {stable}, canary {canary}"
    if desired is not None:
        description += f"; SetWeight {desired}"
    return WeightBar(stable_pct, canary_pct, marker, f"{stable}/{canary}", description)


def short_image(image: str) -> str:
    """The last path segment ("argoproj/rollouts-demo:yellow" → "rollouts-demo:yellow")."""
    name, at, digest = image.partition("@")
    short = name.rsplit("/", 1)[-1]
    return f"{short}@{digest[:15]}" if at else short


def pod_dots(rs: dict[str, Any]) -> SafeString:
    """One dot per pod (shape and colour by state, the details in its tooltip).

    Built here rather than in a template loop: an overview re-renders these dots for every
    pod of every changed rollout, and the template engine is ten times slower at it.
    """
    # The dots sit in their ReplicaSet's line, whose title names it: a pod's own title gives
    # only what follows that prefix ("p0000", not "app-76c569d8b-p0000").
    prefix = f"{text(rs.get('name'))}-"
    dots = format_html_join("", '<i class="pod pod--{}{}" title="{} · {} · ready {}"></i>', (
        (pod_class(p), " pod--terminating" if p.get("terminating") is True else "",
         _unprefixed(text(p.get("name")), prefix), text(p.get("status")), text(p.get("ready")))
        for p in dicts(rs.get("pods"))))
    return format_html('<span class="pods">{}</span>', dots)


def _unprefixed(name: str, prefix: str) -> str:
    return name[len(prefix):] if len(name) > len(prefix) > 1 and name.startswith(prefix) else name


def rs_view(rs: dict[str, Any]) -> dict[str, Any]:
    """A ReplicaSet with what its line shows: short image, pod dots, status look."""
    images = [str(i) for i in as_list(rs.get("images"))]
    image = short_image(images[0]) if images else ""
    if len(images) > 1:
        image += f" +{len(images) - 1}"
    icon, css = rs_look(rs.get("status"))
    tags = [t for t in as_list(rs.get("tags")) if isinstance(t, str)]
    pods = [{**pod, "css": pod_class(pod)} for pod in dicts(rs.get("pods"))]
    return {**rs, "tags": tags, "image": image, "image_title": ", ".join(images), "pods": pods,
            "dots": pod_dots(rs), "icon": icon, "css": css}


def row_replicasets(info: Info) -> tuple[list[dict[str, Any]], int]:
    """The ReplicaSets a row shows (with pods or a role), newest first, and how many it hides."""
    shown, hidden = [], 0
    for rs in dicts(info.get("replicasets")):
        if as_list(rs.get("pods")) or as_list(rs.get("tags")) or as_int(rs.get("replicas")):
            shown.append(rs_view(rs))
        else:
            hidden += 1
    return shown, hidden


def bluegreen_text(info: Info) -> str:
    """"active #1 · preview #2" for blue-green rollouts ("" otherwise)."""
    if info.get("strategy") != "BlueGreen":
        return ""
    parts = []
    for role in ("active", "preview"):
        revisions = [str(rs.get("revision")) for rs in dicts(info.get("replicasets"))
                     if rs.get(role) is True]
        if revisions:
            parts.append(f"{role} #{', #'.join(revisions)}")
    return " · ".join(parts)


STEP_ICONS = {
    "setWeight": "i-step-setWeight", "pause": "i-step-pause", "analysis": "i-step-analysis",
    "experiment": "i-step-experiment", "setHeaderRoute": "i-step-route",
    "setMirrorRoute": "i-step-route",
}


def step_icon(kind: Any) -> str:
    return STEP_ICONS.get(text(kind), "i-step-other")


def labels_json(info: Info) -> str:
    labels = info.get("labels")
    clean = {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}
    return json.dumps(clean, sort_keys=True, separators=(",", ":"))


def step_sort_value(info: Info) -> float:
    """Progress through the steps as a fraction (-1 without steps), for sorting by step."""
    index, count = as_int(info.get("step_index")), as_int(info.get("step_count"), 0) or 0
    if index is None or not count:
        return -1.0
    return min(index, count) / count


def status_rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


RUN_LOOK = {
    "Successful": ("i-healthy", "healthy"),
    "Running": ("i-progressing", "progressing"),
    "Pending": ("i-progressing", "progressing"),
    "": ("i-progressing", "progressing"),
    "Inconclusive": ("i-unknown", "paused"),
    "Failed": ("i-degraded", "degraded"),
    "Error": ("i-warn", "degraded"),
}


def run_look(phase: Any) -> tuple[str, str]:
    """Analysis runs, metrics, measurements and experiments by phase."""
    return RUN_LOOK.get(text(phase), ("i-unknown", "unknown"))


def run_view(run: dict[str, Any]) -> dict[str, Any]:
    icon, css = run_look(run.get("phase"))
    metrics = []
    for metric in dicts(run.get("metrics")):
        m_icon, m_css = run_look(metric.get("phase"))
        measurements = [{**m, "look": run_look(m.get("phase"))[1]}
                        for m in dicts(metric.get("measurements"))]
        metrics.append({**metric, "icon": m_icon, "look": m_css,
                        "measurements": measurements})
    return {**run, "icon": icon, "look": css, "metrics": metrics}


def experiment_view(experiment: dict[str, Any]) -> dict[str, Any]:
    icon, css = run_look(experiment.get("phase"))
    return {**experiment, "icon": icon, "look": css,
            "replicasets": [rs_view(rs) for rs in dicts(experiment.get("replicasets"))],
            "analysis_runs": [run_view(r) for r in dicts(experiment.get("analysis_runs"))]}


def revision_view(revision: dict[str, Any]) -> dict[str, Any]:
    replicasets = [rs_view(rs) for rs in dicts(revision.get("replicasets"))]
    tags: list[str] = []
    for rs in replicasets:
        tags += [tag for tag in rs["tags"] if tag not in tags]
    return {**revision, "replicasets": replicasets, "tags": tags,
            "analysis_runs": [run_view(r) for r in dicts(revision.get("analysis_runs"))]}


def step_view(step: dict[str, Any]) -> dict[str, Any]:
    return {**step, "icon": step_icon(step.get("kind"))}
