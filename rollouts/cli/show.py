"""`get rollout` and `list rollouts`: read the cluster through the gateway, render with the info
model's text renderers (the same text `kubectl argo rollouts` prints)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rollouts.errors import NotFound
from rollouts.gateway import Gateway
from rollouts.info import (
    ClusterObjects,
    build_rollout_info,
    referenced_destinationrule,
    referenced_services,
    referenced_virtualservices,
    render_list_text,
    render_rollout_text,
)

NAMESPACE_KINDS = ("replicasets", "pods", "analysisruns", "experiments")


def _list_or_empty(gateway: Gateway, kind: str, namespace: str) -> list[dict[str, Any]]:
    """A kind whose CRD is not installed (404) simply has no objects."""
    try:
        items, _ = gateway.list(kind, namespace)
    except NotFound:
        return []
    return items


def _get_each(gateway: Gateway, kind: str, refs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    found = []
    for namespace, name in refs:
        try:
            found.append(gateway.get(kind, namespace, name))
        except NotFound:
            continue  # the info model reports a missing reference itself
    return found


def collect_objects(gateway: Gateway, namespace: str, name: str) -> ClusterObjects:
    """The rollout and everything its info needs; NotFound if the rollout does not exist."""
    rollout = gateway.get("rollouts", namespace, name)
    owned = {kind: _list_or_empty(gateway, kind, namespace) for kind in NAMESPACE_KINDS}
    rule = referenced_destinationrule(rollout)
    return ClusterObjects(
        rollout=rollout,
        services=tuple(_get_each(gateway, "services", referenced_services(rollout))),
        virtualservices=tuple(
            _get_each(gateway, "virtualservices", referenced_virtualservices(rollout))
        ),
        destinationrules=tuple(_get_each(gateway, "destinationrules", [rule] if rule else [])),
        **{kind: tuple(items) for kind, items in owned.items()},
    )


def rollout_text(gateway: Gateway, namespace: str, name: str, now: datetime,
                 color: bool = False) -> str:
    info = build_rollout_info(collect_objects(gateway, namespace, name), now)
    return render_rollout_text(info, now, color=color)


def list_text(gateway: Gateway, namespace: str | None, now: datetime) -> str:
    """The table, or "" when there is nothing to list (the caller says so on stderr)."""
    items, _ = gateway.list("rollouts", namespace)
    rollouts = sorted(
        (item for item in items if isinstance(item, dict)),
        key=lambda ro: (str(ro.get("metadata", {}).get("namespace")),
                        str(ro.get("metadata", {}).get("name"))),
    )
    if not rollouts:
        return ""
    # Like upstream's list, the columns come from the Rollout object alone.
    infos = [build_rollout_info(ClusterObjects(rollout=ro), now) for ro in rollouts]
    return render_list_text(infos, show_namespace=namespace is None)
