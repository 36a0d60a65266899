"""What the confirmation dialogs say will happen (rollouts/actions/preview.py)."""

from __future__ import annotations

import pytest

from rollouts.actions.preview import describe
from tests.web.support import BEFORE_SCALE_DOWN, HEALTHY, PAUSED_STEP1, PAUSED_STEP3, info


def test_promote_at_the_first_pause_names_the_next_weight_and_the_extra_pod() -> None:
    preview = describe(info(PAUSED_STEP1), "promote")
    assert preview.summary == "canary 20% → 40%, 1 more pod"
    assert preview.lines == (
        "Clears the pause at step 1/9 (Pause).",
        "The controller then runs Set Weight: 40%.",
        "It stops at step 3/9 (Pause: 1m), which ends by itself after 1m.",
    )
    assert (preview.title, preview.confirm, preview.danger) == (
        "Promote rollouts-demo", "Promote", False)


def test_promote_at_a_timed_pause_skips_its_wait() -> None:
    preview = describe(info(PAUSED_STEP3), "promote")
    assert preview.summary == "canary 40% → 60%, 1 more pod"
    assert preview.lines[0] == "Clears the pause at step 3/9 (Pause: 1m)."


def test_promote_at_the_last_pause_says_the_update_completes() -> None:
    state = info(PAUSED_STEP3, currentStepIndex=7)
    preview = describe(state, "promote")
    assert preview.summary.endswith("→ 100%, 2 more pods")
    assert preview.lines[-1].startswith("Then the update completes")


def test_promote_mid_step_says_it_skips_the_step() -> None:
    state = info(PAUSED_STEP1, pauseConditions=None, controllerPause=None, currentStepIndex=2)
    assert describe(state, "promote").lines[0] == "Skips step 2/9 (Set Weight: 40%)."


def test_resume_of_a_hand_paused_canary_warns_that_upstream_also_skips_a_step() -> None:
    state = info(PAUSED_STEP1, spec={"paused": True}, pauseConditions=None,
                 controllerPause=None, currentStepIndex=2)
    preview = describe(state, "resume")
    assert (preview.title, preview.confirm) == ("Resume rollouts-demo", "Resume")
    assert preview.lines[0] == "Clears spec.paused (the manual pause)."
    assert "also skips the current step" in preview.notes[0]


def test_promote_full_goes_to_all_canary_pods() -> None:
    preview = describe(info(PAUSED_STEP1), "promote-full")
    assert preview.summary == "canary 20% → 100%, 3 more pods"
    assert "8 remaining steps" in preview.lines[0]


def test_promote_full_of_a_fully_promoted_rollout_says_only_the_unpause_is_sent() -> None:
    assert describe(info(HEALTHY), "promote-full").notes == (
        "Already fully promoted: only the unpause is sent.",)


def test_abort_sends_the_canary_weight_to_zero_and_is_dangerous() -> None:
    preview = describe(info(PAUSED_STEP3), "abort")
    assert preview.summary == "canary 40% → 0%, 2 pods fewer"
    assert preview.danger is True
    assert "Degraded" in preview.lines[-1]


def test_retry_starts_again_from_the_first_step() -> None:
    state = info(PAUSED_STEP1, abort=True, pauseConditions=None, currentStepIndex=0)
    preview = describe(state, "retry")
    assert preview.summary.startswith("canary 0% → 20%")
    assert preview.lines[0] == ("Clears the abort: the update to revision 2 starts again from "
                                "step 0/9 (Set Weight: 20%).")


def test_pause_and_restart_say_what_stays_the_same() -> None:
    assert describe(info(PAUSED_STEP3), "pause").summary == (
        "holds at step 3/9 with the canary at 40%")
    assert describe(info(PAUSED_STEP3), "restart").summary == "6 pods replaced one by one"


def test_set_image_names_the_container_change_and_the_new_update() -> None:
    preview = describe(info(HEALTHY), "set-image",
                       {"container": "rollouts-demo", "image": "argoproj/rollouts-demo:yellow"})
    assert preview.lines[0] == ("Container rollouts-demo: argoproj/rollouts-demo:blue → "
                                "argoproj/rollouts-demo:yellow.")
    assert preview.summary == "canary 0% → 20%, 1 more pod"


def test_set_image_to_the_running_image_says_nothing_changes() -> None:
    preview = describe(info(HEALTHY), "set-image",
                       {"container": "rollouts-demo", "image": "argoproj/rollouts-demo:blue"})
    assert "runs already" in preview.notes[0]


def test_rollback_to_the_stable_revision_skips_the_steps() -> None:
    preview = describe(info(PAUSED_STEP3), "rollback", {"revision": 1})
    assert preview.summary == "back to stable revision 1, steps skipped"
    assert "argoproj/rollouts-demo:blue" in preview.lines[0]
    assert preview.danger is True


def test_rollback_to_an_older_non_stable_revision_starts_a_new_update() -> None:
    preview = describe(info(BEFORE_SCALE_DOWN), "rollback", {"revision": 1})
    assert preview.summary == "canary 0% → 20%, 1 more pod"


def test_a_blue_green_promote_switches_the_active_service() -> None:
    preview = describe(info("bluegreen-paused.json"), "promote")
    assert preview.summary.startswith("preview revision")
    assert "active service switches" in preview.lines[1]


@pytest.mark.parametrize("action", ["promote", "promote-full", "abort", "retry", "pause",
                                    "resume", "restart", "rollback", "set-image"])
def test_every_action_has_a_preview_even_for_an_empty_info_dict(action: str) -> None:
    assert describe({}, action).title


def test_an_unknown_action_has_no_preview() -> None:
    with pytest.raises(ValueError, match="no preview"):
        describe({}, "explode")
