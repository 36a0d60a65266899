"""POST /api/v1/rollouts/<ns>/<name>/<action> against simcluster: each action, and each error."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from rollouts.actions import expect_from_rollout
from rollouts.models import ActionRecord
from tests.actions.objects import (
    CANARY_HASH,
    STABLE_HASH,
    paused_at_step_1,
    replicaset,
    with_status,
)
from tests.actions.support import JSON_PATCH, MERGE, ROLLOUT_PATH, STATUS_PATH, seed, writes

# The action view runs the service on a worker thread: its writes must really commit.
pytestmark = pytest.mark.django_db(transaction=True)
URL = "/api/v1/rollouts/my-demo/rollouts-demo/"


def post(client: Client, action: str, body: Any = None, **kwargs: Any) -> Any:
    data = json.dumps(body if body is not None else {})
    return client.post(URL + action, data=data, content_type="application/json", **kwargs)


@pytest.mark.parametrize(
    ("action", "body", "message", "write"),
    [
        ("promote", {}, "rollout 'rollouts-demo' promoted",
         ("PATCH", STATUS_PATH, MERGE, {"status": {"pauseConditions": None}})),
        ("promote", {"full": True}, "rollout 'rollouts-demo' fully promoted",
         ("PATCH", STATUS_PATH, MERGE, {"status": {"promoteFull": True}})),
        ("abort", {}, "rollout 'rollouts-demo' aborted",
         ("PATCH", STATUS_PATH, MERGE, {"status": {"abort": True}})),
        ("retry", None, "rollout 'rollouts-demo' retried",
         ("PATCH", STATUS_PATH, MERGE, {"status": {"abort": False}})),
        ("pause", {}, "rollout 'rollouts-demo' paused",
         ("PATCH", ROLLOUT_PATH, MERGE, {"spec": {"paused": True}})),
    ],
)
def test_each_status_or_spec_action_sends_upstreams_patch(
    client: Client, cluster: Any, action: str, body: Any, message: str, write: tuple
) -> None:
    seed(cluster, paused_at_step_1())
    response = post(client, action, body)
    assert response.status_code == 200, response.content
    result = response.json()
    assert (result["ok"], result["outcome"], result["message"]) == (True, "ok", message)
    assert writes(cluster) == [write]
    assert ActionRecord.objects.get(pk=result["record"]).source == "api"


def test_restart_sets_restart_at(client: Client, cluster: Any) -> None:
    seed(cluster, paused_at_step_1())
    response = post(client, "restart", {"in": "30s"})
    assert response.json()["message"] == "rollout 'rollouts-demo' restarts in 30s"
    ((method, path, content_type, body),) = writes(cluster)
    assert (method, path, content_type) == ("PATCH", ROLLOUT_PATH, MERGE)
    assert list(body["spec"]) == ["restartAt"] and body["spec"]["restartAt"].endswith("Z")


def test_undo_takes_a_revision(client: Client, cluster: Any) -> None:
    seed(cluster, paused_at_step_1(), replicaset(1, STABLE_HASH, "argoproj/rollouts-demo:blue"),
         replicaset(2, CANARY_HASH, "argoproj/rollouts-demo:yellow"))
    response = post(client, "undo", {"revision": 1})
    assert response.json()["message"] == "rollout 'rollouts-demo' undo"
    ((method, path, content_type, body),) = writes(cluster)
    assert (method, path, content_type) == ("PATCH", ROLLOUT_PATH, JSON_PATCH)
    assert body[0]["value"]["spec"]["containers"][0]["image"] == "argoproj/rollouts-demo:blue"


def test_set_image_puts_the_rollout(client: Client, cluster: Any) -> None:
    seed(cluster, paused_at_step_1())
    response = post(client, "set-image", {"container": "rollouts-demo", "image": "demo:red"})
    assert response.json()["message"] == 'rollout "rollouts-demo" image updated'
    ((method, _, _, body),) = writes(cluster)
    assert method == "PUT"
    assert body["spec"]["template"]["spec"]["containers"][0]["image"] == "demo:red"


def test_a_stale_expect_is_a_409_that_names_both_steps(client: Client, cluster: Any,
                                                       gateway: Any) -> None:
    (stored,) = seed(cluster, paused_at_step_1())
    seen = expect_from_rollout(stored).to_dict()
    gateway.patch("rollouts", "my-demo", "rollouts-demo", {"status": {"currentStepIndex": 3}},
                  "merge", "status")
    cluster.clear_requests()
    response = post(client, "promote", {"expect": seen})
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == {"code": 409, "reason": "MovedOn",
                             "message": "rollout moved on: it is at step 3/9 now, you saw 1/9"}
    assert body["outcome"] == "refused"
    assert writes(cluster) == []


def test_a_form_post_is_a_415(client: Client, cluster: Any) -> None:
    seed(cluster, paused_at_step_1())
    response = client.post(URL + "abort", data={"full": "true"})
    assert response.status_code == 415
    assert response.json()["error"]["reason"] == "UnsupportedMediaType"
    assert writes(cluster) == []


@pytest.mark.parametrize(
    ("action", "raw", "problem"),
    [
        ("abort", "{not json", "the body is not valid JSON"),
        ("abort", "[1, 2]", "the body must be a JSON object"),
        ("undo", '{"revision": "two"}', "'to_revision' must be a revision number"),
        ("set-image", '{"container": "rollouts-demo"}', "'image' is required"),
        ("resume", "{}", "unknown action 'resume'"),
        ("promote", '{"expect": {"step": "one"}}', "'expect.step' must be a step index"),
    ],
)
def test_bad_input_is_a_422_with_a_json_body(client: Client, cluster: Any, action: str,
                                             raw: str, problem: str) -> None:
    seed(cluster, paused_at_step_1())
    response = client.post(URL + action, data=raw, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == 422
    assert problem in response.json()["error"]["message"]
    assert writes(cluster) == []


def test_an_unknown_rollout_is_a_404(client: Client, cluster: Any) -> None:
    seed(cluster)
    response = client.post("/api/v1/rollouts/my-demo/nope/abort", data="{}",
                           content_type="application/json")
    assert response.status_code == 404
    assert response.json()["error"]["reason"] == "NotFound"


def test_forbidden_is_a_403(client: Client, cluster: Any) -> None:
    seed(cluster, with_status(paused_at_step_1(), abort=True))
    cluster.fail_next(403, method="PATCH")
    response = post(client, "retry")
    assert (response.status_code, response.json()["error"]["reason"]) == (403, "Forbidden")


def test_an_unreachable_cluster_is_a_503(client: Client, cluster: Any) -> None:
    cluster.stop()
    response = post(client, "abort")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == 503


def test_the_action_endpoints_need_no_csrf_token_but_only_take_posts(cluster: Any) -> None:
    seed(cluster, paused_at_step_1())
    strict = Client(enforce_csrf_checks=True)
    assert post(strict, "pause").status_code == 200
    assert strict.get(URL + "pause").status_code == 405
