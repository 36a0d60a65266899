"""The buttons' endpoints against simcluster: the dialog carries what it showed, the POST is
CSRF-protected and runs the actions service with that guard, the answer is a toast."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from rollouts.actions import expect_from_rollout
from rollouts.info import ClusterObjects
from rollouts.models import ActionRecord
from tests.actions.objects import CANARY_HASH, STABLE_HASH, paused_at_step_1, replicaset
from tests.actions.support import JSON_PATCH, MERGE, ROLLOUT_PATH, STATUS_PATH, seed, writes
from tests.web.support import HTMX, store

# The view runs the service, which writes its ActionRecord: it must really commit.
pytestmark = pytest.mark.django_db(transaction=True)
BASE = "/rollouts/my-demo/rollouts-demo"


def mirror(cluster: Any, *extra: dict) -> dict:
    """Seed the cluster and write the mirror row the watcher would have written."""
    stored = seed(cluster, paused_at_step_1(), *extra)
    replicasets = [obj for obj in stored if obj.get("kind") == "ReplicaSet"]
    store(ClusterObjects(rollout=stored[0], replicasets=replicasets))
    return stored[0]


def dialog_fields(client: Client, action: str, query: str = "") -> dict[str, str]:
    response = client.get(f"{BASE}/confirm/{action}{query}")
    assert response.status_code == 200
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', response.text))


def strict_client() -> tuple[Client, str]:
    """A client that enforces CSRF, with the token a page gave it."""
    client = Client(enforce_csrf_checks=True)
    html = client.get("/").text
    token = re.search(r'"X-CSRFToken": "([^"]+)"', html)
    assert token
    return client, token.group(1)


def test_the_dialog_carries_the_state_it_was_computed_from(client: Client, cluster: Any) -> None:
    stored = mirror(cluster)
    response = client.get(f"{BASE}/confirm/promote")
    assert "canary 20% → 40%, 2 more pods" in response.text  # no canary pod mirrored yet
    fields = dialog_fields(client, "promote")
    seen = expect_from_rollout(stored)
    assert (fields["expect_rv"], fields["expect_step"], fields["expect_state"]) == (
        seen.resource_version, str(seen.step_index), seen.state)


def test_a_confirmed_promote_sends_upstreams_patch_and_answers_with_a_toast(
        cluster: Any) -> None:
    mirror(cluster)
    client, token = strict_client()
    fields = dialog_fields(client, "promote")
    response = client.post(f"{BASE}/actions/promote", fields, HTTP_X_CSRFTOKEN=token, **HTMX)
    assert response.status_code == 200
    assert 'class="toast toast--ok"' in response.text
    assert "rollout &#x27;rollouts-demo&#x27; promoted" in response.text
    assert writes(cluster) == [("PATCH", STATUS_PATH, MERGE, {"status": {"pauseConditions": None}})]
    record = ActionRecord.objects.get()
    assert (record.source, record.action, record.outcome) == ("ui", "promote", "ok")
    assert record.seen["expect"]["step"] == 1


def test_without_the_csrf_token_nothing_is_sent(cluster: Any) -> None:
    mirror(cluster)
    client, _ = strict_client()
    fields = dialog_fields(client, "abort")
    del fields["csrfmiddlewaretoken"]  # the form carries one, for a post without JavaScript
    response = client.post(f"{BASE}/actions/abort", fields, **HTMX)
    assert response.status_code == 403
    assert writes(cluster) == [] and not ActionRecord.objects.exists()


def test_a_rollout_that_moved_on_is_refused_with_a_warning_toast(
        client: Client, cluster: Any, gateway: Any) -> None:
    mirror(cluster)
    fields = dialog_fields(client, "promote")
    gateway.patch("rollouts", "my-demo", "rollouts-demo", {"status": {"currentStepIndex": 3}},
                  "merge", "status")
    cluster.clear_requests()
    response = client.post(f"{BASE}/actions/promote", fields, **HTMX)
    assert response.status_code == 409
    assert 'class="toast toast--warn"' in response.text and "Promote: not sent" in response.text
    assert "it is at step 3/9 now, you saw 1/9" in response.text
    assert writes(cluster) == []
    assert ActionRecord.objects.get().outcome == "refused"


@pytest.mark.parametrize(("action", "form", "write"), [
    ("promote-full", {}, ("PATCH", STATUS_PATH, MERGE, {"status": {"promoteFull": True}})),
    ("abort", {}, ("PATCH", STATUS_PATH, MERGE, {"status": {"abort": True}})),
    ("pause", {}, ("PATCH", ROLLOUT_PATH, MERGE, {"spec": {"paused": True}})),
])
def test_each_button_runs_its_action(client: Client, cluster: Any, action: str, form: dict,
                                     write: tuple) -> None:
    mirror(cluster)
    response = client.post(f"{BASE}/actions/{action}", {**dialog_fields(client, action), **form},
                           **HTMX)
    assert response.status_code == 200, response.text
    assert writes(cluster) == [write]


def test_rollback_sends_the_revisions_template(client: Client, cluster: Any) -> None:
    mirror(cluster, replicaset(1, STABLE_HASH, "argoproj/rollouts-demo:blue"),
           replicaset(2, CANARY_HASH, "argoproj/rollouts-demo:yellow"))
    fields = dialog_fields(client, "rollback", "?revision=1")
    assert fields["revision"] == "1"
    response = client.post(f"{BASE}/actions/rollback", fields, **HTMX)
    assert response.status_code == 200, response.text
    ((method, path, content_type, body),) = writes(cluster)
    assert (method, path, content_type) == ("PATCH", ROLLOUT_PATH, JSON_PATCH)
    assert body[0]["value"]["spec"]["containers"][0]["image"] == "argoproj/rollouts-demo:blue"


def test_set_image_puts_the_new_image(client: Client, cluster: Any) -> None:
    mirror(cluster)
    dialog = client.get(f"{BASE}/confirm/set-image?container=rollouts-demo").text
    assert 'name="image" value="argoproj/rollouts-demo:yellow"' in dialog
    fields = {**dialog_fields(client, "set-image"), "container": "rollouts-demo",
              "image": " argoproj/rollouts-demo:red "}
    response = client.post(f"{BASE}/actions/set-image", fields, **HTMX)
    assert response.status_code == 200, response.text
    ((method, _, _, body),) = writes(cluster)
    assert method == "PUT"
    assert body["spec"]["template"]["spec"]["containers"][0]["image"] == (
        "argoproj/rollouts-demo:red")


@pytest.mark.parametrize(("action", "form", "problem"), [
    ("rollback", {"revision": "two"}, "must be a revision number"),
    ("set-image", {"container": "rollouts-demo", "image": ""}, "non-empty string"),
    ("set-image", {"container": "nope", "image": "x:y"}, "unable to find container named"),
])
def test_bad_input_is_refused_with_a_toast_and_nothing_sent(
        client: Client, cluster: Any, action: str, form: dict, problem: str) -> None:
    mirror(cluster)
    response = client.post(f"{BASE}/actions/{action}", form, **HTMX)
    assert response.status_code == 422
    assert problem in response.text and "toast--warn" in response.text
    assert writes(cluster) == []


def test_an_unknown_action_or_rollout_gets_a_clear_answer(client: Client, cluster: Any) -> None:
    mirror(cluster)
    assert client.post(f"{BASE}/actions/explode", {}, **HTMX).status_code == 404
    missing = client.get("/rollouts/my-demo/nope/confirm/promote")
    assert missing.status_code == 404 and "is not in namespace" in missing.text
    assert client.get(f"{BASE}/confirm/explode").status_code == 404
    assert client.get(f"{BASE}/actions/promote").status_code == 405


def test_a_disabled_action_opens_a_dialog_that_says_why(client: Client, cluster: Any) -> None:
    mirror(cluster)
    html = client.get(f"{BASE}/confirm/retry").text
    assert "Not available now: only an aborted rollout can be retried." in html
    assert "hx-post" in html and 'type="submit"' not in html


def test_an_unreachable_cluster_is_an_error_toast(client: Client, cluster: Any) -> None:
    mirror(cluster)
    cluster.stop()
    response = client.post(f"{BASE}/actions/abort", {}, **HTMX)
    assert response.status_code == 503
    assert "toast--bad" in response.text and "Abort failed" in response.text


def test_from_the_detail_page_the_answer_also_refreshes_the_action_log(
        client: Client, cluster: Any) -> None:
    mirror(cluster)
    response = client.post(f"{BASE}/actions/pause", {"from": "detail"}, **HTMX)
    assert 'id="actions--default--my-demo--rollouts-demo"' in response.text
    assert "outcome--ok" in response.text
