"""At startup each kind's first list is committed as it comes in: a new rollout is served
before the last kind is listed, and its info and timeline are computed once all are in."""

from __future__ import annotations

from datetime import UTC, datetime

from rollouts.mirror_batch import BatchProcessor
from simcluster.store import Store
from tests.mirror.objects import seed_rollout_tree

AT = datetime(2025, 7, 16, 13, 45, tzinfo=UTC)
KEY = ("my-demo", "rollouts-demo")


def listed(store: Store, kind: str) -> tuple:
    return ("resync", kind, None, store.list(kind, None))


def cluster() -> Store:
    store = Store()
    seed_rollout_tree(store, "my-demo", "rollouts-demo", replicas=2)
    return store


def test_a_new_rollout_is_written_from_its_own_list_alone_without_a_timeline():
    store, processor = cluster(), BatchProcessor("test")
    batch = processor.process([listed(store, "rollouts")], AT, provisional=True)
    assert KEY in batch.rollouts and batch.rollouts[KEY].info["name"] == "rollouts-demo"
    assert batch.changed == {KEY}
    assert batch.events == []  # no story told from half the objects
    assert KEY not in processor.infos


def test_the_batch_after_the_last_list_computes_the_info_and_the_first_events():
    store, processor = cluster(), BatchProcessor("test")
    processor.process([listed(store, "rollouts")], AT, provisional=True)
    processor.process([listed(store, k) for k in ("services", "virtualservices")], AT,
                      provisional=True)
    final = processor.process([listed(store, k) for k in ("replicasets", "pods")], AT)
    assert final.rollouts[KEY].info["status"] == "Healthy"
    assert final.changed == {KEY}
    assert final.events and all(key == KEY for key, _, _ in final.events)
    assert processor.infos[KEY]["status"] == "Healthy"


def test_a_rollout_known_from_before_keeps_its_info_until_every_list_is_in():
    store, processor = cluster(), BatchProcessor("test")
    processor.process([listed(store, k) for k in ("rollouts", "replicasets", "pods")], AT)
    before = processor.infos[KEY]
    restarted = BatchProcessor("test")
    restarted.load({KEY: before}, {})
    batch = restarted.process([listed(store, "rollouts")], AT, provisional=True)
    assert batch.rollouts[KEY].info_changed is False  # its raw object only
    assert batch.changed == set() and batch.events == []


def test_a_rollout_deleted_before_the_last_list_is_removed_again():
    store, processor = cluster(), BatchProcessor("test")
    processor.process([listed(store, "rollouts")], AT, provisional=True)
    store.delete("rollouts", "my-demo", "rollouts-demo")
    final = processor.process([listed(store, "rollouts")], AT)
    assert KEY in final.removed and KEY not in final.changed
