"""Who counts as listening: exact group membership in-process, presence notes across processes
(a Redis layer cannot be asked who is in a group)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from rollouts.access.variants import UI_VERBS, variant_id
from rollouts.live import LivePublisher
from rollouts.live.audience import Audience, mark_present, register_variants
from rollouts.publish import GroupSender, cluster_group, rollout_group, variant_group
from tests.live.support import CLUSTER, a_put_rollout, connect, key

pytestmark = pytest.mark.django_db(transaction=True)
VARIANT = variant_id(UI_VERBS)


@pytest.mark.usefixtures("in_memory_layer")
async def test_in_process_an_open_page_is_the_audience_of_exactly_its_groups():
    audience = Audience(GroupSender())
    demo = key("my-demo", "rollouts-demo")
    assert not audience.watching_row(demo)
    page = await connect("/ws/rollouts/my-demo/rollouts-demo")
    try:
        await page.receive_from(timeout=5)
        assert audience.watching_detail(demo)
        assert not audience.watching_detail(key("my-demo", "other"))
        assert not audience.watching_row(demo)
    finally:
        await page.disconnect()
    assert not audience.watching_detail(demo)


async def test_across_processes_a_recent_presence_note_is_the_audience():
    audience = Audience(GroupSender(), exact=False)
    assert not audience.listening(cluster_group(CLUSTER))
    await mark_present([cluster_group(CLUSTER)])
    assert audience.listening(cluster_group(CLUSTER))
    assert not audience.listening(rollout_group(key("my-demo", "rollouts-demo")))
    cache.clear()  # the note expired
    assert not audience.listening(cluster_group(CLUSTER))


async def test_a_publisher_that_cannot_see_group_members_renders_for_noted_pages_only():
    publisher = LivePublisher(GroupSender(), min_interval=0.05)
    publisher.audience = Audience(publisher.sender, exact=False)
    rollout = await a_put_rollout("my-demo", "rollouts-demo")
    try:
        await publisher.publish([rollout], [])
        await publisher.settled()
        assert publisher.stats.rows_rendered == 0
        await register_variants({VARIANT: UI_VERBS})
        await mark_present([variant_group(cluster_group(CLUSTER), VARIANT)])
        await publisher.publish([rollout], [])
        await publisher.settled()
        assert publisher.stats.rows_rendered == 1
        assert publisher.stats.details_rendered == 0
    finally:
        await publisher.aclose()
