from __future__ import annotations

import pytest

from tests.mirror.helpers import eventually, start_mirror, timeline
from tests.mirror.walkthrough import (
    NAME,
    NS,
    deploy_the_demo,
    healthy,
    mirrored_healthy,
    paused_at,
    promote,
    rollout_reaches,
    set_image,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_the_timeline_records_each_stage_of_the_guides_walkthrough(make_simcluster):
    # 20× speed: each 1m pause of the guide lasts 3 s.
    cluster = make_simcluster(controllers=True, speed=20)
    deploy_the_demo(cluster)
    running = await start_mirror(cluster)
    try:
        await rollout_reaches(cluster, healthy)
        await mirrored_healthy()
        set_image(cluster, "argoproj/rollouts-demo:yellow")
        await rollout_reaches(cluster, paused_at(1))

        def the_pause_is_on_the_timeline():  # the operator sees it, then promotes
            assert "paused" in [e.kind for e in timeline(NS, NAME)]

        await eventually(the_pause_is_on_the_timeline)
        promote(cluster)
        await rollout_reaches(cluster, healthy, timeout=60)

        def the_whole_story_is_told():
            events = timeline(NS, NAME)
            kinds = [e.kind for e in events]
            assert kinds[0] == "created"
            update = events[kinds.index("update-started")]
            assert update.revision == 2
            pauses = [(e.step_index, e.data["reasons"]) for e in events if e.kind == "paused"]
            assert pauses == [(1, ["CanaryPauseStep"]), (3, ["CanaryPauseStep"]),
                              (5, ["CanaryPauseStep"]), (7, ["CanaryPauseStep"])]
            promoted = [e for e in events if e.kind == "promoted"]
            assert [e.step_index for e in promoted] == [1]  # the timed pauses end by themselves
            weights = [e.data["set_weight"] for e in events if e.kind == "weight-changed"]
            for weight in (20, 40, 60, 80, 100):
                assert weight in weights
            entered = {e.step_index for e in events if e.kind == "step-entered"}
            assert {1, 3, 5, 7} <= entered
            assert kinds[-1] == "completed" and events[-1].revision == 2
            assert kinds.index("update-started") < kinds.index("promoted") < len(kinds) - 1

        await eventually(the_whole_story_is_told)
    finally:
        await running.close()
