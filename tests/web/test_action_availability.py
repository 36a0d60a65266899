"""Which buttons are enabled, rollout state by rollout state (rollouts/actions/availability.py)."""

from __future__ import annotations

import pytest

from rollouts.actions import availability
from tests.web.support import BEFORE_SCALE_DOWN, HEALTHY, PAUSED_STEP1, PAUSED_STEP3, info


def enabled(state: dict) -> set[str]:
    return {a.action for a in availability.rollout_actions(state) if a.enabled}


def reason(state: dict, action: str) -> str:
    found = availability.find(state, action)
    assert found is not None
    return found.reason


def test_a_canary_paused_at_a_pause_step_can_be_promoted_aborted_paused_and_restarted() -> None:
    assert enabled(info(PAUSED_STEP1)) == {"promote", "promote-full", "abort", "pause", "restart"}
    assert reason(info(PAUSED_STEP1), "promote") == "clear the pause (CanaryPauseStep) and continue"


def test_a_healthy_rollout_offers_only_pause_and_restart() -> None:
    assert enabled(info(HEALTHY)) == {"pause", "restart"}
    assert reason(info(HEALTHY), "abort") == "no update in progress"
    assert reason(info(HEALTHY), "promote-full") == "already fully promoted"
    assert reason(info(HEALTHY), "retry") == "only an aborted rollout can be retried"


def test_an_aborted_rollout_offers_retry_and_not_promote_or_abort() -> None:
    aborted = info(PAUSED_STEP1, abort=True, pauseConditions=None, controllerPause=None,
                   currentStepIndex=0)
    assert enabled(aborted) == {"promote-full", "retry", "restart"}
    assert reason(aborted, "promote") == "aborted: promote does nothing until you Retry"
    assert reason(aborted, "abort") == "already aborted"


def test_a_manually_paused_rollout_offers_resume_instead_of_pause_and_promote() -> None:
    paused = info(PAUSED_STEP1, spec={"paused": True})
    actions = [a.action for a in availability.rollout_actions(paused)]
    assert "resume" in actions and "pause" not in actions
    assert reason(paused, "promote") == "manually paused: Resume sends the same request"
    assert availability.find(paused, "pause").enabled is False  # type: ignore[union-attr]


def test_promote_waits_while_the_rollout_is_already_unpausing() -> None:
    unpausing = info(PAUSED_STEP1, pauseConditions=None, controllerPause=True)
    assert "promote" not in enabled(unpausing)
    assert reason(unpausing, "promote").startswith("already being promoted")


def test_a_canary_mid_step_can_be_promoted_to_skip_the_step() -> None:
    mid = info(PAUSED_STEP1, pauseConditions=None, controllerPause=None, currentStepIndex=2)
    assert "promote" in enabled(mid)
    assert reason(mid, "promote") == "skip the current step"


def test_restart_waits_for_a_pending_restart() -> None:
    pending = info(PAUSED_STEP3, spec={"restartAt": "2025-07-17T17:14:00Z"})
    assert "restart" not in enabled(pending)
    done = info(PAUSED_STEP3, spec={"restartAt": "2025-07-17T17:14:00Z"},
                restartedAt="2025-07-17T17:14:00Z")
    assert "restart" in enabled(done)


def test_a_blue_green_rollout_paused_for_promotion_can_be_promoted() -> None:
    assert {"promote", "promote-full", "abort"} <= enabled(info("bluegreen-paused.json"))


@pytest.mark.parametrize(("revision", "enabled_", "why"), [
    (2, False, "this is the newest revision"),
    (1, True, "put revision 1's pod template back"),
    (7, False, "no ReplicaSet is left for revision 7"),
    (None, False, "this revision has no number"),
])
def test_rollback_is_offered_on_older_revisions_that_still_have_a_replicaset(
        revision: int | None, enabled_: bool, why: str) -> None:
    found = availability.rollback(info(BEFORE_SCALE_DOWN), revision)
    assert (found.enabled, found.reason) == (enabled_, why)


def test_without_its_own_pod_template_there_is_no_rollback_or_set_image() -> None:
    state = info(PAUSED_STEP1)
    state["containers"] = []
    assert availability.set_image(state).enabled is False
    assert availability.rollback(state, 1).reason.startswith("no pod template")
    assert availability.set_image(info(PAUSED_STEP1)).enabled is True


def test_the_overview_offers_the_useful_enabled_actions_then_restart() -> None:
    quick = [a.action for a in availability.quick_actions(info(PAUSED_STEP1))]
    assert quick == ["promote", "abort", "restart"]
    assert [a.action for a in availability.quick_actions(info(HEALTHY))] == ["restart"]


def test_an_empty_or_odd_info_dict_gets_answers_not_errors() -> None:
    for state in ({}, {"pause_conditions": "x", "revisions": [1, None], "containers": {}}):
        assert len(availability.rollout_actions(state)) == 6
        assert availability.rollback(state, 1).enabled is False
    assert availability.find({}, "no-such-action") is None
