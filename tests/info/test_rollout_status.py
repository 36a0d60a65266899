"""Status and Message: upstream's client-side overrides and CalculateRolloutPhase, row by row."""

from __future__ import annotations

import pytest

from tests.info.support import Bundle, build, load

COMPLETED = "guide-5-completed.json"


def computed(bundle: Bundle) -> tuple[str, str]:
    """What we show when the controller has not written status.phase (pre-1.0 controllers)."""
    bundle.status.pop("phase", None)
    bundle.status.pop("message", None)
    info = build(bundle)
    return info.status, info.message


def healthy_canary() -> Bundle:
    return load(COMPLETED)


def paused_bluegreen_without_pause() -> Bundle:
    bundle = load("bluegreen-paused.json")
    bundle.status.pop("pauseConditions")
    bundle.status["controllerPause"] = False
    return bundle


def test_it_shows_the_phase_and_message_the_controller_wrote() -> None:
    info = build(load("guide-2-paused-step1.json"))
    assert (info.status, info.message, info.icon) == ("Paused", "CanaryPauseStep", "॥")


def test_it_says_the_spec_update_is_not_observed_while_generation_is_ahead() -> None:
    bundle = load(COMPLETED)
    bundle.rollout["metadata"]["generation"] = 3
    info = build(bundle)
    assert (info.status, info.message) == (
        "Progressing",
        "waiting for rollout spec update to be observed",
    )
    assert info.icon == "◌"


def test_a_legacy_hash_in_observed_generation_counts_as_observed() -> None:
    bundle = load(COMPLETED)
    bundle.status["observedGeneration"] = "6b8f7c9d4"
    assert build(bundle).status == "Healthy"


def test_it_says_waiting_for_unpause_when_pause_conditions_were_cleared() -> None:
    bundle = load("guide-2-paused-step1.json")
    bundle.status.pop("pauseConditions")  # what `promote` does; controllerPause is still true
    info = build(bundle)
    assert (info.status, info.message) == ("Progressing", "waiting for rollout to unpause")


def test_it_waits_for_the_referenced_workload_generation() -> None:
    bundle = load(COMPLETED)
    bundle.spec["workloadRef"] = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "demo"}
    bundle.rollout["metadata"]["annotations"]["rollout.argoproj.io/workload-generation"] = "4"
    bundle.status["workloadObservedGeneration"] = "3"
    assert build(bundle).message == (
        "waiting for rollout spec update to be observed for the reference workload"
    )
    bundle.status["workloadObservedGeneration"] = "4"
    assert build(bundle).status == "Healthy"


def test_an_invalid_spec_condition_degrades_the_rollout() -> None:
    bundle = healthy_canary()
    bundle.status["conditions"].append(
        {
            "type": "InvalidSpec",
            "status": "True",
            "reason": "InvalidSpec",
            "message": (
                'The Rollout "rollouts-demo" is invalid: spec.strategy.steps: Required value'
            ),
        }
    )
    assert computed(bundle) == (
        "Degraded",
        'InvalidSpec: The Rollout "rollouts-demo" is invalid: spec.strategy.steps: Required value',
    )


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("RolloutAborted", "Rollout aborted update to revision 2"),
        (
            "ProgressDeadlineExceeded",
            'ReplicaSet "rollouts-demo-5cf4fb69f8" has timed out progressing.',
        ),
    ],
)
def test_an_abort_or_deadline_condition_degrades_the_rollout(reason: str, message: str) -> None:
    bundle = healthy_canary()
    progressing = next(c for c in bundle.status["conditions"] if c["type"] == "Progressing")
    progressing.update(status="False", reason=reason, message=message)
    assert computed(bundle) == ("Degraded", f"{reason}: {message}")


def test_a_degrading_condition_beats_a_pause() -> None:
    bundle = load("guide-3-paused-step3.json")
    bundle.status["pauseConditions"][0]["reason"] = "InconclusiveAnalysisRun"
    progressing = next(c for c in bundle.status["conditions"] if c["type"] == "Progressing")
    progressing.update(reason="ProgressDeadlineExceeded", message="timed out")
    assert computed(bundle) == ("Degraded", "ProgressDeadlineExceeded: timed out")


def test_a_manual_pause_reads_manually_paused() -> None:
    bundle = healthy_canary()
    bundle.spec["paused"] = True
    assert computed(bundle) == ("Paused", "manually paused")
    assert build(bundle).paused is True


