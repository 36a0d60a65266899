"""The deploy/ manifests as kubectl renders them, and the grants their roles carry."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
OVERLAYS = ["base", "overlays/namespaced", "overlays/with-postgres-redis"]

# (apiGroup, resource, verb): everything the dashboard's ServiceAccount may do in the watched
# namespaces, and nothing more.
READ = ("get", "list", "watch")
NEEDED = {
    *((group, resource, verb) for group, resources in (
        ("argoproj.io", ("rollouts", "analysisruns", "experiments")),
        ("apps", ("replicasets",)),
        ("", ("pods", "services")),
        ("networking.istio.io", ("virtualservices", "destinationrules")),
    ) for resource in resources for verb in READ),
    *(("argoproj.io", resource, verb) for resource in ("rollouts", "rollouts/status")
      for verb in ("patch", "update")),
    ("", "events", "create"),
}
LEASE = {("coordination.k8s.io", "leases", verb) for verb in ("create", "get", "update")}


def kubectl() -> str:
    path = shutil.which("kubectl")
    if path is None:
        pytest.skip("kubectl is not on PATH")
    return path


def render(overlay: str) -> str:
    result = subprocess.run([kubectl(), "kustomize", str(DEPLOY / overlay)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def documents(overlay: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(render(overlay)) if doc]


def of_kind(docs: list[dict], kind: str) -> list[dict]:
    return [doc for doc in docs if doc["kind"] == kind]


def grants(role: dict) -> set[tuple[str, str, str]]:
    return {(group, resource, verb) for rule in role.get("rules", [])
            for group in rule.get("apiGroups", []) for resource in rule.get("resources", [])
            for verb in rule.get("verbs", [])}
