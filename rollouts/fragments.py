"""HTML fragments of the overview and detail pages, rendered from the read model.

Pure rendering (`render_to_string`, no database, no I/O): the views use these to build the
pages and the live publisher uses the very same functions for its out-of-band swaps, so a row
on first load and a row pushed over the websocket are byte-for-byte the same kind of thing.
Every fragment's root element carries its id from `rollouts.dom.dom_id` and an explicit
`hx-swap-oob` attribute.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from rollouts.actions import availability
from rollouts.dom import dom_id
from rollouts.keys import RolloutKey
from rollouts.present import (
    as_int,
    bluegreen_text,
    detail_url,
    dicts,
    experiment_view,
    labels_json,
    revision_view,
    route_bar,
    row_replicasets,
    run_view,
    status_look,
    step_sort_value,
    step_view,
    weight_bar,
)
from rollouts.readmodel import ClusterStatusData, DetailData, RowData

LIST_ID = "rollout-list"
# The UI verbs (rollouts.actions.availability.LABELS) the viewer may use in the rollout's
# namespace: rollouts.access.variants.controls.
Controls = frozenset[str]
DETAIL_PARTS = ("summary", "traffic", "steps", "containers", "revisions", "analysis",
                "experiments", "timeline", "actions")


def _common(key: RolloutKey, info: dict[str, Any]) -> dict[str, Any]:
    return {"key": key, "info": info, "url": detail_url(key), "look": status_look(info)}


def allowed(available: list[availability.Availability], controls: Controls
            ) -> list[availability.Availability]:
    """Only the buttons the viewer may press: the rest are not shown at all, not disabled."""
    return [a for a in available if a.action in controls]


def one_allowed(available: availability.Availability, controls: Controls
                ) -> availability.Availability | None:
    return available if available.action in controls else None


def row_context(row: RowData, controls: Controls) -> dict[str, Any]:
    info = row.info
    replicasets, hidden = row_replicasets(info)
    return {
        **_common(row.key, info),
        "id": dom_id("row", row.key),
        "changed": int(row.changed_at.timestamp()) if row.changed_at else 0,
        "changed_at": row.changed_at,
        "bluegreen": bluegreen_text(info),
        "labels": labels_json(info),
        "step_value": step_sort_value(info),
        "bar": weight_bar(info),
        "replicasets": replicasets,
        "hidden_replicasets": hidden,
        "actions": allowed(availability.quick_actions(info), controls),
    }


def overview_row(row: RowData, controls: Controls) -> str:
    """One overview row; its root is `#row--…` with `hx-swap-oob="true"`."""
    return render_to_string("rollouts/_row.html", row_context(row, controls))


def row_list(rows_html: Iterable[str]) -> str:
    """The whole list (`#rollout-list`): the page's first render and the live snapshot."""
    # The rows are templates' output, escaped already.
    body = mark_safe("".join(rows_html))
    return format_html('<div id="{}" class="rows" role="rowgroup" hx-swap-oob="true">{}</div>',
                       LIST_ID, body)


def inserted_row(row_html: str) -> str:
    """A new row for pages that do not have it yet: appended to the list, then sorted by JS.

    Takes rendered rows (one or several), like `row_list`.
    """
    return format_html('<div hx-swap-oob="beforeend:#{}">{}</div>', LIST_ID,
                       mark_safe(row_html))


def removed(element_id: str) -> str:
    """Deletes the element with this id from the page."""
    return format_html('<div id="{}" hx-swap-oob="delete"></div>', element_id)


LIVE_TEXT = {
    "live": "Live",
    "connecting": "Connecting…",
    "reconnecting": "Reconnecting…",
    "unreachable": "Cluster unreachable",
    "unknown": "Waiting for the watcher",
}


def live_status(status: ClusterStatusData) -> str:
    """The live indicator, `#live-status` (the browser adds "reconnecting" on its own)."""
    state = status.state if status.state in LIVE_TEXT else "unknown"
    missing = sorted(str(kind) for kind, value in status.kinds.items() if value == "missing")
    return render_to_string("rollouts/_live_status.html", {
        "status": status, "state": state, "text": LIVE_TEXT[state], "missing": missing})


def live_notice(text: str) -> str:
    """`#live-status` replaced by a notice about the socket itself (access changed, signed
    out): the last frame before the server closes it."""
    return render_to_string("rollouts/_live_status.html", {
        "status": {"message": text}, "state": "access", "text": text, "missing": []})


# --- detail page ---------------------------------------------------------------------------


def _pairs(mapping: Any) -> list[tuple[str, str]]:
    return sorted((str(k), str(v)) for k, v in mapping.items()) if isinstance(mapping, dict) else []


