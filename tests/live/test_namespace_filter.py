from __future__ import annotations

import pytest

from rollouts.consumers import requested_namespaces
from tests.live.support import a_put_rollout, connect, replaced_rows, row_id, snapshot_rows

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_page_of_one_namespace_starts_from_and_follows_only_that_namespace(publisher):
    mine = await a_put_rollout("team-a", "web")
    other = await a_put_rollout("team-b", "web")
    filtered = await connect("/ws/overview?namespace=team-a")
    everything = await connect("/ws/overview")
    try:
        assert snapshot_rows(await filtered.receive_from(timeout=5)) == [row_id(mine)]
        assert snapshot_rows(await everything.receive_from(timeout=5)) == [
            row_id(mine), row_id(other)]

        await a_put_rollout("team-b", "web", phase="Degraded", message="RolloutAborted: b")
        await publisher.publish([other], [])
        assert list(replaced_rows(await everything.receive_from(timeout=5))) == [row_id(other)]
        assert await filtered.receive_nothing(timeout=0.3)

        await a_put_rollout("team-a", "web", phase="Degraded", message="RolloutAborted: a")
        await publisher.publish([mine], [])
        assert list(replaced_rows(await filtered.receive_from(timeout=5))) == [row_id(mine)]
        assert list(replaced_rows(await everything.receive_from(timeout=5))) == [row_id(mine)]
    finally:
        await filtered.disconnect()
        await everything.disconnect()


async def test_a_page_of_several_namespaces_gets_each_of_them():
    first = await a_put_rollout("team-a", "web")
    second = await a_put_rollout("team-c", "web")
    await a_put_rollout("team-b", "web")
    page = await connect("/ws/overview?namespace=team-a,team-c")
    try:
        assert snapshot_rows(await page.receive_from(timeout=5)) == [
            row_id(first), row_id(second)]
    finally:
        await page.disconnect()


async def test_a_page_asking_for_an_impossible_namespace_gets_no_rows():
    await a_put_rollout("team-a", "web")
    page = await connect("/ws/overview?namespace=%3Cscript%3E")
    try:
        assert snapshot_rows(await page.receive_from(timeout=5)) == []
    finally:
        await page.disconnect()


def test_namespaces_are_read_from_the_query_string():
    assert requested_namespaces(b"") is None
    assert requested_namespaces(b"namespace=") is None
    assert requested_namespaces(b"namespace=a,b&namespace=a") == ["a", "b"]
    assert requested_namespaces(b"namespace=Bad_Name,ok") == ["ok"]
    assert requested_namespaces(b"namespace=" + b"x" * 64) == []
