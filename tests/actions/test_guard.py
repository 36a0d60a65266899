"""The concurrency guard: the fingerprint (over the info dict) and the refusal of stale views."""

from __future__ import annotations

from typing import Any

import pytest

from rollouts.actions.errors import Refused
from rollouts.actions.guard import (
    Expect,
    check_expect,
    expect_from_info,
    expect_from_rollout,
    live_info,
    state_fingerprint,
)
from tests.actions.objects import STABLE_HASH, paused_at_step_1, with_status


def _fingerprint(rollout: dict[str, Any]) -> str:
    return state_fingerprint(live_info(rollout))


def _moved(rollout: dict[str, Any], rv: str = "107000") -> dict[str, Any]:
    rollout["metadata"]["resourceVersion"] = rv
    return live_info(rollout)


def test_the_fingerprint_ignores_replica_counts_and_resource_version() -> None:
    after = with_status(paused_at_step_1(), availableReplicas=4, readyReplicas=4)
    after["metadata"]["resourceVersion"] = "106999"
    assert _fingerprint(paused_at_step_1()) == _fingerprint(after)


@pytest.mark.parametrize(
    "change",
    [
        {"currentStepIndex": 2},
        {"pauseConditions": None},
        {"controllerPause": False},
        {"abort": True},
        {"currentPodHash": STABLE_HASH},
        {"stableRS": "5cf4fb69f8"},
    ],
)
def test_the_fingerprint_changes_with_what_actions_decide_on(change: dict) -> None:
    assert _fingerprint(paused_at_step_1()) != _fingerprint(
        with_status(paused_at_step_1(), **change)
    )


def test_the_fingerprint_changes_with_spec_paused_and_generation() -> None:
    paused, bumped = paused_at_step_1(), paused_at_step_1()
    paused["spec"]["paused"] = True
    bumped["metadata"]["generation"] = 3
    base = _fingerprint(paused_at_step_1())
    assert base != _fingerprint(paused)
    assert base != _fingerprint(bumped)


def test_the_fingerprint_of_a_malformed_rollout_or_info_is_still_a_fingerprint() -> None:
    assert len(_fingerprint({"status": [], "spec": "x", "metadata": None})) == 16
    assert len(state_fingerprint({"pause_conditions": "x", "step_index": True})) == 16


def test_the_ui_and_the_service_agree_on_the_fingerprint_through_json() -> None:
    import json

    stored = json.loads(json.dumps(live_info(paused_at_step_1())))  # as Rollout.info holds it
    assert expect_from_info(stored) == expect_from_rollout(paused_at_step_1())


def test_expect_carries_version_step_and_state() -> None:
    expect = expect_from_rollout(paused_at_step_1())
    assert (expect.resource_version, expect.step_index) == ("106554", 1)
    assert expect.to_dict() == {"resourceVersion": "106554", "step": 1,
                                "state": _fingerprint(paused_at_step_1())}


def test_an_unchanged_rollout_passes() -> None:
    check_expect(expect_from_rollout(paused_at_step_1()), live_info(paused_at_step_1()))
    check_expect(None, live_info(paused_at_step_1()))


def test_a_new_resource_version_with_the_same_step_and_state_passes() -> None:
    seen = expect_from_rollout(paused_at_step_1())
    check_expect(seen, _moved(with_status(paused_at_step_1(), availableReplicas=4)))


def test_a_rollout_at_another_step_is_refused_with_both_steps_named() -> None:
    seen = expect_from_rollout(paused_at_step_1())
    live = _moved(with_status(paused_at_step_1(), currentStepIndex=3))
    with pytest.raises(Refused, match=r"^rollout moved on: it is at step 3/9 now, you saw 1/9$"
                       ) as caught:
        check_expect(seen, live)
    assert caught.value.status_code == 409
    assert caught.value.reason == "MovedOn"


def test_a_rollout_whose_pause_was_cleared_is_refused() -> None:
    seen = expect_from_rollout(paused_at_step_1())
    with pytest.raises(Refused, match="state changed since you saw it"):
        check_expect(seen, _moved(with_status(paused_at_step_1(), pauseConditions=None)))


def test_only_a_resource_version_is_compared_strictly() -> None:
    with pytest.raises(Refused, match="resourceVersion is 107000 now, you saw 106554"):
        check_expect(Expect(resource_version="106554"), _moved(paused_at_step_1()))


def test_a_step_alone_is_enough_to_guard() -> None:
    live = live_info(paused_at_step_1())
    check_expect(Expect(step_index=1), live)
    with pytest.raises(Refused):
        check_expect(Expect(step_index=0), live)