@pytest.mark.parametrize(
    "reason",
    ["CanaryPauseStep", "BlueGreenPause", "InconclusiveAnalysisRun", "InconclusiveExperiment"],
)
def test_each_pause_reason_becomes_the_message(reason: str) -> None:
    bundle = load("guide-3-paused-step3.json")
    bundle.status["pauseConditions"][0]["reason"] = reason
    assert computed(bundle) == ("Paused", reason)


def test_a_pending_restart_reads_rollout_is_restarting() -> None:
    bundle = healthy_canary()
    bundle.spec["restartAt"] = "2025-07-17T17:19:00Z"
    assert computed(bundle) == ("Progressing", "rollout is restarting")
    bundle.status["restartedAt"] = "2025-07-17T17:19:00Z"
    assert computed(bundle) == ("Healthy", "")


def test_too_few_updated_replicas_reads_more_replicas_need_to_be_updated() -> None:
    bundle = healthy_canary()
    bundle.status["updatedReplicas"] = 3
    assert computed(bundle) == ("Progressing", "more replicas need to be updated")


def test_a_missing_replica_count_defaults_to_one_desired_replica() -> None:
    bundle = healthy_canary()
    del bundle.spec["replicas"]
    bundle.status.update(updatedReplicas=1, availableReplicas=1, replicas=1)
    assert computed(bundle) == ("Healthy", "")
    assert build(bundle).replicas.desired == 1


def test_unavailable_updated_replicas_read_still_becoming_available() -> None:
    bundle = healthy_canary()
    bundle.status["availableReplicas"] = 3
    assert computed(bundle) == ("Progressing", "updated replicas are still becoming available")


def test_a_basic_canary_with_old_pods_reads_old_replicas_pending_termination() -> None:
    bundle = healthy_canary()
    del bundle.canary["trafficRouting"]
    bundle.status["replicas"] = 5
    assert computed(bundle) == ("Progressing", "old replicas are pending termination")


def test_old_pods_do_not_matter_for_a_traffic_routed_canary() -> None:
    bundle = healthy_canary()
    bundle.status["replicas"] = 8  # scale-down delay keeps the old stack around
    assert computed(bundle) == ("Healthy", "")


def test_an_unpromoted_canary_reads_waiting_for_all_steps() -> None:
    bundle = healthy_canary()
    bundle.status["stableRS"] = "76c569d8b"
    assert computed(bundle) == ("Progressing", "waiting for all steps to complete")


def test_a_fully_promoted_canary_is_healthy_with_no_message() -> None:
    assert computed(healthy_canary()) == ("Healthy", "")


def test_blue_green_before_cutover_reads_active_service_cutover_pending() -> None:
    assert computed(paused_bluegreen_without_pause()) == (
        "Progressing",
        "active service cutover pending",
    )


def test_blue_green_after_cutover_waits_for_post_promotion_analysis() -> None:
    bundle = paused_bluegreen_without_pause()
    bundle.status["blueGreen"]["activeSelector"] = bundle.status["currentPodHash"]
    bundle.spec["strategy"]["blueGreen"]["postPromotionAnalysis"] = {
        "templates": [{"templateName": "smoke"}]
    }
    assert computed(bundle) == ("Progressing", "waiting for analysis to complete")
    bundle.status["blueGreen"]["postPromotionAnalysisRunStatus"] = {"status": "Successful"}
    assert computed(bundle) == (
        "Progressing",
        "waiting for post-promotion verification to complete",
    )


def test_blue_green_without_post_analysis_waits_for_verification() -> None:
    bundle = paused_bluegreen_without_pause()
    bundle.status["blueGreen"]["activeSelector"] = bundle.status["currentPodHash"]
    assert computed(bundle) == (
        "Progressing",
        "waiting for post-promotion verification to complete",
    )


def test_promoted_blue_green_is_healthy() -> None:
    bundle = paused_bluegreen_without_pause()
    current = bundle.status["currentPodHash"]
    bundle.status["blueGreen"]["activeSelector"] = current
    bundle.status["stableRS"] = current
    assert computed(bundle) == ("Healthy", "")


@pytest.mark.parametrize(
    ("status", "message", "attention"),
    [
        ("Degraded", "RolloutAborted: x", True),
        ("Unknown", "", True),
        ("Paused", "CanaryPauseStep", False),
        ("Paused", "manually paused", True),
        ("Paused", "InconclusiveAnalysisRun", True),
        ("Progressing", "more replicas need to be updated", False),
        ("Healthy", "", False),
    ],
)
def test_needs_attention_follows_the_web_uis_rule(
    status: str, message: str, attention: bool
) -> None:
    bundle = healthy_canary()
    bundle.status.update(phase=status, message=message)
    assert build(bundle).needs_attention is attention
