"""The cluster's live state (ClusterStatus fields) from the watcher's health of each kind."""

from __future__ import annotations

from typing import Any

# Worst first: the cluster's state is the worst of its kinds'.
STATE_ORDER = ("unreachable", "reconnecting", "connecting", "missing", "synced")


def _rank(state: str) -> int:
    # A state this module does not know is treated as trouble, never as health.
    return STATE_ORDER.index(state) if state in STATE_ORDER else 1


def cluster_health(health: dict[tuple[str, str | None], tuple[str, str]]
                   ) -> dict[str, Any]:
    """ClusterStatus fields from each (kind, scope)'s state."""
    kinds: dict[str, dict[str, str]] = {}
    for (kind, scope), (state, message) in sorted(health.items(), key=lambda i: str(i[0])):
        current = kinds.get(kind)
        if current is None or _rank(state) < _rank(current["state"]):
            text = f"{scope}: {message}" if scope and message else message
            kinds[kind] = {"state": state, "message": text}
    states = {entry["state"] for entry in kinds.values()}
    overall = next((s for s in STATE_ORDER[:3] if s in states), "live")
    problems = [f"{k}: {v['message']}" for k, v in kinds.items()
                if v["state"] == overall and v["message"]]
    missing = sorted(k for k, v in kinds.items() if v["state"] == "missing")
    if overall != "live":
        message = problems[0] if problems else ""
    else:
        message = f"not installed in the cluster: {', '.join(missing)}" if missing else ""
    return {"state": overall, "message": message, "kinds": kinds}
