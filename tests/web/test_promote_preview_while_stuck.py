"""The promote dialog of a canary waiting for pods that do not come says which step promoting
skips, and why the pods are missing."""

from __future__ import annotations

from rollouts.actions.preview import describe
from rollouts.info import build_rollout_info
from tests.info.support import NOW_STEP3, PAUSED_STEP3, load

CANARY_RS = "rollouts-demo-5cf4fb69f8"
BAD = "argoproj/rollouts-demo:bad"


def _waiting_at_step_4(*, pull_fails: bool) -> dict:
    """Past the 1m pause, at setWeight 60: the canary wants 3 pods and has 2 available."""
    bundle = load(PAUSED_STEP3)
    bundle.status.update({"currentStepIndex": 4, "pauseConditions": None,
                          "controllerPause": None})
    rs = bundle.named("replicasets", CANARY_RS)
    rs["spec"]["replicas"] = 3
    rs["status"].update({"replicas": 3, "availableReplicas": 2, "readyReplicas": 2})
    pod = bundle.named("pods", "rollouts-demo-5cf4fb69f8-pc986")
    if pull_fails:
        status = next(c for c in pod["status"]["containerStatuses"]
                      if c["name"] == "rollouts-demo")
        status.update({"ready": False, "image": BAD, "state": {"waiting": {
            "reason": "ImagePullBackOff", "message": f'Back-off pulling image "{BAD}"'}}})
    return build_rollout_info(bundle.objects(), NOW_STEP3).to_dict()


def test_promote_while_canary_pods_cannot_start_names_the_skipped_step_and_the_cause():
    preview = describe(_waiting_at_step_4(pull_fails=True), "promote")
    assert preview.lines[0] == "Skips step 4/9 (Set Weight: 60%)."
    assert preview.notes[0] == (
        "Promoting skips step 4/9 (Set Weight: 60%) while its pods are not available "
        f"(canary not available: 1 pod ImagePullBackOff (rollouts-demo: {BAD})).")


def test_promote_while_canary_pods_are_still_coming_up_says_the_step_is_skipped():
    preview = describe(_waiting_at_step_4(pull_fails=False), "promote")
    assert preview.notes[0] == (
        "Promoting skips step 4/9 (Set Weight: 60%) while its pods are not available.")


def test_promote_at_a_pause_with_every_canary_pod_available_has_no_such_note():
    bundle = load(PAUSED_STEP3)
    preview = describe(build_rollout_info(bundle.objects(), NOW_STEP3).to_dict(), "promote")
    assert not any("while its pods" in note for note in preview.notes)