def _summary(detail: DetailData, controls: Controls) -> dict[str, Any]:
    info = detail.info
    replicas = info.get("replicas") if isinstance(info.get("replicas"), dict) else {}
    return {"bar": weight_bar(info), "replicas": replicas, "bluegreen": bluegreen_text(info),
            "actions": allowed(availability.rollout_actions(info), controls),
            # Each with its role; a row mirrored before summary_images existed has only images.
            "images": dicts(info.get("summary_images") or info.get("images")),
            "labels": _pairs(info.get("labels")), "annotations": _pairs(info.get("annotations")),
            "errors": [e for e in info.get("errors") or [] if isinstance(e, str)],
            "warnings": [w for w in info.get("warnings") or [] if isinstance(w, str)]}


def _traffic(detail: DetailData, controls: Controls) -> dict[str, Any]:
    traffic = detail.info.get("traffic") if isinstance(detail.info.get("traffic"), dict) else {}
    desired = as_int(traffic.get("desired_weight"))
    routes = [{**route, "bar": route_bar(route, desired, as_int(traffic.get("max_weight")))}
              for route in dicts(traffic.get("routes"))]
    return {"traffic": traffic, "routes": routes,
            "applied": traffic.get("applied") if isinstance(traffic.get("applied"), dict) else {},
            "services": dicts(traffic.get("services")),
            "vs_refs": dicts(traffic.get("virtualservices")),
            "rule": traffic.get("destination_rule"),
            "warnings": [w for w in traffic.get("warnings") or [] if isinstance(w, str)]}


def _steps(detail: DetailData, controls: Controls) -> dict[str, Any]:
    return {"steps": [step_view(step) for step in dicts(detail.info.get("steps"))]}


def _containers(detail: DetailData, controls: Controls) -> dict[str, Any]:
    info = detail.info
    set_image = availability.set_image(info)
    return {"containers": dicts(info.get("containers")),
            "init_containers": dicts(info.get("init_containers")),
            "set_image": one_allowed(set_image, controls), "no_containers": set_image.reason}


def _revisions(detail: DetailData, controls: Controls) -> dict[str, Any]:
    revisions = []
    for revision in dicts(detail.info.get("revisions")):
        number = as_int(revision.get("revision"))
        revisions.append({**revision_view(revision),
                          "rollback": one_allowed(availability.rollback(detail.info, number),
                                                  controls)})
    return {"revisions": revisions}


def _analysis(detail: DetailData, controls: Controls) -> dict[str, Any]:
    return {"runs": [run_view(run) for run in dicts(detail.info.get("analysis_runs"))]}


def _experiments(detail: DetailData, controls: Controls) -> dict[str, Any]:
    return {"experiments": [experiment_view(e) for e in dicts(detail.info.get("experiments"))]}


def _timeline(detail: DetailData, controls: Controls) -> dict[str, Any]:
    return {"events": detail.events}


def _actions(detail: DetailData, controls: Controls) -> dict[str, Any]:
    return {"records": detail.actions}


_PART_CONTEXT = {
    "summary": _summary, "traffic": _traffic, "steps": _steps, "containers": _containers,
    "revisions": _revisions, "analysis": _analysis, "experiments": _experiments,
    "timeline": _timeline, "actions": _actions,
}


def detail_part(detail: DetailData, part: str, controls: Controls) -> str:
    context = {**_common(detail.key, detail.info), "id": dom_id(part, detail.key),
               **_PART_CONTEXT[part](detail, controls)}
    return render_to_string(f"rollouts/_detail_{part}.html", context)


def detail_parts(detail: DetailData, controls: Controls) -> dict[str, str]:
    """Every part of the detail page, keyed by part name (summary, traffic, …), in page order,
    with the buttons of `controls` (the UI verbs the viewer may use in that namespace)."""
    return {part: detail_part(detail, part, controls) for part in DETAIL_PARTS}


def detail_fragments(detail: DetailData, controls: Controls) -> dict[str, str]:
    """Every part of the detail page, keyed by its DOM id, in page order."""
    return {dom_id(part, detail.key): html
            for part, html in detail_parts(detail, controls).items()}


def detail_deleted(key: RolloutKey, *, known: bool = True) -> str:
    """Replaces the detail page's summary (and its buttons) once the rollout is deleted.

    `known=False` says "not found" instead, for a rollout the mirror has never seen.
    """
    return render_to_string("rollouts/_detail_deleted.html",
                            {"key": key, "id": dom_id("summary", key), "known": known})


def action_records(key: RolloutKey, records: tuple[Any, ...]) -> str:
    """Just the action-records part, for the response to a button (no rollout info needed)."""
    return render_to_string("rollouts/_detail_actions.html",
                            {"key": key, "id": dom_id("actions", key), "records": records})
