from __future__ import annotations

import pytest

from tests.mirror.helpers import eventually, rollout_row, start_mirror, timeline
from tests.mirror.walkthrough import (
    NAME,
    NS,
    deploy_the_demo,
    healthy,
    mirrored_healthy,
    paused_at,
    rollout_reaches,
    set_abort,
    set_image,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_an_abort_and_a_retry_are_recorded(make_simcluster):
    cluster = make_simcluster(controllers=True, speed=30)
    deploy_the_demo(cluster)
    running = await start_mirror(cluster)
    try:
        await rollout_reaches(cluster, healthy)
        await mirrored_healthy()
        set_image(cluster, "argoproj/rollouts-demo:yellow")
        await rollout_reaches(cluster, paused_at(1))
        set_abort(cluster, True)
        await rollout_reaches(cluster, lambda s: s.get("phase") == "Degraded")

        def the_abort_is_recorded():
            kinds = [e.kind for e in timeline(NS, NAME)]
            assert "aborted" in kinds
            assert "degraded" not in kinds  # the abort already says it
            assert rollout_row(NS, NAME).phase == "Degraded"
            assert rollout_row(NS, NAME).needs_attention

        await eventually(the_abort_is_recorded)
        set_abort(cluster, False)
        await rollout_reaches(cluster, paused_at(1))

        def the_retry_is_recorded():
            events = timeline(NS, NAME)
            kinds = [e.kind for e in events]
            assert "retried" in kinds, kinds
            assert kinds.index("aborted") < kinds.index("retried")
            after = kinds[kinds.index("retried"):]
            assert "paused" in after
            assert rollout_row(NS, NAME).phase == "Paused"

        await eventually(the_retry_is_recorded)
    finally:
        await running.close()
