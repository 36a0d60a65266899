"""People with different grants over the same mirrored rollouts, for the scoping tests.

Sessions are real: a Django account signed in with the test client, its session cookie sent by
the page or the websocket (channels' AuthMiddlewareStack reads it as daphne would).
"""

from __future__ import annotations

import re

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from rollouts.models import AccessGrant
from tests.live.support import HOST, ORIGIN, key, put_rollout

# namespace -> rollout; each person below sees some of them.
ROLLOUTS = {"my-demo": "rollouts-demo", "shop": "cart", "team-a": "api", "secret": "vault"}
# user -> (role, namespace glob) grants
PEOPLE = {
    "vera": (("viewer", "my-demo"),),
    "otto": (("operator", "my-demo"), ("viewer", "shop")),
    "ada": (("admin", "team-*"), ("admin", "my-demo")),
    "nobody": (),
}
SEES = {"vera": {"my-demo"}, "otto": {"my-demo", "shop"}, "ada": {"my-demo", "team-a"},
        "nobody": set()}
OPERATOR_ONLY = ("promote", "promote-full", "abort", "retry", "pause", "resume", "restart")
ADMIN_ONLY = ("rollback", "set-image")
_BUTTON = re.compile(r'data-act="([a-z-]+)"')


def mirror_all() -> None:
    for namespace, name in ROLLOUTS.items():
        put_rollout(namespace, name)


def person(name: str, grants: tuple[tuple[str, str], ...] | None = None) -> Client:
    """A signed-in browser of `name`, with their grants from PEOPLE (or `grants`)."""
    user = get_user_model().objects.create_user(name)
    for role, namespace in PEOPLE[name] if grants is None else grants:
        AccessGrant.objects.create(role=role, subject_kind="user", subject=name,
                                   namespace=namespace, created_at=timezone.now())
    client = Client()
    client.force_login(user)
    return client


def revoke_all(name: str) -> None:
    AccessGrant.objects.filter(subject=name).delete()


def regrant(name: str, role: str, namespace: str) -> None:
    revoke_all(name)
    AccessGrant.objects.create(role=role, subject_kind="user", subject=name,
                               namespace=namespace, created_at=timezone.now())


def buttons(html: str) -> set[str]:
    """The actions of every button in some markup."""
    return set(_BUTTON.findall(html))


def rollout_key(namespace: str):  # noqa: ANN201 - a RolloutKey
    return key(namespace, ROLLOUTS[namespace])


async def socket_as(client: Client | None, path: str) -> tuple[WebsocketCommunicator, bool]:
    """A websocket from the browser holding `client`'s session (None: no session)."""
    from dashboard.asgi import application

    headers = [HOST, ORIGIN]
    if client is not None:
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect(timeout=5)
    return communicator, connected


a_mirror_all = database_sync_to_async(mirror_all)
a_person = database_sync_to_async(person)
a_revoke_all = database_sync_to_async(revoke_all)
a_regrant = database_sync_to_async(regrant)
