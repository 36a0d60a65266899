"""Promote --full against simcluster: the patches, the no-call case, and waiting for the
controller to observe the latest spec."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from rollouts.actions import run_action
from tests.actions.objects import STABLE_HASH, paused_at_step_1, with_status
from tests.actions.support import KEY, MERGE, ROLLOUT_PATH, STATUS_PATH, seed, writes

pytestmark = pytest.mark.django_db


def test_it_sets_promote_full_on_status(cluster: Any, gateway: Any) -> None:
    seed(cluster, paused_at_step_1())
    result = run_action(gateway, KEY, "promote", {"full": True})
    assert result.message == "rollout 'rollouts-demo' fully promoted"
    assert writes(cluster) == [("PATCH", STATUS_PATH, MERGE, {"status": {"promoteFull": True}})]


def test_it_unpauses_a_paused_spec_after_the_status_patch(cluster: Any, gateway: Any) -> None:
    rollout = paused_at_step_1()
    rollout["spec"]["paused"] = True
    seed(cluster, rollout)
    run_action(gateway, KEY, "promote", {"full": True})
    assert writes(cluster) == [
        ("PATCH", STATUS_PATH, MERGE, {"status": {"promoteFull": True}}),
        ("PATCH", ROLLOUT_PATH, MERGE, {"spec": {"paused": False}}),
    ]


def test_a_fully_promoted_rollout_gets_no_call_and_the_same_message(cluster: Any,
                                                                    gateway: Any) -> None:
    seed(cluster, with_status(paused_at_step_1(), currentPodHash=STABLE_HASH,
                              pauseConditions=None, controllerPause=None, currentStepIndex=9))
    result = run_action(gateway, KEY, "promote", {"full": True})
    assert (result.ok, result.outcome) == (True, "noop")
    assert result.message == "rollout 'rollouts-demo' fully promoted"
    assert writes(cluster) == []


def test_it_falls_back_to_a_unified_main_patch(cluster: Any, gateway: Any) -> None:
    seed(cluster, paused_at_step_1())
    cluster.fail_next(404, path=r".*/status$")
    run_action(gateway, KEY, "promote", {"full": True})
    assert writes(cluster)[1] == (
        "PATCH", ROLLOUT_PATH, MERGE, {"spec": {"paused": False}, "status": {"promoteFull": True}}
    )


def _just_updated() -> dict[str, Any]:
    """Right after `set image`: generation 3 not yet observed, status still fully promoted."""
    rollout = with_status(paused_at_step_1(), currentPodHash=STABLE_HASH, observedGeneration="2",
                          pauseConditions=None, controllerPause=None, currentStepIndex=9)
    rollout["metadata"]["generation"] = 3
    return rollout


def test_it_waits_for_the_controller_to_observe_the_spec_before_deciding(
    cluster: Any, gateway: Any
) -> None:
    seed(cluster, _just_updated())

    def controller_catches_up() -> None:
        time.sleep(0.5)
        gateway.patch("rollouts", "my-demo", "rollouts-demo",
                      {"status": {"observedGeneration": "3", "currentPodHash": "6d4f8c9b7d",
                                  "currentStepIndex": 0}}, "merge", "status")

    helper = threading.Thread(target=controller_catches_up)
    helper.start()
    result = run_action(gateway, KEY, "promote", {"full": True})
    helper.join()
    assert (result.ok, result.outcome) == (True, "ok")
    assert writes(cluster)[-1] == ("PATCH", STATUS_PATH, MERGE,
                                   {"status": {"promoteFull": True}})
    assert len([r for r in result.requests if r["method"] == "GET"]) > 1  # it polled


def test_it_gives_up_with_a_clear_message_when_the_spec_is_never_observed(
    cluster: Any, gateway: Any, settings: Any
) -> None:
    settings.ROLLOUTS_PROMOTE_FULL_WAIT = 0.4
    seed(cluster, _just_updated())
    started = time.monotonic()
    result = run_action(gateway, KEY, "promote", {"full": True})
    assert time.monotonic() - started < 3
    assert (result.ok, result.outcome, result.status_code) == (False, "refused", 409)
    assert result.message == (
        "rollout 'rollouts-demo' was not promoted: the controller has not observed its latest "
        "spec after 0.4s (observedGeneration is 2, generation is 3); try again once it has"
    )
    assert writes(cluster) == []
