"""API tokens over HTTP: a token acts within its scope, and stops at once when revoked/expired."""

from __future__ import annotations

import requests

from tests.auth.support import NAME, NS, create_token, manage, post_json
from tests.servers import Dashboard

PAUSE = f"/api/v1/rollouts/{NS}/{NAME}/pause"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_acts_in_its_namespace_without_a_csrf_token(local: Dashboard,
                                                             audit_token: str) -> None:
    token = create_token(local, "pipeline", "operator", NS)
    response = post_json(requests, local, PAUSE, **_bearer(token))
    assert response.status_code == 200, response.text
    assert response.json()["ok"] is True


def test_a_token_outside_its_scope_is_forbidden(local: Dashboard) -> None:
    token = create_token(local, "shop-bot", "operator", "shop")
    response = post_json(requests, local, PAUSE, **_bearer(token))
    assert response.status_code == 403
    assert response.json() == {"error": {
        "code": 403, "reason": "Forbidden",
        "message": f"token:shop-bot cannot pause rollouts in {NS}"}}


def test_a_viewer_token_may_read_but_not_act(local: Dashboard, audit_token: str) -> None:
    token = create_token(local, "watcher", "viewer", NS)
    read = requests.get(f"{local.url}/api/v1/rollouts/{NS}/{NAME}", headers=_bearer(token),
                        timeout=30)
    assert read.status_code == 200
    response = post_json(requests, local, PAUSE, **_bearer(token))
    assert response.status_code == 403
    assert response.json()["error"]["message"] == f"token:watcher cannot pause rollouts in {NS}"


def test_a_revoked_token_is_refused_at_once(local: Dashboard) -> None:
    token = create_token(local, "short-lived", "operator", NS)
    assert requests.get(f"{local.url}/api/v1/rollouts", headers=_bearer(token),
                        timeout=30).status_code == 200
    manage(local, "access", "token", "revoke", "short-lived")
    response = requests.get(f"{local.url}/api/v1/rollouts", headers=_bearer(token), timeout=30)
    assert response.status_code == 401
    assert response.json() == {"error": {"code": 401, "reason": "Unauthenticated",
                                         "message": "the bearer token is unknown or was "
                                                    "revoked"}}
    assert post_json(requests, local, PAUSE, **_bearer(token)).status_code == 401


def test_an_expired_token_is_refused(local: Dashboard) -> None:
    token = create_token(local, "expiring", "operator", NS)
    manage(local, "shell", "-c",
           "from datetime import timedelta; from django.utils import timezone; "
           "from rollouts.models import ApiToken; ApiToken.objects.filter(name='expiring')"
           ".update(expires_at=timezone.now() - timedelta(seconds=1))")
    response = post_json(requests, local, PAUSE, **_bearer(token))
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "the bearer token has expired"


def test_a_made_up_token_is_refused_rather_than_treated_as_anonymous(local: Dashboard) -> None:
    response = requests.get(f"{local.url}/api/v1/rollouts", timeout=30,
                            headers=_bearer("rdt_" + "x" * 43))
    assert response.status_code == 401
    assert response.json()["error"]["reason"] == "Unauthenticated"
