"""What a rollout depends on, so the mirror knows which objects to watch."""

from __future__ import annotations

import pytest

from rollouts.info import (
    referenced_destinationrule,
    referenced_services,
    referenced_virtualservices,
)
from tests.info.support import PAUSED_STEP3, load


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("rollouts-demo-vsvc", ("my-demo", "rollouts-demo-vsvc")),
        ("rollouts-demo-vsvc.istio", ("istio", "rollouts-demo-vsvc")),
        ("vsvc.with.dots.istio", ("istio", "vsvc.with.dots")),
        ("rollouts-demo-vsvc.istio.cluster.local", ("istio", "rollouts-demo-vsvc")),
    ],
)
def test_a_virtualservice_reference_may_name_its_namespace(
    reference: str, expected: tuple[str, str]
) -> None:
    bundle = load(PAUSED_STEP3)
    bundle.canary["trafficRouting"]["istio"]["virtualService"]["name"] = reference
    assert referenced_virtualservices(bundle.rollout) == [expected]


def test_a_list_of_virtualservices_is_referenced_in_order_without_duplicates() -> None:
    bundle = load(PAUSED_STEP3)
    istio = bundle.canary["trafficRouting"]["istio"]
    istio["virtualServices"] = [{"name": "a"}, {"name": "b.other"}, {"name": "a"}]
    del istio["virtualService"]
    assert referenced_virtualservices(bundle.rollout) == [("my-demo", "a"), ("other", "b")]


def test_setting_both_virtualservice_forms_references_none_like_upstream() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.canary["trafficRouting"]["istio"]["virtualServices"] = [{"name": "b"}]
    assert referenced_virtualservices(bundle.rollout) == []


def test_the_destination_rule_is_in_the_rollout_namespace() -> None:
    bundle = load(PAUSED_STEP3)
    assert referenced_destinationrule(bundle.rollout) is None
    bundle.canary["trafficRouting"]["istio"]["destinationRule"] = {
        "name": "rollouts-demo-destrule",
        "canarySubsetName": "canary",
        "stableSubsetName": "stable",
    }
    assert referenced_destinationrule(bundle.rollout) == ("my-demo", "rollouts-demo-destrule")


def test_canary_ping_pong_and_blue_green_services_are_referenced() -> None:
    bundle = load(PAUSED_STEP3)
    assert referenced_services(bundle.rollout) == [
        ("my-demo", "rollouts-demo-canary"),
        ("my-demo", "rollouts-demo-stable"),
    ]
    bundle.canary["pingPong"] = {"pingService": "demo-ping", "pongService": "demo-pong"}
    assert ("my-demo", "demo-ping") in referenced_services(bundle.rollout)
    blue_green = load("bluegreen-paused.json").rollout
    assert referenced_services(blue_green) == [
        ("shop", "bluegreen-demo-active"),
        ("shop", "bluegreen-demo-preview"),
    ]


def test_a_rollout_without_traffic_routing_references_no_virtualservice() -> None:
    rollout = load("canary-analysis-step.json").rollout
    assert referenced_virtualservices(rollout) == []
    assert referenced_destinationrule(rollout) is None
    assert referenced_services(rollout) == []
