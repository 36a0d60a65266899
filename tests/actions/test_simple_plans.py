"""Abort, retry, pause, restart and set image: bodies, targets and messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from rollouts.actions.errors import BadInput
from rollouts.actions.plans import (
    plan_abort,
    plan_pause,
    plan_restart,
    plan_retry,
    plan_set_image,
)
from tests.actions.objects import paused_at_step_1


def test_abort_patches_status_and_falls_back_to_the_same_main_patch() -> None:
    plan = plan_abort(paused_at_step_1())
    assert plan.status_patch == plan.fallback_patch == {"status": {"abort": True}}
    assert plan.main_patch is None
    assert plan.message == "rollout 'rollouts-demo' aborted"


def test_retry_clears_abort_through_the_status_subresource() -> None:
    plan = plan_retry(paused_at_step_1())
    assert plan.status_patch == plan.fallback_patch == {"status": {"abort": False}}
    assert plan.message == "rollout 'rollouts-demo' retried"


def test_pause_sets_spec_paused() -> None:
    plan = plan_pause(paused_at_step_1())
    assert (plan.status_patch, plan.main_patch) == (None, {"spec": {"paused": True}})
    assert plan.message == "rollout 'rollouts-demo' paused"


def test_restart_stamps_utc_seconds() -> None:
    now = datetime(2025, 7, 17, 19, 30, 5, 999999, tzinfo=timezone(timedelta(hours=2)))
    plan = plan_restart(paused_at_step_1(), now)
    assert plan.main_patch == {"spec": {"restartAt": "2025-07-17T17:30:05Z"}}
    assert plan.message == "rollout 'rollouts-demo' restarts in 0s"


def test_restart_later_adds_the_delay() -> None:
    now = datetime(2025, 7, 17, 17, 30, 5, tzinfo=UTC)
    plan = plan_restart(paused_at_step_1(), now, 90, "90s")
    assert plan.main_patch == {"spec": {"restartAt": "2025-07-17T17:31:35Z"}}
    assert plan.message == "rollout 'rollouts-demo' restarts in 90s"


def test_set_image_puts_the_whole_object_back_with_one_image_changed() -> None:
    rollout = paused_at_step_1()
    plan = plan_set_image(rollout, "rollouts-demo", "argoproj/rollouts-demo:red")
    assert plan.replace is not None
    assert plan.replace["spec"]["template"]["spec"]["containers"][0]["image"] == (
        "argoproj/rollouts-demo:red"
    )
    containers = plan.replace["spec"]["template"]["spec"]["containers"]
    containers[0]["image"] = "argoproj/rollouts-demo:yellow"
    assert plan.replace == rollout  # nothing else changed, and the input was not touched
    assert plan.message == 'rollout "rollouts-demo" image updated'


def test_set_image_with_a_star_changes_every_container_including_init_ones() -> None:
    rollout = paused_at_step_1()
    rollout["spec"]["template"]["spec"]["initContainers"] = [{"name": "init", "image": "busybox"}]
    plan = plan_set_image(rollout, "*", "img:2")
    pod_spec = plan.replace["spec"]["template"]["spec"]
    assert [c["image"] for c in pod_spec["initContainers"] + pod_spec["containers"]] == [
        "img:2", "img:2"
    ]


def test_set_image_of_an_unknown_container_names_it() -> None:
    with pytest.raises(BadInput, match='unable to find container named "sidecar"'):
        plan_set_image(paused_at_step_1(), "sidecar", "img:2")
