"""Shared by the mirror tests: run the real pipeline against a simcluster and compare."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from rollouts.errors import ClusterError
from rollouts.gateway import Gateway
from rollouts.kinds import ClusterConfig
from rollouts.mirror import Mirror
from rollouts.mirror_db import MODELS
from rollouts.models import ClusterStatus, Rollout, RolloutEvent
from rollouts.publish import RecordingPublisher
from rollouts.runtime import run_mirror
from rollouts.watcher import WatchOptions

CLUSTER = "test"
# Small timeouts and backoffs: failures heal in well under a second.
FAST = WatchOptions(timeout_seconds=5, request_timeout=15.0, inactivity=3.0, backoff_base=0.05,
                    backoff_cap=0.3, missing_retry=0.3, unreachable_after=2)


def config_for(cluster: Any) -> ClusterConfig:
    return ClusterConfig(kubeconfig=str(cluster.kubeconfig), request_timeout=5.0)


@dataclass
class RunningMirror:
    mirror: Mirror
    publisher: RecordingPublisher
    stop: asyncio.Event
    task: asyncio.Task

    async def close(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 15)


async def start_mirror(cluster: Any, *, namespaces: tuple[str, ...] = (),
                       batch_seconds: float = 0.05, options: WatchOptions = FAST,
                       reevaluate_seconds: float = 5.0) -> RunningMirror:
    publisher = RecordingPublisher()
    mirror = Mirror(CLUSTER, publisher, namespaces=namespaces, batch_seconds=batch_seconds,
                    reevaluate_seconds=reevaluate_seconds)
    stop = asyncio.Event()
    task = asyncio.create_task(
        run_mirror(stop, config=config_for(cluster), options=options, mirror=mirror)
    )
    return RunningMirror(mirror, publisher, stop, task)


async def eventually(check: Callable[[], Any], timeout: float = 10.0,
                     interval: float = 0.05) -> Any:
    """Call `check` (sync: in a thread, so it may use the ORM) until it stops failing."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check() if asyncio.iscoroutinefunction(check) else (
                await asyncio.to_thread(check))
            if isinstance(result, Awaitable):
                result = await result
            if result is not False:
                return result
            error = AssertionError(f"{check.__name__} stayed false")
        except (AssertionError, ObjectDoesNotExist) as exc:  # not there yet
            error = AssertionError(str(exc))
        if time.monotonic() > deadline:
            raise error
        await asyncio.sleep(interval)


def cluster_objects(cluster: Any) -> dict[str, dict[tuple[str, str], dict]]:
    """Every mirrored kind as the API serves it (over HTTP, like the watcher sees it)."""
    gateway = Gateway(config_for(cluster))
    try:
        return {
            kind: {(o["metadata"]["namespace"], o["metadata"]["name"]): o
                   for o in gateway.list(kind)[0]}
            for kind in MODELS
        }
    finally:
        gateway.close()


def mirrored_objects(cluster_name: str = CLUSTER) -> dict[str, dict[tuple[str, str], dict]]:
    return {
        kind: {(ns, name): raw for ns, name, raw in model.objects.filter(
            cluster=cluster_name).values_list("namespace", "name", "raw")}
        for kind, model in MODELS.items()
    }


def assert_mirror_equals(cluster: Any) -> None:
    try:
        expected = cluster_objects(cluster)
    except ClusterError as exc:  # e.g. a fault a test injected for the watcher
        raise AssertionError(f"cannot read the cluster: {exc}") from None
    actual = mirrored_objects()
    for kind in MODELS:
        missing = sorted(set(expected[kind]) - set(actual[kind]))
        extra = sorted(set(actual[kind]) - set(expected[kind]))
        assert not missing and not extra, f"{kind}: missing {missing[:5]}, extra {extra[:5]}"
        stale = [k for k in expected[kind] if expected[kind][k] != actual[kind][k]]
        assert not stale, f"{kind}: stale rows {stale[:5]}"


async def mirror_converges(cluster: Any, timeout: float = 15.0) -> None:
    def mirror_equals_cluster() -> None:
        assert_mirror_equals(cluster)

    await eventually(mirror_equals_cluster, timeout)


def rollout_row(namespace: str, name: str) -> Rollout:
    return Rollout.objects.get(cluster=CLUSTER, namespace=namespace, name=name)


def timeline(namespace: str, name: str) -> list[RolloutEvent]:
    return list(RolloutEvent.objects.filter(cluster=CLUSTER, namespace=namespace, name=name))


def cluster_status() -> ClusterStatus | None:
    return ClusterStatus.objects.filter(cluster=CLUSTER).first()
