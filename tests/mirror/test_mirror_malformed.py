from __future__ import annotations

import pytest

from rollouts.watcher import KindLoop, WatchOptions, malformed
from tests.mirror.helpers import eventually, mirror_converges, rollout_row, start_mirror
from tests.mirror.objects import seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)

GARBAGE_ROLLOUT = {
    "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
    "metadata": {"name": "garbage", "namespace": "my-demo"},
    "spec": {"replicas": "four", "strategy": "canary, please",
             "template": ["not", "a", "pod", "template"]},
    "status": {"pauseConditions": 7, "currentStepIndex": "one", "canary": None,
               "conditions": "all good"},
}


async def test_a_malformed_rollout_is_mirrored_without_stopping_the_watcher(simcluster):
    seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    simcluster.store.create("rollouts", GARBAGE_ROLLOUT)
    simcluster.store.create("pods", {"apiVersion": "v1", "kind": "Pod",
                                     "metadata": {"name": "orphan", "namespace": "my-demo"},
                                     "spec": "no", "status": 42})
    running = await start_mirror(simcluster)
    try:
        await mirror_converges(simcluster)

        def garbage_has_a_row_that_says_so():
            row = rollout_row("my-demo", "garbage")
            assert row.raw["spec"]["strategy"] == "canary, please"
            assert row.info["name"] == "garbage"

        await eventually(garbage_has_a_row_that_says_so)
        # …and everything after it still flows.
        simcluster.store.mutate("rollouts", "my-demo", "rollouts-demo",
                                lambda ro: ro["status"].update({"readyReplicas": 1}))
        simcluster.store.delete("rollouts", "my-demo", "garbage")
        await mirror_converges(simcluster)
    finally:
        await running.close()


class RecordingSink:
    def __init__(self) -> None:
        self.applied: list[tuple[str, str, dict]] = []

    def resync(self, kind, scope, items) -> None: ...

    def apply(self, kind, event_type, obj) -> None:
        self.applied.append((kind, event_type, obj))

    def health(self, kind, state, message="", *, scope=None) -> None: ...


def test_events_the_watcher_cannot_mirror_are_skipped_and_the_next_ones_applied(caplog):
    sink = RecordingSink()
    loop = KindLoop(None, sink, "pods", None, WatchOptions())
    good = {"metadata": {"name": "p", "namespace": "ns", "resourceVersion": "12"}}
    for event_type, obj in [
        ("ADDED", "not an object"),
        ("ADDED", {"metadata": {"namespace": "ns"}}),
        ("MODIFIED", {"metadata": {"name": "p", "namespace": 3}}),
        ("MODIFIED", {"metadata": None}),
        ("MALFORMED", "{not json"),
        ("ADDED", good),
    ]:
        loop.handle(event_type, obj)
    assert sink.applied == [("pods", "ADDED", good)]
    assert loop.rv == "12"
    assert sum("skipped" in r.getMessage() for r in caplog.records) == 5


def test_malformed_says_what_is_wrong():
    assert malformed([]) == "not an object but list"
    assert malformed({"metadata": {"name": "x"}}) == "no metadata.namespace"
    assert malformed({"metadata": {"name": "x", "namespace": "y"}}) is None
