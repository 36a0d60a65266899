"""The manager: one failing reconcile never stops the others; timers follow the clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from simcluster.clock import SimClock
from simcluster.controllers import ControllerManager, manager
from simcluster.seeds.manifests import rollout
from simcluster.store import Store
from tests.simcluster.ctrl_support import fast_options


def world() -> tuple[Store, SimClock]:
    clock = SimClock(speed=1.0, start=datetime(2025, 7, 16, tzinfo=UTC))
    store = Store(clock=clock.now)
    store.create("namespaces", {"metadata": {"name": "ns"}})
    return store, clock


async def test_a_failing_reconcile_is_retried_and_never_stops_the_loop(monkeypatch):
    store, clock = world()
    calls: list[str] = []
    original = manager.HANDLERS["rollouts"]

    def flaky(rt, namespace, name):
        calls.append(name)
        if name == "broken":
            raise RuntimeError("boom")
        original(rt, namespace, name)

    monkeypatch.setitem(manager.HANDLERS, "rollouts", flaky)
    for name in ("broken", "fine"):
        store.create("rollouts", rollout(name, "ns", 1, {"canary": {}}), namespace="ns")
    controllers = ControllerManager(store, clock, options=fast_options())
    task = asyncio.create_task(controllers.run())
    for _ in range(200):
        await asyncio.sleep(0.01)
        fine = store.get("rollouts", "ns", "fine").get("status", {})
        if fine.get("phase") == "Healthy":
            break
    assert store.get("rollouts", "ns", "fine")["status"]["phase"] == "Healthy"
    clock.advance(10)
    controllers.kick()
    await asyncio.sleep(0.3)
    assert calls.count("broken") >= 2  # retried with back-off, in simulated time
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_timer_fires_when_the_clock_is_advanced():
    store, clock = world()
    store.create("rollouts", rollout("app", "ns", 1, {"canary": {"steps": [
        {"pause": {"duration": "1h"}}]}}), namespace="ns")
    controllers = ControllerManager(store, clock, options=fast_options())
    task = asyncio.create_task(controllers.run())
    for _ in range(200):
        await asyncio.sleep(0.01)
        if store.get("rollouts", "ns", "app").get("status", {}).get("phase") == "Healthy":
            break
    store.mutate("rollouts", "ns", "app", lambda ro: ro["spec"]["template"]["spec"][
        "containers"][0].__setitem__("image", "argoproj/rollouts-demo:yellow"))
    for _ in range(200):
        await asyncio.sleep(0.01)
        if store.get("rollouts", "ns", "app")["status"].get("phase") == "Paused":
            break
    clock.advance(3601)  # no kick(): the manager notices on its own within its poll interval
    for _ in range(300):
        await asyncio.sleep(0.01)
        if store.get("rollouts", "ns", "app")["status"].get("phase") == "Healthy":
            break
    assert store.get("rollouts", "ns", "app")["status"]["phase"] == "Healthy"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
