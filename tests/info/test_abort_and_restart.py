"""Abort, retry-able degradation and restart as the info model reports them."""

from __future__ import annotations

from rollouts.info import render_rollout_text
from tests.info.support import NOW_STEP3, PAUSED_STEP3, Bundle, at, build, load

ABORT_MESSAGE = "Rollout aborted update to revision 2"


def aborted() -> Bundle:
    """Stage 3 after `kubectl argo rollouts abort`, once the controller reacted."""
    bundle = load(PAUSED_STEP3)
    bundle.status.update(
        abort=True,
        abortedAt="2025-07-17T17:14:40Z",
        currentStepIndex=0,
        phase="Degraded",
        message=f"RolloutAborted: {ABORT_MESSAGE}",
        pauseConditions=None,
        controllerPause=False,
    )
    bundle.status["canary"]["weights"]["canary"]["weight"] = 0
    bundle.status["canary"]["weights"]["stable"]["weight"] = 100
    progressing = next(c for c in bundle.status["conditions"] if c["type"] == "Progressing")
    progressing.update(
        status="False",
        reason="RolloutAborted",
        message=ABORT_MESSAGE,
        lastUpdateTime="2025-07-17T17:14:40Z",
    )
    route = bundle.named("virtualservices", "rollouts-demo-vsvc")["spec"]["http"][0]["route"]
    route[0]["weight"], route[1]["weight"] = 100, 0
    bundle.named("services", "rollouts-demo-canary")["spec"]["selector"][
        "rollouts-pod-template-hash"
    ] = "76c569d8b"
    return bundle


def test_an_aborted_rollout_is_degraded_with_the_abort_message() -> None:
    info = build(aborted(), NOW_STEP3)
    assert (info.status, info.message, info.icon) == (
        "Degraded",
        f"RolloutAborted: {ABORT_MESSAGE}",
        "✖",
    )
    assert (info.aborted, info.aborted_at) == (True, at("2025-07-17T17:14:40Z"))
    assert info.needs_attention is True
    assert info.errors == (f"RolloutAborted: {ABORT_MESSAGE}",)


def test_an_aborted_rollout_sends_no_weight_to_the_canary() -> None:
    info = build(aborted(), NOW_STEP3)
    assert (info.step, info.set_weight, info.actual_weight) == ("0/9", 0, 0)
    assert info.traffic.desired_weight == 0
    assert info.traffic.warnings == ()  # canary Service back on stable is what abort does
    assert info.steps[0].state == "current"


def test_an_aborted_rollout_renders_its_message_line() -> None:
    text = render_rollout_text(build(aborted(), NOW_STEP3), NOW_STEP3)
    assert f"Message:         RolloutAborted: {ABORT_MESSAGE}\n" in text
    assert "  ActualWeight:  0\n" in text


def test_restart_times_are_parsed() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.spec["restartAt"] = "2025-07-17T17:14:00Z"
    bundle.status["restartedAt"] = "2025-07-17T17:14:30Z"
    info = build(bundle, NOW_STEP3)
    assert (info.restart_at, info.restarted_at) == (
        at("2025-07-17T17:14:00Z"),
        at("2025-07-17T17:14:30Z"),
    )


def test_promote_full_and_the_hashes_are_reported() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.status["promoteFull"] = True
    info = build(bundle, NOW_STEP3)
    assert (info.promote_full, info.current_pod_hash, info.stable_rs, info.fully_promoted) == (
        True,
        "5cf4fb69f8",
        "76c569d8b",
        False,
    )
    assert (info.observed_generation, info.generation) == ("2", 2)
    assert build(load("guide-5-completed.json")).fully_promoted is True
