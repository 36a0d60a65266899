"""Rendering stays once per change per permission set, never per viewer: nine sockets of three
roles cost three renders of a changed row (and of a changed detail page), and each socket gets
the rendering of its own role."""

from __future__ import annotations

import asyncio

import pytest

from tests.live.support import a_put_rollout
from tests.scoped.support import ADMIN_ONLY, a_mirror_all, a_person, buttons, rollout_key, socket_as

pytestmark = pytest.mark.django_db(transaction=True)
ROLES = ("viewer", "operator", "admin")
PER_ROLE = 3


async def _sockets(path: str) -> dict[str, list]:
    pages: dict[str, list] = {}
    for role in ROLES:
        for n in range(PER_ROLE):
            client = await a_person(f"{role}-{n}", ((role, "*"),))
            page, connected = await socket_as(client, path)
            assert connected
            await page.receive_from(timeout=5)
            pages.setdefault(role, []).append(page)
    return pages


async def _one_change(publisher, pages: dict[str, list]) -> dict[str, list[str]]:  # noqa: ANN001
    # Aborted: the buttons change too (Retry), so each role's rendering differs.
    await a_put_rollout("my-demo", "rollouts-demo", phase="Degraded", abort=True,
                        message="one change")
    await publisher.publish([rollout_key("my-demo")], [])
    return {role: await asyncio.gather(*(p.receive_from(timeout=5) for p in group))
            for role, group in pages.items()}


async def _close(pages: dict[str, list]) -> None:
    for group in pages.values():
        for page in group:
            await page.disconnect()


async def test_nine_overview_sockets_of_three_roles_cost_three_row_renders(publisher) -> None:
    await a_mirror_all()
    pages = await _sockets("/ws/overview")
    try:
        frames = await _one_change(publisher, pages)
        await publisher.settled()
        assert publisher.stats.rows_rendered == len(ROLES)
        for got in frames.values():
            assert len(set(got)) == 1  # the same rendering for everyone of a role
            assert "one change" in got[0]
        assert buttons(frames["viewer"][0]) == set()
        assert "retry" in buttons(frames["operator"][0])
    finally:
        await _close(pages)


async def test_nine_detail_sockets_of_three_roles_cost_three_detail_renders(publisher) -> None:
    await a_mirror_all()
    pages = await _sockets("/ws/rollouts/my-demo/rollouts-demo")
    try:
        frames = await _one_change(publisher, pages)
        await publisher.settled()
        assert publisher.stats.details_rendered == len(ROLES)
        for got in frames.values():
            assert len(set(got)) == 1
        assert buttons(frames["viewer"][0]) == set()
        assert "retry" in buttons(frames["operator"][0])
        assert not set(ADMIN_ONLY) & buttons(frames["operator"][0])
    finally:
        await _close(pages)
