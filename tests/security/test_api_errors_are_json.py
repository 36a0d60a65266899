"""Django's own error pages become the API's JSON under /api/, and stay pages elsewhere."""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseServerError
from django.test import Client, RequestFactory

from rollouts.api_errors import json_error

pytestmark = pytest.mark.django_db


def test_a_crash_under_the_api_is_a_json_500_that_leaks_nothing() -> None:
    request = RequestFactory().get("/api/v1/rollouts")
    page = HttpResponseServerError("<h1>Server Error</h1><pre>Traceback …</pre>")
    answer = json_error(request, page)
    assert answer["Content-Type"] == "application/json"
    error = json.loads(answer.content)["error"]
    assert (error["code"], error["reason"]) == (500, "InternalServerError")
    assert "Traceback" not in error["message"]


def test_a_wrong_method_keeps_its_allow_header() -> None:
    request = RequestFactory().delete("/api/v1/rollouts")
    answer = json_error(request, HttpResponseNotAllowed(["GET"]))
    assert answer.status_code == 405 and answer["Allow"] == "GET"
    assert json.loads(answer.content)["error"]["message"] == "'DELETE' is not allowed here; use GET"


def test_json_errors_and_successes_pass_through_untouched() -> None:
    request = RequestFactory().get("/api/v1/rollouts")
    ok = HttpResponse("plain text is fine when it is not an error")
    assert json_error(request, ok) is ok


def test_pages_keep_their_html_404(client: Client) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_an_unknown_api_url_is_a_json_404_naming_it(client: Client) -> None:
    response = client.get("/api/v1/rollouts/my-demo/rollouts-demo/timeline/extra")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == (
        "no such API endpoint: '/api/v1/rollouts/my-demo/rollouts-demo/timeline/extra'")
