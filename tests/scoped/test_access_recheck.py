"""An open socket follows its user's access within seconds: a removed grant closes it for good
(4403), a narrowed one makes it reconnect (1012) into the narrower scope, a session that
ended signs it out; each first replaces the live indicator with a notice."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.contrib.sessions.models import Session

from tests.live.support import by_id
from tests.scoped.support import a_mirror_all, a_person, a_regrant, a_revoke_all, socket_as

pytestmark = pytest.mark.django_db(transaction=True)


async def _closing(page) -> tuple[str, int]:  # noqa: ANN001 - a WebsocketCommunicator
    """The notice frame and the close code that follow it."""
    notice = await page.receive_from(timeout=5)
    closed = await page.receive_output(timeout=5)
    assert closed["type"] == "websocket.close"
    return by_id(notice)["live-status"].content, closed["code"]


@pytest.mark.parametrize("path", ["/ws/overview", "/ws/rollouts/my-demo/rollouts-demo"])
async def test_a_removed_grant_closes_the_socket_for_good(path: str) -> None:
    await a_mirror_all()
    page, _ = await socket_as(await a_person("vera"), path)
    await page.receive_from(timeout=5)
    await a_revoke_all("vera")
    notice, code = await _closing(page)
    assert code == 4403
    assert "access changed" in notice


async def test_a_narrowed_grant_closes_the_socket_for_a_reconnect() -> None:
    await a_mirror_all()
    page, _ = await socket_as(await a_person("ada"), "/ws/overview")
    await page.receive_from(timeout=5)
    await a_regrant("ada", "viewer", "my-demo")
    notice, code = await _closing(page)
    assert (notice, code) == ("Your access changed — reloading", 1012)


async def test_the_reconnect_after_a_narrowed_grant_gets_the_narrower_scope() -> None:
    await a_mirror_all()
    ada = await a_person("ada")
    await a_regrant("ada", "viewer", "my-demo")
    page, connected = await socket_as(ada, "/ws/overview")
    assert connected
    snapshot = await page.receive_from(timeout=5)
    assert 'id="row--default--team-a--api"' not in snapshot
    assert "data-act=" not in snapshot
    await page.disconnect()


async def test_a_session_that_ended_signs_the_socket_out() -> None:
    await a_mirror_all()
    page, _ = await socket_as(await a_person("otto"), "/ws/overview")
    await page.receive_from(timeout=5)
    await sync_to_async(lambda: Session.objects.all().delete())()
    notice, code = await _closing(page)
    assert (notice, code) == ("Signed out — sign in again", 4403)


async def test_an_unchanged_access_keeps_the_socket_open() -> None:
    await a_mirror_all()
    page, _ = await socket_as(await a_person("otto"), "/ws/overview")
    await page.receive_from(timeout=5)
    # Several rechecks (every 0.2 s here) pass without a word.
    assert await page.receive_nothing(timeout=1.0)
    await page.disconnect()
