"""A batch whose write failed is kept and folded into the next one: nothing is lost."""

from __future__ import annotations

from datetime import UTC, datetime

from rollouts.mirror_batch import RolloutRow, WriteSet
from rollouts.timeline import TimelineEvent

AT = datetime(2025, 7, 16, 13, 45, tzinfo=UTC)
KEY = ("my-demo", "rollouts-demo")


def pod(name: str, rv: str) -> dict:
    return {"metadata": {"name": name, "namespace": "my-demo", "resourceVersion": rv}}


def test_the_later_batch_wins_object_by_object():
    unwritten = WriteSet()
    unwritten.upsert("pods", ("my-demo", "a"), pod("a", "1"))
    unwritten.upsert("pods", ("my-demo", "b"), pod("b", "2"))
    later = WriteSet()
    later.upsert("pods", ("my-demo", "a"), pod("a", "3"))
    later.delete("pods", ("my-demo", "b"))
    later.upsert("pods", ("my-demo", "c"), pod("c", "4"))
    unwritten.merge(later)
    assert {k: o["metadata"]["resourceVersion"] for k, o in unwritten.upserts["pods"].items()} == {
        ("my-demo", "a"): "3", ("my-demo", "c"): "4"}
    assert unwritten.deletes["pods"] == {("my-demo", "b")}


def test_a_deleted_then_recreated_object_is_upserted_not_deleted():
    unwritten = WriteSet()
    unwritten.delete("pods", ("my-demo", "a"))
    later = WriteSet()
    later.upsert("pods", ("my-demo", "a"), pod("a", "9"))
    unwritten.merge(later)
    assert ("my-demo", "a") in unwritten.upserts["pods"]
    assert ("my-demo", "a") not in unwritten.deletes["pods"]


def test_events_accumulate_and_a_changed_info_stays_changed():
    unwritten = WriteSet(events=[(KEY, "u", TimelineEvent("paused", "Paused", AT))],
                         changed={KEY}, ops=3)
    unwritten.rollouts[KEY] = RolloutRow({"metadata": {}}, {"status": "Paused"}, True, AT)
    later = WriteSet(events=[(KEY, "u", TimelineEvent("resumed", "Resumed", AT))], ops=2)
    later.rollouts[KEY] = RolloutRow({"metadata": {}}, {"status": "Paused"}, False, AT)
    unwritten.merge(later)
    assert [e.kind for _, _, e in unwritten.events] == ["paused", "resumed"]
    assert unwritten.rollouts[KEY].info_changed is True
    assert unwritten.changed == {KEY} and unwritten.ops == 5


def test_a_rollout_removed_later_is_no_longer_reported_changed():
    unwritten = WriteSet(changed={KEY})
    later = WriteSet(removed={KEY})
    later.delete("rollouts", KEY)
    unwritten.merge(later)
    assert unwritten.changed == set() and unwritten.removed == {KEY}
    assert KEY in unwritten.deletes["rollouts"]
