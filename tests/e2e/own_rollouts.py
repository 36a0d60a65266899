"""Rollouts a browser test makes for itself, in a namespace of its own, through the API."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from kubernetes import client as k8s

GROUP, VERSION, PLURAL = "argoproj.io", "v1alpha1", "rollouts"


@contextmanager
def own_namespace(kube: k8s.ApiClient, name: str) -> Iterator[str]:
    core = k8s.CoreV1Api(kube)
    core.create_namespace({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    try:
        yield name
    finally:
        core.delete_namespace(name)


def paused_rollout(kube: k8s.ApiClient, namespace: str, name: str, pauses: int) -> None:
    """A canary of nothing but indefinite pauses, updated so that it waits at step 0."""
    api = k8s.CustomObjectsApi(kube)
    labels = {"app": name}
    api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, {
        "apiVersion": f"{GROUP}/{VERSION}", "kind": "Rollout",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": 1, "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [
                {"name": "app", "image": "argoproj/rollouts-demo:blue"}]}},
            "strategy": {"canary": {"steps": [{"pause": {}}] * pauses}},
        },
    })
    # Updated only once the first revision is stable: a change the controller sees together
    # with the creation is the first deploy, which skips the steps.
    wait_for(lambda: _get(kube, namespace, name).get("status", {}).get("stableRS"),
             f"{namespace}/{name} to get a stable revision")
    api.patch_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, name, {
        "spec": {"template": {"spec": {"containers": [
            {"name": "app", "image": "argoproj/rollouts-demo:yellow"}]}}}})


def _get(kube: k8s.ApiClient, namespace: str, name: str) -> dict[str, Any]:
    return k8s.CustomObjectsApi(kube).get_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, name)


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.05)


def step_index(kube: k8s.ApiClient, namespace: str, name: str) -> int:
    return int(_get(kube, namespace, name)["status"]["currentStepIndex"])
