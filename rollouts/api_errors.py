"""Every error under /api/ is the API's JSON `{"error": {code, reason, message}}`.

The views shape their own errors; this middleware catches the ones Django makes on their behalf
(no such URL, a wrong method, a bug's 500), which would
otherwise be HTML pages a client cannot parse. It sits first in MIDDLEWARE so that the other
middleware's answers pass through it too.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase

from rollouts.api import error
from rollouts.keys import shown

API_PREFIX = "/api/"


def _message(request: HttpRequest, response: HttpResponseBase) -> str:
    code = response.status_code
    if code == 404:
        return f"no such API endpoint: {shown(request.path)}"
    if code == 405:
        return f"{shown(request.method)} is not allowed here; use {response.get('Allow', '')}"
    if code >= 500:
        return "the dashboard failed to answer; the server log has the details"
    return HTTPStatus(code).description if code in HTTPStatus._value2member_map_ else "error"


def json_error(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """The response, or for a non-JSON API error the same status as the API's JSON error."""
    if (response.status_code < 400 or not request.path_info.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")):
        return response
    code = response.status_code
    reason = (HTTPStatus(code).phrase.replace(" ", "") if code in HTTPStatus._value2member_map_
              else "Error")
    shaped = error(code, reason, _message(request, response))
    if response.has_header("Allow"):
        shaped["Allow"] = response["Allow"]
    return shaped


class ApiErrorsMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self._acall(request)
        return json_error(request, self.get_response(request))

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        return json_error(request, await self.get_response(request))

