"""Undo's pure half: which ReplicaSet, whether it already matches, and the JSON Patch."""

from __future__ import annotations

import pytest

from rollouts.actions.errors import BadInput, Refused
from rollouts.actions.undo import derivative, pick_replicaset, plan_undo, selector_string
from tests.actions.objects import (
    CANARY_HASH,
    STABLE_HASH,
    paused_at_step_1,
    pod_template,
    replicaset,
)

BLUE = "argoproj/rollouts-demo:blue"
YELLOW = "argoproj/rollouts-demo:yellow"


def _history() -> list[dict]:
    return [replicaset(1, STABLE_HASH, BLUE), replicaset(2, CANARY_HASH, YELLOW)]


def test_it_rolls_back_to_the_previous_revision_by_default() -> None:
    plan = plan_undo(paused_at_step_1(), _history(), 0)
    assert plan.main_patch_type == "json"
    assert plan.main_patch == [{"op": "replace", "path": "/spec/template",
                                "value": pod_template(BLUE)}]
    assert plan.status_patch is None
    assert plan.message == "rollout 'rollouts-demo' undo"


def test_the_restored_template_loses_only_the_pod_template_hash_label() -> None:
    value = plan_undo(paused_at_step_1(), _history(), 1).main_patch[0]["value"]
    assert value["metadata"]["labels"] == {"app": "rollouts-demo"}
    assert value["spec"]["containers"][0]["image"] == BLUE


def test_it_skips_a_rollback_to_the_template_already_in_the_spec() -> None:
    plan = plan_undo(paused_at_step_1(), _history(), 2)
    assert plan.sends_nothing
    assert plan.message == "skipped rollback (current template already matches revision 2)"


def test_fields_the_rollout_leaves_unset_do_not_count_as_differences() -> None:
    rollout = paused_at_step_1()
    del rollout["spec"]["template"]["spec"]["containers"][0]["resources"]
    rollout["spec"]["template"]["metadata"].pop("creationTimestamp")
    assert plan_undo(rollout, _history(), 2).sends_nothing


def test_an_unknown_revision_is_bad_input_with_upstreams_message() -> None:
    with pytest.raises(BadInput, match="unable to find specified revision 7 in history") as caught:
        plan_undo(paused_at_step_1(), _history(), 7)
    assert caught.value.status_code == 422


def test_a_rollout_without_a_previous_revision_is_refused() -> None:
    with pytest.raises(Refused, match='no revision found for rollout "rollouts-demo"'):
        plan_undo(paused_at_step_1(), [replicaset(2, CANARY_HASH, YELLOW)], 0)


def test_replicasets_the_rollout_does_not_control_are_ignored() -> None:
    history = [
        replicaset(1, STABLE_HASH, BLUE, owner_uid="someone-else"),
        replicaset(3, "aaaaaaaaa", "x:1", controller=False),
        replicaset(2, CANARY_HASH, YELLOW),
    ]
    with pytest.raises(Refused):
        pick_replicaset(paused_at_step_1(), history, 0)


def test_an_unparsable_revision_is_skipped_and_a_missing_one_is_zero() -> None:
    history = [replicaset("two", "bbbbbbbbb", "x:2"), replicaset(None, STABLE_HASH, BLUE),
               replicaset(2, CANARY_HASH, YELLOW)]
    picked, revision = pick_replicaset(paused_at_step_1(), history, 0)
    assert (picked["metadata"]["name"], revision) == (f"rollouts-demo-{STABLE_HASH}", 0)


def test_the_second_highest_revision_wins_whatever_the_order() -> None:
    history = [replicaset(3, "ccccccccc", "x:3"), replicaset(1, STABLE_HASH, BLUE),
               replicaset(2, CANARY_HASH, YELLOW)]
    assert pick_replicaset(paused_at_step_1(), history, 0)[1] == 2


def test_the_selector_is_built_from_match_labels_and_expressions() -> None:
    rollout = paused_at_step_1()
    rollout["spec"]["selector"] = {
        "matchLabels": {"app": "rollouts-demo"},
        "matchExpressions": [
            {"key": "tier", "operator": "In", "values": ["web", "api"]},
            {"key": "legacy", "operator": "DoesNotExist"},
        ],
    }
    assert selector_string(rollout) == "app=rollouts-demo,!legacy,tier in (api,web)"
    rollout["spec"].pop("selector")
    assert selector_string(rollout) is None


@pytest.mark.parametrize(
    ("seen", "other", "expected"),
    [
        ({}, {"a": 1}, True),
        ({"a": ""}, {"a": "x"}, True),
        ({"a": None}, {"a": 1}, True),
        ({"a": None}, {}, False),
        ({"a": 1}, {"a": 1.0}, False),
        ({"a": [1]}, {"a": [1, 2]}, True),
        ({"a": [1, 2]}, {"a": [1]}, False),
        ({"a": False}, {"a": False}, True),
        ({"a": False}, {}, False),
        ({"a": "x"}, {"a": "y"}, False),
    ],
)
def test_derivative_equality_follows_apimachinery(seen: dict, other: dict, expected: bool) -> None:
    assert derivative(seen, other) is expected


def test_a_rollout_with_a_workload_ref_is_not_rolled_back() -> None:
    rollout = paused_at_step_1()
    rollout["spec"]["workloadRef"] = {"apiVersion": "apps/v1", "kind": "Deployment",
                                      "name": "rollouts-demo"}
    with pytest.raises(BadInput, match="workloadRef"):
        plan_undo(rollout, _history(), 0)
