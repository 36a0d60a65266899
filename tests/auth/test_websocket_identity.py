"""identity_for_scope: a websocket gets the same Identity as a request from the same browser."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from rollouts.access.identity import Refused, identity_for_scope
from rollouts.models import AccessGrant

pytestmark = pytest.mark.django_db(transaction=True)


class Probe(AsyncJsonWebsocketConsumer):
    """Says who the socket belongs to, as the dashboard's consumers will ask."""

    async def connect(self) -> None:
        await self.accept()
        try:
            who = await database_sync_to_async(identity_for_scope)(self.scope)
        except Refused as exc:
            await self.send_json({"refused": exc.status, "message": exc.message})
            return
        await self.send_json({"user": who.user, "method": who.method, "address": who.address,
                              "role": who.permissions.role_in("default", "my-demo")})


def _session_cookie(name: str) -> str:
    user = get_user_model().objects.create_user(name, password="x" * 20)
    AccessGrant.objects.create(role="operator", subject_kind="user", subject=name,
                               namespace="my-demo", created_at=timezone.now())
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def _ask(headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    inner = AuthMiddlewareStack(Probe.as_asgi())

    async def from_loopback(scope: dict, receive: Any, send: Any) -> Any:
        # daphne fills in the peer; the test communicator does not.
        return await inner({**scope, "client": ("127.0.0.1", 50000)}, receive, send)

    communicator = WebsocketCommunicator(from_loopback, "/ws/overview", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    answer = await communicator.receive_json_from(timeout=10)
    await communicator.disconnect()
    return answer


async def test_a_signed_in_browsers_socket_is_that_user_with_their_role(settings: Any) -> None:
    settings.ROLLOUTS_AUTH, settings.ROLLOUTS_ANONYMOUS_ROLE = "local", "none"
    cookie = await sync_to_async(_session_cookie)("alice")
    answer = await _ask([(b"cookie", f"sessionid={cookie}".encode())])
    assert answer == {"user": "alice", "method": "local", "address": "127.0.0.1",
                      "role": "operator"}


async def test_a_socket_without_a_session_is_anonymous(settings: Any) -> None:
    settings.ROLLOUTS_AUTH, settings.ROLLOUTS_ANONYMOUS_ROLE = "local", "viewer"
    answer = await _ask([])
    assert answer == {"user": "", "method": "anonymous", "address": "127.0.0.1",
                      "role": "viewer"}


async def test_proxy_headers_on_a_socket_from_an_untrusted_address_are_refused(
        settings: Any) -> None:
    settings.ROLLOUTS_AUTH, settings.ROLLOUTS_TRUSTED_PROXIES = "proxy", ()
    answer = await _ask([(b"x-forwarded-user", b"admin")])
    assert answer["refused"] == 403
    assert "only accepted from the trusted proxies" in answer["message"]
