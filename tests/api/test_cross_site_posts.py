"""An action POST whose Origin (or Referer) is another site's is refused before it reaches the
cluster; the dashboard's own origin, a trusted one, and no origin at all (curl) pass."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from rollouts.models import ActionRecord
from tests.actions.objects import paused_at_step_1
from tests.actions.support import MERGE, STATUS_PATH, seed, writes

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/api/v1/rollouts/my-demo/rollouts-demo/abort"
ABORTED = [("PATCH", STATUS_PATH, MERGE, {"status": {"abort": True}})]


def abort(client: Client, **headers: str) -> Any:
    return client.post(URL, data=json.dumps({}), content_type="application/json", **headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "http://evil.example"},
        {"HTTP_ORIGIN": "http://testserver:8080"},  # the dashboard's host, another port
        {"HTTP_ORIGIN": "https://testserver"},  # and another scheme
        {"HTTP_ORIGIN": "null"},  # a sandboxed frame, a data: URL
        {"HTTP_REFERER": "http://evil.example/attack.html"},
        {"HTTP_ORIGIN": "http://evil.example", "HTTP_REFERER": "http://testserver/"},
    ],
)
def test_it_refuses_a_cross_site_post_with_a_json_403_and_sends_nothing(
        client: Client, cluster: Any, headers: dict[str, str]) -> None:
    seed(cluster, paused_at_step_1())
    response = abort(client, **headers)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    problem = response.json()["error"]
    assert problem["reason"] == "Forbidden"
    assert "cross-site request refused" in problem["message"]
    assert "http://testserver" in problem["message"]
    assert writes(cluster) == [] and not ActionRecord.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "http://testserver:80"},
        {"HTTP_REFERER": "http://testserver/rollouts/my-demo/rollouts-demo"},
        {},  # curl and scripts send neither
    ],
)
def test_it_accepts_a_post_from_its_own_origin_or_from_no_browser(
        client: Client, cluster: Any, headers: dict[str, str]) -> None:
    seed(cluster, paused_at_step_1())
    response = abort(client, **headers)
    assert response.status_code == 200, response.content
    assert writes(cluster) == ABORTED


def test_it_accepts_an_origin_listed_in_csrf_trusted_origins(
        client: Client, cluster: Any, settings: Any) -> None:
    settings.CSRF_TRUSTED_ORIGINS = ["https://dashboard.example.com"]
    seed(cluster, paused_at_step_1())
    assert abort(client, HTTP_ORIGIN="https://dashboard.example.com").status_code == 200
    assert abort(client, HTTP_ORIGIN="https://other.example.com").status_code == 403
    assert writes(cluster) == ABORTED


def test_the_dashboards_origin_is_the_host_it_was_reached_on(
        client: Client, cluster: Any, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["dash.example.com"]
    seed(cluster, paused_at_step_1())
    response = abort(client, HTTP_HOST="dash.example.com:3100",
                     HTTP_ORIGIN="http://dash.example.com:3100")
    assert response.status_code == 200
    refused = abort(client, HTTP_HOST="dash.example.com:3100",
                    HTTP_ORIGIN="http://dash.example.com:8080")
    assert refused.status_code == 403
    assert "http://dash.example.com:3100" in refused.json()["error"]["message"]
    assert writes(cluster) == ABORTED
