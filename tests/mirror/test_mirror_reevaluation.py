from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest

from rollouts.mirror import Mirror
from rollouts.publish import RecordingPublisher
from rollouts.runtime import run_mirror
from tests.mirror.helpers import CLUSTER, FAST, config_for, eventually, rollout_row
from tests.mirror.objects import seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)
START = datetime(2025, 7, 16, 13, 45, tzinfo=UTC)


def paused_at_step_one_with_stale_traffic(ro: dict) -> None:
    """The controller says it applied 20% to the canary; the VirtualService still says 0%."""
    stamp = START.strftime("%Y-%m-%dT%H:%M:%SZ")
    ro["status"].update({
        "currentPodHash": "5cf4fb69f8", "currentStepIndex": 1, "phase": "Paused",
        "message": "CanaryPauseStep", "controllerPause": True,
        "pauseConditions": [{"reason": "CanaryPauseStep", "startTime": stamp}],
    })
    for condition in ro["status"]["conditions"]:
        condition["lastUpdateTime"] = stamp
    ro["status"]["canary"]["weights"]["canary"].update(podTemplateHash="5cf4fb69f8", weight=20)
    ro["status"]["canary"]["weights"]["stable"]["weight"] = 80


async def test_time_dependent_infos_are_reevaluated_without_a_cluster_event(simcluster):
    seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    simcluster.store.mutate("rollouts", "my-demo", "rollouts-demo",
                            paused_at_step_one_with_stale_traffic)
    now = [START + timedelta(seconds=1)]
    publisher = RecordingPublisher()
    mirror = Mirror(CLUSTER, publisher, batch_seconds=0.05, reevaluate_seconds=0.2,
                    clock=lambda: now[0])
    stop = asyncio.Event()
    task = asyncio.create_task(run_mirror(stop, config=config_for(simcluster), options=FAST,
                                          mirror=mirror))
    try:
        def within_the_grace_nothing_is_wrong_yet():
            info = rollout_row("my-demo", "rollouts-demo").info
            assert info["traffic"]["converged"] is False
            assert "but the controller last applied" not in json.dumps(info)

        await eventually(within_the_grace_nothing_is_wrong_yet)
        events_before = simcluster.store.resource_version
        now[0] = START + timedelta(minutes=1)  # time passes; the cluster stays silent

        def the_stale_traffic_is_flagged():
            info = rollout_row("my-demo", "rollouts-demo").info
            assert info["traffic"]["converged"] is True
            assert "but the controller last applied 20% to canary" in json.dumps(info)

        await eventually(the_stale_traffic_is_flagged)
        assert simcluster.store.resource_version == events_before
        assert publisher.batches[-1][0][0].name == "rollouts-demo"
    finally:
        stop.set()
        await task
