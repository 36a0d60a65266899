"""The guard against simcluster: stale views are refused, and a double click or two operators at
once never skip two steps."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from rollouts.actions import expect_from_rollout, run_action
from rollouts.actions.service import ActionResult
from tests.actions.objects import paused_at_step_1, with_status
from tests.actions.support import KEY, MERGE, STATUS_PATH, seed, writes

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_view_of_an_earlier_step_is_refused(cluster: Any, gateway: Any) -> None:
    (stored,) = seed(cluster, paused_at_step_1())
    seen = expect_from_rollout(stored)
    gateway.patch("rollouts", "my-demo", "rollouts-demo",
                  {"status": {"currentStepIndex": 3}}, "merge", "status")
    cluster.clear_requests()
    result = run_action(gateway, KEY, "promote", {}, expect=seen)
    assert (result.ok, result.outcome, result.status_code) == (False, "refused", 409)
    assert result.message == "rollout moved on: it is at step 3/9 now, you saw 1/9"
    assert writes(cluster) == []


def test_a_view_from_before_an_abort_is_refused(cluster: Any, gateway: Any) -> None:
    (stored,) = seed(cluster, paused_at_step_1())
    seen = expect_from_rollout(stored)
    gateway.patch("rollouts", "my-demo", "rollouts-demo", {"status": {"abort": True}},
                  "merge", "status")
    cluster.clear_requests()
    result = run_action(gateway, KEY, "retry", {}, expect=seen.to_dict())
    assert result.status_code == 409
    assert "state changed since you saw it" in result.message
    assert writes(cluster) == []


def test_a_changed_resource_version_with_the_same_state_still_acts(cluster: Any,
                                                                   gateway: Any) -> None:
    (stored,) = seed(cluster, paused_at_step_1())
    seen = expect_from_rollout(stored)
    gateway.patch("rollouts", "my-demo", "rollouts-demo", {"status": {"readyReplicas": 4}},
                  "merge", "status")
    cluster.clear_requests()
    assert run_action(gateway, KEY, "promote", {}, expect=seen).ok
    assert writes(cluster) == [("PATCH", STATUS_PATH, MERGE, {"status": {"pauseConditions": None}})]


def test_a_double_click_promotes_once(cluster: Any, gateway: Any) -> None:
    (stored,) = seed(cluster, with_status(paused_at_step_1(), pauseConditions=None,
                                          controllerPause=None, currentStepIndex=2))
    seen = expect_from_rollout(stored)
    first = run_action(gateway, KEY, "promote", {}, expect=seen)
    second = run_action(gateway, KEY, "promote", {}, expect=seen)
    assert (first.ok, second.ok) == (True, False)
    assert second.message == "rollout moved on: it is at step 3/9 now, you saw 2/9"
    assert writes(cluster) == [
        ("PATCH", STATUS_PATH, MERGE, {"status": {"pauseConditions": None, "currentStepIndex": 3}})
    ]


def test_two_operators_promoting_at_once_send_one_patch(cluster: Any, gateway: Any) -> None:
    (stored,) = seed(cluster, paused_at_step_1())
    seen = expect_from_rollout(stored)
    results: list[ActionResult] = []
    start = threading.Barrier(4)

    def operator() -> None:
        start.wait()
        results.append(run_action(gateway, KEY, "promote", {}, expect=seen, source="ui"))

    threads = [threading.Thread(target=operator) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.outcome for r in results) == ["ok", "refused", "refused", "refused"]
    assert writes(cluster) == [("PATCH", STATUS_PATH, MERGE, {"status": {"pauseConditions": None}})]


def test_two_plain_promotes_without_expect_never_skip_a_step(cluster: Any,
                                                             gateway: Any) -> None:
    seed(cluster, paused_at_step_1())
    assert run_action(gateway, KEY, "promote", {}, source="cli").ok
    again = run_action(gateway, KEY, "promote", {}, source="cli")
    assert (again.ok, again.reason) == (False, "InProgress")
    assert len(writes(cluster)) == 1
