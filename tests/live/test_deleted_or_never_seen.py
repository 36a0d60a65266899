"""A detail page whose rollout is not mirrored says "Deleted" only for a rollout the dashboard
has known (a timeline event, or an action that reached it), and "Not found" otherwise."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from rollouts.dom import dom_id
from rollouts.models import ActionRecord
from tests.live.support import a_add_event, a_delete_rollout, a_put_rollout, by_id, connect, key

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def record_action(namespace: str, name: str, outcome: str) -> None:
    ActionRecord.objects.create(cluster="default", namespace=namespace, name=name,
                                action="promote", outcome=outcome, at=timezone.now(),
                                message=f"promote: {outcome}")


async def summary_on_connect(namespace: str, name: str) -> str:
    page = await connect(f"/ws/rollouts/{namespace}/{name}")
    try:
        parts = by_id(await page.receive_from(timeout=5))
    finally:
        await page.disconnect()
    return parts[dom_id("summary", key(namespace, name))].content


async def test_a_rollout_never_seen_is_not_found_rather_than_deleted():
    summary = await summary_on_connect("my-demo", "never-here")
    assert summary.startswith("Not found never-here")
    assert "No rollout 'never-here' in namespace 'my-demo'" in summary
    assert "deleted" not in summary.lower()


async def test_a_rollout_with_timeline_history_is_deleted():
    rollout = await a_put_rollout("my-demo", "gone")
    await a_add_event(rollout, "Rollout created", "created")
    await a_delete_rollout("my-demo", "gone")
    await a_add_event(rollout, "Rollout deleted", "deleted")
    summary = await summary_on_connect("my-demo", "gone")
    assert summary.startswith("Deleted gone")
    assert "This rollout was deleted from the cluster" in summary


async def test_an_action_that_reached_the_rollout_makes_it_known():
    await record_action("my-demo", "acted-on", "ok")
    summary = await summary_on_connect("my-demo", "acted-on")
    assert summary.startswith("Deleted acted-on")


async def test_a_refused_or_failed_action_on_a_name_does_not_make_it_known():
    await record_action("my-demo", "typo", "error")
    await record_action("my-demo", "typo", "refused")
    summary = await summary_on_connect("my-demo", "typo")
    assert summary.startswith("Not found typo")


async def test_the_publisher_tells_an_open_page_of_a_deleted_rollout_that_it_was_deleted(
        publisher):
    rollout = await a_put_rollout("my-demo", "short-lived")
    await a_add_event(rollout, "Rollout created", "created")
    page = await connect("/ws/rollouts/my-demo/short-lived")
    try:
        await page.receive_from(timeout=5)
        await a_delete_rollout("my-demo", "short-lived")
        await a_add_event(rollout, "Rollout deleted", "deleted")
        await publisher.publish([], [rollout])
        gone = by_id(await page.receive_from(timeout=5))[dom_id("summary", rollout)]
        assert gone.content.startswith("Deleted short-lived")
    finally:
        await page.disconnect()
