"""Every action leaves an ActionRecord: who, from where, what they saw, what was sent, outcome."""

from __future__ import annotations

from typing import Any

import pytest

from rollouts.actions import expect_from_rollout, run_action
from rollouts.models import ActionRecord
from tests.actions.objects import STABLE_HASH, paused_at_step_1, with_status
from tests.actions.support import KEY, STATUS_PATH, seed

pytestmark = pytest.mark.django_db


def test_a_successful_action_records_what_was_seen_and_sent(cluster: Any, gateway: Any) -> None:
    (stored,) = seed(cluster, paused_at_step_1())
    seen = expect_from_rollout(stored)
    result = run_action(gateway, KEY, "promote", {}, expect=seen, source="ui")
    record = ActionRecord.objects.get(pk=result.record_id)
    assert (record.cluster, record.namespace, record.name) == ("default", "my-demo",
                                                              "rollouts-demo")
    assert (record.actor, record.source, record.action) == ("anonymous", "ui", "promote")
    assert (record.outcome, record.message) == ("ok", "rollout 'rollouts-demo' promoted")
    assert record.params == {"full": False}
    assert record.seen["expect"] == seen.to_dict()
    assert record.seen["live"]["step"] == 1
    assert [(r["method"], r["path"], r["status"]) for r in record.requests][1] == (
        "PATCH", STATUS_PATH, 200)
    assert record.requests[1]["body"] == {"status": {"pauseConditions": None}}
    assert record.duration_ms >= 0


@pytest.mark.parametrize(
    ("action", "params", "outcome"),
    [("promote", {"full": True}, "noop"), ("undo", {"revision": -2}, "refused"),
     ("abort", {}, "error")],
)
def test_unsuccessful_and_empty_actions_are_recorded_too(
    cluster: Any, gateway: Any, action: str, params: dict, outcome: str
) -> None:
    seed(cluster, with_status(paused_at_step_1(), currentPodHash=STABLE_HASH))
    if outcome == "error":
        cluster.fail_next(500, method="PATCH")
    result = run_action(gateway, KEY, action, params, source="cli")
    record = ActionRecord.objects.get(pk=result.record_id)
    assert (record.outcome, record.source, record.action) == (outcome, "cli", action)
    assert record.message == result.message


def test_a_refusal_by_the_guard_is_recorded_with_both_views(cluster: Any,
                                                            gateway: Any) -> None:
    seed(cluster, paused_at_step_1())
    result = run_action(gateway, KEY, "abort", {},
                        expect={"resourceVersion": "1", "step": 0, "state": "x"})
    record = ActionRecord.objects.get(pk=result.record_id)
    assert record.outcome == "refused"
    assert record.seen["expect"] == {"resourceVersion": "1", "step": 0, "state": "x"}
    assert record.seen["live"]["step"] == 1
    assert [r["method"] for r in record.requests] == ["GET"]
