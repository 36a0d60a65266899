"""Promote through the service against simcluster: the exact writes in its request log."""

from __future__ import annotations

from typing import Any

import pytest

from rollouts.actions import run_action
from tests.actions.objects import paused_at_step_1, with_status
from tests.actions.support import (
    KEY,
    MERGE,
    ROLLOUT_PATH,
    STATUS_PATH,
    codes,
    seed,
    writes,
)

pytestmark = pytest.mark.django_db


def test_promote_at_a_pause_step_only_clears_pause_conditions(cluster: Any, gateway: Any) -> None:
    seed(cluster, paused_at_step_1())
    result = run_action(gateway, KEY, "promote", {})
    assert (result.ok, result.outcome, result.status_code) == (True, "ok", 200)
    assert result.message == "rollout 'rollouts-demo' promoted"
    assert writes(cluster) == [
        ("PATCH", STATUS_PATH, MERGE, {"status": {"pauseConditions": None}}),
    ]
    assert "pauseConditions" not in gateway.get("rollouts", "my-demo", "rollouts-demo")["status"]


def test_promote_of_a_paused_spec_patches_status_first_then_spec(cluster: Any,
                                                                 gateway: Any) -> None:
    rollout = paused_at_step_1()
    rollout["spec"]["paused"] = True
    seed(cluster, rollout)
    run_action(gateway, KEY, "promote", {})
    assert writes(cluster) == [
        ("PATCH", STATUS_PATH, MERGE, {"status": {"pauseConditions": None}}),
        ("PATCH", ROLLOUT_PATH, MERGE, {"spec": {"paused": False}}),
    ]


def test_promote_between_pauses_bumps_the_step_index(cluster: Any, gateway: Any) -> None:
    seed(cluster, with_status(paused_at_step_1(), pauseConditions=None, controllerPause=None,
                              currentStepIndex=2))
    run_action(gateway, KEY, "promote", {})
    assert writes(cluster) == [
        ("PATCH", STATUS_PATH, MERGE,
         {"status": {"pauseConditions": None, "currentStepIndex": 3}}),
    ]


def test_promote_after_an_inconclusive_analysis_clears_controller_pause(
    cluster: Any, gateway: Any
) -> None:
    seed(cluster, with_status(
        paused_at_step_1(), currentStepIndex=2,
        pauseConditions=[{"reason": "InconclusiveAnalysisRun",
                          "startTime": "2025-07-17T17:20:00Z"}],
        canary={"currentStepAnalysisRunStatus": {"name": "rollouts-demo-5cf4fb69f8-2-2",
                                                 "status": "Inconclusive"}},
    ))
    run_action(gateway, KEY, "promote", {})
    assert writes(cluster) == [
        ("PATCH", STATUS_PATH, MERGE,
         {"status": {"pauseConditions": None, "controllerPause": False,
                     "currentStepIndex": 3}}),
    ]


def _blue_green(**status: Any) -> dict[str, Any]:
    rollout = paused_at_step_1()
    rollout["spec"]["strategy"] = {"blueGreen": {"activeService": "rollouts-demo-active",
                                                 "previewService": "rollouts-demo-preview"}}
    return with_status(rollout, currentStepIndex=None, canary=None, **status)


def test_promote_of_a_blue_green_pause_clears_it(cluster: Any, gateway: Any) -> None:
    seed(cluster, _blue_green(pauseConditions=[{"reason": "BlueGreenPause",
                                                "startTime": "2025-07-17T17:20:00Z"}]))
    run_action(gateway, KEY, "promote", {})
    assert writes(cluster) == [
        ("PATCH", STATUS_PATH, MERGE, {"status": {"pauseConditions": None}}),
    ]


def test_promote_of_a_running_blue_green_sends_nothing_but_says_promoted(
    cluster: Any, gateway: Any
) -> None:
    seed(cluster, _blue_green(pauseConditions=None, controllerPause=None))
    result = run_action(gateway, KEY, "promote", {})
    assert (result.ok, result.outcome) == (True, "noop")
    assert result.message == "rollout 'rollouts-demo' promoted"
    assert writes(cluster) == []


def test_promote_while_unpausing_is_refused_and_sends_nothing(cluster: Any,
                                                              gateway: Any) -> None:
    seed(cluster, with_status(paused_at_step_1(), pauseConditions=None))
    result = run_action(gateway, KEY, "promote", {})
    assert (result.ok, result.outcome, result.status_code) == (False, "refused", 409)
    assert "already being promoted" in result.message
    assert writes(cluster) == []


def test_a_missing_status_subresource_falls_back_to_one_main_patch(cluster: Any,
                                                                   gateway: Any) -> None:
    seed(cluster, paused_at_step_1())
    cluster.fail_next(404, path=r".*/status$")
    result = run_action(gateway, KEY, "promote", {})
    assert result.ok
    assert writes(cluster) == [
        ("PATCH", STATUS_PATH, MERGE, {"status": {"pauseConditions": None}}),
        ("PATCH", ROLLOUT_PATH, MERGE,
         {"spec": {"paused": False}, "status": {"pauseConditions": None}}),
    ]
    assert codes(cluster) == [404, 200]


def test_the_fallback_between_pauses_carries_the_step(cluster: Any, gateway: Any) -> None:
    seed(cluster, with_status(paused_at_step_1(), pauseConditions=None, controllerPause=None,
                              currentStepIndex=2))
    cluster.fail_next(404, path=r".*/status$")
    run_action(gateway, KEY, "promote", {})
    assert writes(cluster)[1] == (
        "PATCH", ROLLOUT_PATH, MERGE,
        {"spec": {"paused": False}, "status": {"pauseConditions": None, "currentStepIndex": 3}},
    )
