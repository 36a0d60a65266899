"""Upstream's promote decision table, row by row (plans.plan_promote / plan_promote_full)."""

from __future__ import annotations

import pytest

from rollouts.actions.errors import Refused
from rollouts.actions.plans import (
    generation_observed,
    plan_promote,
    plan_promote_full,
)
from tests.actions.objects import STABLE_HASH, paused_at_step_1, with_status


def test_it_only_clears_pause_conditions_at_a_pause_step() -> None:
    plan = plan_promote(paused_at_step_1())
    assert plan.status_patch == {"status": {"pauseConditions": None}}
    assert plan.main_patch is None
    assert plan.fallback_patch == {"spec": {"paused": False}, "status": {"pauseConditions": None}}
    assert plan.message == "rollout 'rollouts-demo' promoted"


def test_it_also_unpauses_a_rollout_paused_in_its_spec() -> None:
    rollout = paused_at_step_1()
    rollout["spec"]["paused"] = True
    plan = plan_promote(rollout)
    assert plan.status_patch == {"status": {"pauseConditions": None}}
    assert plan.main_patch == {"spec": {"paused": False}}


def test_it_bumps_the_step_of_a_canary_between_pauses() -> None:
    rollout = with_status(paused_at_step_1(), pauseConditions=None, controllerPause=None,
                          currentStepIndex=2)
    plan = plan_promote(rollout)
    assert plan.status_patch == {"status": {"pauseConditions": None, "currentStepIndex": 3}}
    assert plan.fallback_patch == {
        "spec": {"paused": False}, "status": {"pauseConditions": None, "currentStepIndex": 3}
    }


def test_it_resumes_and_skips_a_step_of_a_manually_paused_canary() -> None:
    rollout = with_status(paused_at_step_1(), pauseConditions=None, controllerPause=None,
                          currentStepIndex=4)
    rollout["spec"]["paused"] = True
    plan = plan_promote(rollout)
    assert plan.status_patch == {"status": {"pauseConditions": None, "currentStepIndex": 5}}
    assert plan.main_patch == {"spec": {"paused": False}}


def test_it_treats_a_missing_step_index_as_zero() -> None:
    rollout = with_status(paused_at_step_1(), pauseConditions=None, controllerPause=None,
                          currentStepIndex=None)
    assert plan_promote(rollout).status_patch == {
        "status": {"pauseConditions": None, "currentStepIndex": 1}
    }


def test_it_never_moves_past_the_last_step() -> None:
    rollout = with_status(paused_at_step_1(), pauseConditions=None, controllerPause=None,
                          currentStepIndex=9)
    assert plan_promote(rollout).status_patch == {
        "status": {"pauseConditions": None, "currentStepIndex": 9}
    }


def test_it_clears_controller_pause_and_advances_after_an_inconclusive_analysis() -> None:
    rollout = with_status(
        paused_at_step_1(), currentStepIndex=2,
        pauseConditions=[{"reason": "InconclusiveAnalysisRun",
                          "startTime": "2025-07-17T17:20:00Z"}],
        canary={"currentStepAnalysisRunStatus": {"name": "rollouts-demo-5cf4fb69f8-2-2",
                                                 "status": "Inconclusive"}},
    )
    plan = plan_promote(rollout)
    assert plan.status_patch == {
        "status": {"pauseConditions": None, "controllerPause": False, "currentStepIndex": 3}
    }
    # Upstream's unified fallback for this row is the plain one, without the step.
    assert plan.fallback_patch == {"spec": {"paused": False}, "status": {"pauseConditions": None}}


def test_it_clears_a_blue_green_pause() -> None:
    rollout = paused_at_step_1()
    rollout["spec"]["strategy"] = {"blueGreen": {"activeService": "a", "previewService": "p"}}
    rollout = with_status(rollout, currentStepIndex=None,
                          pauseConditions=[{"reason": "BlueGreenPause",
                                            "startTime": "2025-07-17T17:20:00Z"}])
    assert plan_promote(rollout).status_patch == {"status": {"pauseConditions": None}}


@pytest.mark.parametrize("strategy", [{"blueGreen": {"activeService": "a"}}, {"canary": {}}])
def test_it_sends_nothing_for_a_blue_green_or_stepless_canary_that_is_not_paused(
    strategy: dict,
) -> None:
    rollout = with_status(paused_at_step_1(), pauseConditions=None, controllerPause=None,
                          currentStepIndex=None)
    rollout["spec"]["strategy"] = strategy
    plan = plan_promote(rollout)
    assert plan.sends_nothing
    assert plan.message == "rollout 'rollouts-demo' promoted"


def test_it_refuses_to_promote_a_rollout_that_is_already_unpausing() -> None:
    rollout = with_status(paused_at_step_1(), pauseConditions=None)  # controllerPause still true
    with pytest.raises(Refused, match="already being promoted") as caught:
        plan_promote(rollout)
    assert caught.value.status_code == 409


def test_promote_full_sets_promote_full_while_the_canary_is_not_stable() -> None:
    plan = plan_promote_full(paused_at_step_1())
    assert plan.status_patch == {"status": {"promoteFull": True}}
    assert plan.main_patch is None
    assert plan.fallback_patch == {"spec": {"paused": False}, "status": {"promoteFull": True}}
    assert plan.message == "rollout 'rollouts-demo' fully promoted"


def test_promote_full_also_unpauses_a_paused_spec() -> None:
    rollout = paused_at_step_1()
    rollout["spec"]["paused"] = True
    assert plan_promote_full(rollout).main_patch == {"spec": {"paused": False}}


def test_promote_full_of_a_fully_promoted_rollout_sends_nothing() -> None:
    rollout = with_status(paused_at_step_1(), currentPodHash=STABLE_HASH)
    plan = plan_promote_full(rollout)
    assert plan.sends_nothing
    assert plan.message == "rollout 'rollouts-demo' fully promoted"


def test_promote_full_of_a_paused_fully_promoted_rollout_only_unpauses() -> None:
    rollout = with_status(paused_at_step_1(), currentPodHash=STABLE_HASH)
    rollout["spec"]["paused"] = True
    plan = plan_promote_full(rollout)
    assert (plan.status_patch, plan.main_patch) == (None, {"spec": {"paused": False}})


@pytest.mark.parametrize(
    ("observed", "generation", "expected"),
    [("2", 2, True), ("1", 2, False), ("3", 2, True), (1, 2, False), (None, 2, True),
     ("5cf4fb69f8", 2, True)],
    ids=["equal", "behind", "ahead", "behind-as-int", "missing", "legacy-hash"],
)
def test_it_knows_when_the_controller_has_observed_the_spec(
    observed: object, generation: int, expected: bool
) -> None:
    rollout = with_status(paused_at_step_1(), observedGeneration=observed)
    rollout["metadata"]["generation"] = generation
    assert generation_observed(rollout)[0] is expected


def test_it_promotes_a_canary_without_status_without_crashing() -> None:
    rollout = paused_at_step_1()
    rollout["status"] = "garbage"
    assert plan_promote(rollout).status_patch == {
        "status": {"pauseConditions": None, "currentStepIndex": 1}
    }
    assert plan_promote_full(rollout).sends_nothing
