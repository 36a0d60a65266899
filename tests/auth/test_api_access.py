"""The JSON API's answers by who asks: 401 for nobody, 403 naming who and what, reads filtered."""

from __future__ import annotations

import requests

from tests.auth.support import NAME, NS, post_json, sign_in
from tests.servers import Dashboard

PROMOTE = f"/api/v1/rollouts/{NS}/{NAME}/promote"


def test_anonymous_without_a_role_gets_401_everywhere(local: Dashboard, audit_token: str
                                                      ) -> None:
    for path in ("/api/v1/rollouts", f"/api/v1/rollouts/{NS}/{NAME}",
                 f"/api/v1/rollouts/{NS}/{NAME}/timeline",
                 f"/api/v1/rollouts/{NS}/{NAME}/actions"):
        response = requests.get(local.url + path, timeout=30)
        assert response.status_code == 401, path
        assert response.json()["error"]["reason"] == "Unauthenticated"
    response = post_json(requests, local, PROMOTE)
    assert response.status_code == 401
    assert response.json() == {"error": {
        "code": 401, "reason": "Unauthenticated",
        "message": f"sign in (or send a bearer token) to promote rollouts in {NS}"}}


def test_a_viewer_is_forbidden_to_promote_with_a_message_naming_them(local: Dashboard) -> None:
    session, _ = sign_in(local, "bob")
    response = session.post(local.url + PROMOTE, json={}, timeout=30,
                            headers={"X-CSRFToken": session.cookies["csrftoken"]})
    assert response.status_code == 403
    assert response.json() == {"error": {"code": 403, "reason": "Forbidden",
                                         "message": f"bob cannot promote rollouts in {NS}"}}


def test_an_operator_may_not_set_the_image(local: Dashboard) -> None:
    session, _ = sign_in(local, "alice")
    response = session.post(f"{local.url}/api/v1/rollouts/{NS}/{NAME}/set-image", timeout=30,
                            json={"container": "rollouts-demo", "image": "x:y"},
                            headers={"X-CSRFToken": session.cookies["csrftoken"]})
    assert response.status_code == 403
    assert response.json()["error"]["message"] == f"alice cannot set-image rollouts in {NS}"


def test_reads_show_only_the_namespaces_the_caller_may_view(local: Dashboard,
                                                            audit_token: str) -> None:
    everything = requests.get(f"{local.url}/api/v1/rollouts", timeout=30,
                              headers={"Authorization": f"Bearer {audit_token}"}).json()
    assert {r["namespace"] for r in everything["rollouts"]} >= {NS, "shop"}
    session, _ = sign_in(local, "alice")
    mine = session.get(f"{local.url}/api/v1/rollouts", timeout=30).json()
    assert mine["rollouts"] and {r["namespace"] for r in mine["rollouts"]} == {NS}
    assert mine["count"] == len(mine["rollouts"])


def test_a_rollout_outside_the_callers_view_is_answered_as_missing(local: Dashboard,
                                                                   audit_token: str) -> None:
    shop = next(r for r in requests.get(
        f"{local.url}/api/v1/rollouts?namespace=shop", timeout=30,
        headers={"Authorization": f"Bearer {audit_token}"}).json()["rollouts"])
    session, _ = sign_in(local, "alice")
    for suffix in ("", "/timeline", "/actions"):
        path = f"/api/v1/rollouts/shop/{shop['name']}{suffix}"
        response = session.get(local.url + path, timeout=30)
        missing = session.get(f"{local.url}/api/v1/rollouts/shop/no-such-rollout{suffix}",
                              timeout=30)
        assert response.status_code == 404, path
        assert response.json()["error"]["reason"] == missing.json()["error"]["reason"]
