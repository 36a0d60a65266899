from __future__ import annotations

import asyncio
import dataclasses
import logging

import pytest

from tests.mirror.helpers import FAST, eventually, mirror_converges, start_mirror
from tests.mirror.objects import seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)
ROLLOUTS = "/apis/argoproj.io/v1alpha1/rollouts"


def watches_of(cluster, path: str) -> list[dict]:
    return [w["query"] for w in cluster.server.watch_requests.entries() if w["path"] == path]


async def test_it_watches_from_the_list_with_bookmarks_and_both_timeouts(simcluster):
    seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    listed_at = simcluster.store.resource_version
    running = await start_mirror(simcluster)
    try:
        await mirror_converges(simcluster)
        first = watches_of(simcluster, ROLLOUTS)[0]
        assert first["watch"] == "true" and first["allowWatchBookmarks"] == "true"
        assert first["timeoutSeconds"] == str(FAST.timeout_seconds)
        assert int(first["resourceVersion"]) >= listed_at
    finally:
        await running.close()


async def test_bookmarks_move_a_quiet_kinds_resume_point_forward(simcluster):
    tree = seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    running = await start_mirror(simcluster)
    try:
        await mirror_converges(simcluster)
        start = int(watches_of(simcluster, ROLLOUTS)[0]["resourceVersion"])
        for i in range(20):  # only pods change; the rollouts stream sees bookmarks alone
            simcluster.store.mutate("pods", "my-demo", tree["pods"][0]["metadata"]["name"],
                                    lambda p, i=i: p["metadata"]["labels"].update({"i": str(i)}))
        await asyncio.sleep(0.6)  # a few bookmark intervals
        simcluster.drop_watches(abrupt=False)

        def it_resumed_past_the_changes():
            resumed = watches_of(simcluster, ROLLOUTS)
            assert len(resumed) >= 2
            assert int(resumed[-1]["resourceVersion"]) >= start + 20

        await eventually(it_resumed_past_the_changes)
    finally:
        await running.close()


async def test_a_silent_stream_is_given_up_by_the_inactivity_watchdog(simcluster, caplog):
    seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo", replicas=1)
    simcluster.set_bookmark_interval(3600)  # a stream that says nothing, like a dead one
    caplog.set_level(logging.INFO, logger="rollouts.watcher")
    options = dataclasses.replace(FAST, inactivity=1.0)
    running = await start_mirror(simcluster, options=options)
    try:
        await mirror_converges(simcluster)
        await eventually(lambda: len(watches_of(simcluster, ROLLOUTS)) >= 3, timeout=15)
        assert any("nothing for" in r.getMessage() for r in caplog.records)
        # …and it still follows changes.
        simcluster.store.mutate("rollouts", "my-demo", "rollouts-demo",
                                lambda ro: ro["status"].update({"readyReplicas": 0}))
        await mirror_converges(simcluster)
    finally:
        await running.close()
