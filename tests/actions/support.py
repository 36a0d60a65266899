"""Helpers for tests that run actions against simcluster over HTTP."""

from __future__ import annotations

from typing import Any

from rollouts.keys import RolloutKey
from tests.actions.objects import NAME, NAMESPACE

NAMESPACE_MANIFEST = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}}
KEY = RolloutKey("default", NAMESPACE, NAME)
ROLLOUT_PATH = f"/apis/argoproj.io/v1alpha1/namespaces/{NAMESPACE}/rollouts/{NAME}"
STATUS_PATH = ROLLOUT_PATH + "/status"
MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"


def seed(cluster: Any, *objects: dict[str, Any]) -> list[dict[str, Any]]:
    """Store the objects exactly as given (status included), then forget those writes."""
    stored = cluster.apply([NAMESPACE_MANIFEST, *objects])[1:]
    cluster.clear_requests()
    return stored


def writes(cluster: Any) -> list[tuple[str, str, str | None, Any]]:
    """(method, path, content type, body) of every write the API server answered."""
    return [(r["method"], r["path"], r["content_type"], r["body"]) for r in cluster.requests()]


def codes(cluster: Any) -> list[int]:
    return [r["code"] for r in cluster.requests()]


def live(cluster: Any, gateway: Any) -> dict[str, Any]:
    return gateway.get("rollouts", NAMESPACE, NAME)
