"""A live socket carries only rollouts its user may see, with only the buttons they may use:
in its snapshot and in every update, whatever the publisher sends to the groups."""

from __future__ import annotations

import re

import pytest

from tests.live.support import a_put_rollout, snapshot_rows
from tests.scoped.support import (
    ADMIN_ONLY,
    ROLLOUTS,
    SEES,
    a_mirror_all,
    a_person,
    buttons,
    rollout_key,
    socket_as,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _namespaces(frame: str) -> set[str]:
    return set(re.findall(r'id="row--default--([a-z0-9-]+)--', frame))


@pytest.mark.parametrize("name", ["vera", "otto", "ada"])
async def test_an_overview_socket_starts_from_only_the_users_rollouts(name: str) -> None:
    await a_mirror_all()
    page, connected = await socket_as(await a_person(name), "/ws/overview")
    assert connected
    try:
        snapshot = await page.receive_from(timeout=5)
        assert {row.split("--")[2] for row in snapshot_rows(snapshot)} == SEES[name]
    finally:
        await page.disconnect()


@pytest.mark.parametrize("name", ["vera", "otto", "ada"])
async def test_changes_outside_the_users_scope_never_reach_their_socket(name: str,
                                                                       publisher) -> None:
    await a_mirror_all()
    page, _ = await socket_as(await a_person(name), "/ws/overview")
    try:
        await page.receive_from(timeout=5)
        for namespace in ROLLOUTS:
            await a_put_rollout(namespace, ROLLOUTS[namespace], message=f"changed {namespace}")
        await publisher.publish([rollout_key(ns) for ns in ROLLOUTS], [])
        await publisher.settled()
        frames = []
        while not await page.receive_nothing(timeout=0.3):
            frames.append(await page.receive_from(timeout=1))
        assert _namespaces("".join(frames)) == SEES[name]
    finally:
        await page.disconnect()


async def test_a_viewers_sockets_carry_no_button_markup(publisher) -> None:
    await a_mirror_all()
    vera = await a_person("vera")
    overview, _ = await socket_as(vera, "/ws/overview")
    detail, _ = await socket_as(vera, "/ws/rollouts/my-demo/rollouts-demo")
    try:
        frames = [await overview.receive_from(timeout=5), await detail.receive_from(timeout=5)]
        await a_put_rollout("my-demo", "rollouts-demo", message="a change for viewers")
        await publisher.publish([rollout_key("my-demo")], [])
        frames += [await overview.receive_from(timeout=5), await detail.receive_from(timeout=5)]
        assert all("a change for viewers" in frame for frame in frames[2:])
        assert buttons("".join(frames)) == set()
    finally:
        await overview.disconnect()
        await detail.disconnect()


async def test_an_operators_detail_socket_carries_no_rollback_or_set_image(publisher) -> None:
    await a_mirror_all()
    detail, _ = await socket_as(await a_person("otto"), "/ws/rollouts/my-demo/rollouts-demo")
    try:
        frames = [await detail.receive_from(timeout=5)]
        await a_put_rollout("my-demo", "rollouts-demo", message="a change for operators")
        await publisher.publish([rollout_key("my-demo")], [])
        frames.append(await detail.receive_from(timeout=5))
        assert "promote" in buttons("".join(frames))
        assert buttons("".join(frames)) & set(ADMIN_ONLY) == set()
    finally:
        await detail.disconnect()


async def test_a_detail_socket_of_a_rollout_outside_the_scope_is_refused() -> None:
    await a_mirror_all()
    page, connected = await socket_as(await a_person("otto"), "/ws/rollouts/secret/vault")
    assert not connected
    await page.disconnect()


@pytest.mark.parametrize("name", ["nobody", None])
async def test_an_overview_socket_of_someone_who_may_see_nothing_is_refused(
        name: str | None) -> None:
    await a_mirror_all()
    client = await a_person(name) if name else None
    page, connected = await socket_as(client, "/ws/overview")
    assert not connected
    await page.disconnect()
