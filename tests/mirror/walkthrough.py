"""Drive the guide's walkthrough through the simulated controllers, over HTTP like the CLI."""

from __future__ import annotations

import asyncio
from typing import Any

from rollouts.gateway import Gateway
from tests.mirror.helpers import config_for, eventually, rollout_row
from tests.mirror.objects import rollout, services, virtualservice

NS, NAME = "my-demo", "rollouts-demo"


def deploy_the_demo(cluster: Any) -> None:
    """`kubectl apply` of rollout.yaml, services.yaml and virtualsvc.yaml (no status yet)."""
    cluster.store.create("namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                        "metadata": {"name": NS}})
    for svc in services(NAME, NS, ""):
        del svc["spec"]["selector"]["rollouts-pod-template-hash"]
        cluster.store.create("services", svc)
    cluster.store.create("virtualservices", virtualservice(NAME, NS))
    manifest = rollout(NAME, NS)
    del manifest["status"]
    cluster.store.create("rollouts", manifest)


async def rollout_reaches(cluster: Any, predicate: Any, timeout: float = 30.0) -> dict:
    gateway = Gateway(config_for(cluster))
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        current = await asyncio.to_thread(gateway.get, "rollouts", NS, NAME)
        status = current.get("status") or {}
        if predicate(status):
            return current
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"the rollout never got there: {status}")
        await asyncio.sleep(0.1)


async def mirrored_healthy() -> None:
    """The mirror has seen the first deploy complete (what an operator would wait for)."""

    def row_is_healthy():
        assert rollout_row(NS, NAME).phase == "Healthy"

    await eventually(row_is_healthy)


def healthy(status: dict) -> bool:
    return status.get("phase") == "Healthy" and status.get("stableRS") == status.get(
        "currentPodHash") and status.get("currentStepIndex") == 9


def paused_at(step: int):
    return lambda status: bool(status.get("pauseConditions")) and status.get(
        "currentStepIndex") == step


def set_image(cluster: Any, image: str) -> None:
    """`kubectl apply -f rollout-update.yaml`: a new image in the pod template."""
    Gateway(config_for(cluster)).patch(
        "rollouts", NS, NAME,
        [{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": image}],
        "json",
    )


def promote(cluster: Any) -> None:
    """What `kubectl argo rollouts promote` sends for a rollout paused at a step."""
    Gateway(config_for(cluster)).patch(
        "rollouts", NS, NAME, {"status": {"pauseConditions": None}}, "merge", subresource="status"
    )


def set_abort(cluster: Any, abort: bool) -> None:
    """`kubectl argo rollouts abort` (True) and `retry rollout` (False)."""
    Gateway(config_for(cluster)).patch(
        "rollouts", NS, NAME, {"status": {"abort": abort}}, "merge", subresource="status"
    )
