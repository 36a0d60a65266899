"""SetWeight and ActualWeight, computed exactly as upstream's RolloutInfo does."""

from __future__ import annotations

from tests.info.support import NOW_STEP3, PAUSED_STEP3, build, load


def test_set_weight_is_the_last_set_weight_at_or_before_the_current_step() -> None:
    assert build(load(PAUSED_STEP3), NOW_STEP3).set_weight == 40


def test_set_weight_is_zero_when_aborted() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.status["abort"] = True
    assert build(bundle, NOW_STEP3).set_weight == 0


def test_set_weight_is_zero_when_no_set_weight_precedes_the_step() -> None:
    bundle = load("canary-experiment-step.json")
    bundle.canary["steps"].pop(0)  # the experiment is now the first step
    bundle.status["currentStepIndex"] = 0
    assert build(bundle).set_weight == 0


def test_with_traffic_routing_actual_weight_is_what_the_controller_applied() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.status["canary"]["weights"]["canary"]["weight"] = 20  # controller still on step 0
    info = build(bundle, NOW_STEP3)
    assert (info.set_weight, info.actual_weight, info.weight_source) == (40, 20, "traffic-routing")


def test_without_applied_weights_actual_weight_falls_back_to_set_weight() -> None:
    bundle = load(PAUSED_STEP3)
    del bundle.status["canary"]["weights"]
    assert build(bundle, NOW_STEP3).actual_weight == 40


def test_without_traffic_routing_actual_weight_is_the_canarys_share_of_available_pods() -> None:
    bundle = load("canary-analysis-step.json")  # canary RS 1 available of 3 available overall
    info = build(bundle)
    assert (info.actual_weight, info.weight_source) == (33, "pod-ratio")
    assert info.traffic.routes == ()


def test_actual_weight_is_zero_when_nothing_is_available() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.status["availableReplicas"] = 0
    assert build(bundle, NOW_STEP3).actual_weight == 0


def test_max_traffic_weight_caps_both_weights_after_the_last_step() -> None:
    bundle = load("guide-5-completed.json")
    bundle.canary["trafficRouting"]["maxTrafficWeight"] = 1000
    info = build(bundle)
    assert (info.max_weight, info.set_weight, info.actual_weight) == (1000, 1000, 1000)


def test_applied_weights_are_read_on_the_max_traffic_weight_scale() -> None:
    bundle = load("canary-analysis-step.json")
    bundle.canary["trafficRouting"] = {"maxTrafficWeight": 1000, "nginx": {"stableIngress": "x"}}
    bundle.status["canary"]["weights"] = {"canary": {"weight": 250}, "stable": {"weight": 750}}
    info = build(bundle)
    assert (info.set_weight, info.actual_weight, info.max_weight) == (25, 250, 1000)


def test_blue_green_has_no_weights() -> None:
    info = build(load("bluegreen-paused.json"))
    assert (info.set_weight, info.actual_weight, info.weight_source) == (None, None, "")
