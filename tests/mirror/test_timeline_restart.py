from __future__ import annotations

import asyncio

import pytest

from rollouts.models import RolloutEvent
from tests.mirror.helpers import eventually, mirror_converges, start_mirror
from tests.mirror.objects import seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)


def all_events() -> list[tuple[str, str, str]]:
    return list(RolloutEvent.objects.values_list("name", "kind", "message"))


async def test_a_restarted_watcher_does_not_invent_events(simcluster):
    seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    seed_rollout_tree(simcluster.store, "my-demo", "checkout", replicas=2)
    first = await start_mirror(simcluster)
    await mirror_converges(simcluster)
    await first.close()
    before = await asyncio.to_thread(all_events)
    assert sorted(kind for _, kind, _ in before) == ["created", "created"]

    # While nobody watches, one rollout is deleted and the other one aborted.
    simcluster.store.delete("rollouts", "my-demo", "checkout")
    simcluster.store.mutate("rollouts", "my-demo", "rollouts-demo", lambda ro: ro["status"].update(
        {"abort": True, "phase": "Degraded", "message": "RolloutAborted: Rollout aborted update"}))

    second = await start_mirror(simcluster)
    try:
        await mirror_converges(simcluster)

        def only_what_happened_meanwhile_is_added():
            after = all_events()
            assert after[:len(before)] == before
            added = sorted((name, kind) for name, kind, _ in after[len(before):])
            assert ("checkout", "deleted") in added and ("rollouts-demo", "aborted") in added
            # Nothing re-created; the abort also moved the weights (traffic back to stable).
            assert set(added) <= {("checkout", "deleted"), ("rollouts-demo", "aborted"),
                                  ("rollouts-demo", "weight-changed")}, added

        await eventually(only_what_happened_meanwhile_is_added)
        settled = await asyncio.to_thread(all_events)
        await asyncio.sleep(0.5)  # a few more batches: still nothing new
        assert await asyncio.to_thread(all_events) == settled
    finally:
        await second.close()
