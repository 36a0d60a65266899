"""Undo and set image against simcluster: a JSON Patch of /spec/template, and GET + PUT."""

from __future__ import annotations

from typing import Any

import pytest

from rollouts.actions import run_action
from tests.actions.objects import (
    CANARY_HASH,
    STABLE_HASH,
    paused_at_step_1,
    pod_template,
    replicaset,
)
from tests.actions.support import JSON_PATCH, KEY, ROLLOUT_PATH, codes, seed, writes

pytestmark = pytest.mark.django_db

BLUE, YELLOW = "argoproj/rollouts-demo:blue", "argoproj/rollouts-demo:yellow"


def _seed_history(cluster: Any) -> None:
    seed(cluster, paused_at_step_1(), replicaset(1, STABLE_HASH, BLUE),
         replicaset(2, CANARY_HASH, YELLOW))


def test_undo_replaces_the_template_with_the_previous_revisions(cluster: Any,
                                                                gateway: Any) -> None:
    _seed_history(cluster)
    result = run_action(gateway, KEY, "undo", {})
    assert (result.ok, result.message) == (True, "rollout 'rollouts-demo' undo")
    assert writes(cluster) == [
        ("PATCH", ROLLOUT_PATH, JSON_PATCH,
         [{"op": "replace", "path": "/spec/template", "value": pod_template(BLUE)}]),
    ]
    listing = result.requests[1]
    assert (listing["method"], listing["labelSelector"]) == ("GET", "app=rollouts-demo")
    live = gateway.get("rollouts", "my-demo", "rollouts-demo")
    assert live["spec"]["template"]["spec"]["containers"][0]["image"] == BLUE


def test_undo_to_the_current_revision_is_skipped_without_a_call(cluster: Any,
                                                                gateway: Any) -> None:
    _seed_history(cluster)
    result = run_action(gateway, KEY, "undo", {"to_revision": 2})
    assert (result.ok, result.outcome) == (True, "noop")
    assert result.message == "skipped rollback (current template already matches revision 2)"
    assert writes(cluster) == []


def test_undo_to_an_unknown_revision_is_refused_with_upstreams_message(cluster: Any,
                                                                       gateway: Any) -> None:
    _seed_history(cluster)
    result = run_action(gateway, KEY, "undo", {"to_revision": 7})
    assert (result.ok, result.status_code) == (False, 422)
    assert result.message == "unable to find specified revision 7 in history"
    assert writes(cluster) == []


def test_a_failed_undo_says_which_revision_it_was_restoring(cluster: Any, gateway: Any) -> None:
    _seed_history(cluster)
    cluster.fail_next(403, method="PATCH")
    result = run_action(gateway, KEY, "undo", {"to_revision": 1})
    assert (result.ok, result.status_code) == (False, 403)
    assert result.message.startswith("failed restoring revision 1: ")


def test_set_image_puts_back_the_object_it_read_with_the_image_changed(
    cluster: Any, gateway: Any
) -> None:
    (stored,) = seed(cluster, paused_at_step_1())
    result = run_action(gateway, KEY, "set_image",
                        {"container": "rollouts-demo", "image": "argoproj/rollouts-demo:red"})
    assert (result.ok, result.message) == (True, 'rollout "rollouts-demo" image updated')
    ((method, path, content_type, body),) = writes(cluster)
    assert (method, path, content_type) == ("PUT", ROLLOUT_PATH, "application/json")
    expected = {**stored, "spec": {**stored["spec"], "template": pod_template(
        "argoproj/rollouts-demo:red")}}
    assert body == expected  # resourceVersion included: the write is optimistic


def test_set_image_retries_a_conflicting_write_on_a_fresh_read(cluster: Any,
                                                               gateway: Any) -> None:
    seed(cluster, paused_at_step_1())
    cluster.fail_next(409, method="PUT")
    result = run_action(gateway, KEY, "set_image", {"container": "*", "image": "img:2"})
    assert result.ok
    assert [w[0] for w in writes(cluster)] == ["PUT", "PUT"]
    assert codes(cluster) == [409, 200]
    assert [r["method"] for r in result.requests] == ["GET", "PUT", "GET", "PUT"]


def test_set_image_of_an_unknown_container_sends_nothing(cluster: Any, gateway: Any) -> None:
    seed(cluster, paused_at_step_1())
    result = run_action(gateway, KEY, "set_image", {"container": "sidecar", "image": "x:1"})
    assert (result.ok, result.status_code) == (False, 422)
    assert result.message == 'unable to find container named "sidecar"'
    assert writes(cluster) == []
