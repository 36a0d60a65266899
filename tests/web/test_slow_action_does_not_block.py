"""A button's action may take seconds (a promote-full waits for the controller to observe the
latest spec; a slow cluster answers late). It runs on a worker thread of its own, so pages
keep answering meanwhile (an async view calling the service on the event loop would stall
every request and websocket); the POST stays CSRF-protected.

Driven through Django's real ASGI handler, the way daphne calls it, against simcluster."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import HttpCommunicator
from django.core.asgi import get_asgi_application

from rollouts.info import ClusterObjects
from rollouts.models import ActionRecord
from tests.actions.objects import paused_at_step_1, with_status
from tests.actions.support import seed, writes
from tests.web.support import store

pytestmark = pytest.mark.django_db(transaction=True)
BASE = "/rollouts/my-demo/rollouts-demo"
WAIT = 1.5  # how long the promote-full waits for a controller that never comes


async def request(method: str, path: str, body: bytes = b"",
                  headers: list[tuple[bytes, bytes]] | None = None) -> dict[str, Any]:
    communicator = HttpCommunicator(get_asgi_application(), method, path, body=body,
                                    headers=[(b"host", b"localhost"), *(headers or [])])
    return await communicator.get_response(timeout=10)


async def csrf() -> tuple[str, str]:
    """The token a page hands out (in hx-headers) and its cookie."""
    page = await request("GET", "/")
    token = re.search(rb'"X-CSRFToken": "([^"]+)"', page["body"])
    cookie = next(value for name, value in page["headers"] if name == b"Set-Cookie")
    assert token
    return token.group(1).decode(), cookie.decode().split(";", 1)[0]


@sync_to_async
def unobserved_rollout(cluster: Any, settings: Any) -> None:
    """A rollout whose latest spec the (switched off) controller never observes."""
    settings.ROLLOUTS_PROMOTE_FULL_WAIT = WAIT
    stored = seed(cluster, with_status(paused_at_step_1(), observedGeneration="1"))[0]
    store(ClusterObjects(rollout=stored))


def form(token: str, cookie: str) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    headers = [(b"content-type", b"application/x-www-form-urlencoded"),
               (b"cookie", cookie.encode()), (b"x-csrftoken", token.encode()),
               (b"hx-request", b"true")]
    return b"from=overview", headers


async def test_pages_answer_while_a_slow_action_is_running(cluster: Any, settings: Any) -> None:
    await unobserved_rollout(cluster, settings)
    token, cookie = await csrf()
    body, headers = form(token, cookie)
    started = time.monotonic()
    action = asyncio.ensure_future(request("POST", f"{BASE}/actions/promote-full", body, headers))
    await asyncio.sleep(0.2)  # the action is waiting for the controller now
    overview = await request("GET", "/")
    detail = await request("GET", BASE)
    answered = time.monotonic() - started
    assert not action.done()
    assert overview["status"] == 200 and detail["status"] == 200
    assert answered < WAIT
    response = await action
    assert time.monotonic() - started >= WAIT
    assert response["status"] == 409
    assert b"has not observed its latest spec" in response["body"]
    assert b'class="toast toast--warn"' in response["body"]


async def test_the_action_post_still_needs_the_csrf_token(cluster: Any, settings: Any) -> None:
    await unobserved_rollout(cluster, settings)
    token, cookie = await csrf()
    body, headers = form(token, cookie)
    refused = await request("POST", f"{BASE}/actions/abort", body,
                            [h for h in headers if h[0] != b"x-csrftoken"])
    assert refused["status"] == 403
    assert writes(cluster) == [] and not await ActionRecord.objects.aexists()
    sent = await request("POST", f"{BASE}/actions/abort", body, headers)
    assert sent["status"] == 200 and b"toast--ok" in sent["body"]
    assert [w[0] for w in writes(cluster)] == ["PATCH"]
