"""Watching with the sync official client: list then watch, resume, bookmarks, timeouts."""

from __future__ import annotations

import threading
import time

from kubernetes import watch

from tests.simcluster import manifests
from tests.simcluster.conftest import NAMESPACE

GROUP, VERSION = "argoproj.io", "v1alpha1"


def _collect(stream, count: int, w: watch.Watch) -> list[dict]:
    events = []
    for event in stream:
        if event is None:
            continue
        events.append(event)
        if len(events) == count:
            w.stop()
            break
    return events


def _later(delay: float, action) -> threading.Thread:
    def run() -> None:
        time.sleep(delay)
        action()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_watching_from_a_lists_resource_version_sends_only_later_changes(sim, core):
    sim.store.create("pods", manifests.pod(NAMESPACE, "before"))
    listed = core.list_namespaced_pod(NAMESPACE)
    sim.store.create("pods", manifests.pod(NAMESPACE, "after"))
    sim.store.delete("pods", NAMESPACE, f"rollouts-demo-{manifests.POD_HASH}-before")
    w = watch.Watch()
    events = _collect(w.stream(core.list_namespaced_pod, NAMESPACE, timeout_seconds=5,
                               resource_version=listed.metadata.resource_version), 2, w)
    assert [(e["type"], e["object"].metadata.name[-6:]) for e in events] == [
        ("ADDED", "-after"), ("DELETED", "before")]
    assert type(events[0]["object"]).__name__ == "V1Pod"
    assert w.resource_version == str(sim.store.resource_version)


def test_live_changes_arrive_while_the_watch_is_open(sim, custom):
    sim.store.create("rollouts", manifests.rollout(NAMESPACE))
    rv = str(sim.store.resource_version)
    _later(0.1, lambda: sim.store.mutate("rollouts", NAMESPACE, "rollouts-demo",
                                         lambda r: r["status"].update(phase="Paused")))
    w = watch.Watch()
    events = _collect(w.stream(custom.list_namespaced_custom_object, GROUP, VERSION, NAMESPACE,
                               "rollouts", resource_version=rv, timeout_seconds=5), 1, w)
    assert events[0]["type"] == "MODIFIED"
    assert events[0]["object"]["status"]["phase"] == "Paused"
    assert events[0]["object"]["apiVersion"] == "argoproj.io/v1alpha1"
    assert events[0]["object"]["kind"] == "Rollout"


def test_a_watch_without_a_resource_version_starts_with_the_current_state(sim, core):
    for suffix in ("aaaaa", "bbbbb"):
        sim.store.create("pods", manifests.pod(NAMESPACE, suffix))
    w = watch.Watch()
    events = _collect(w.stream(core.list_namespaced_pod, NAMESPACE, timeout_seconds=5), 2, w)
    assert [e["type"] for e in events] == ["ADDED", "ADDED"]
    assert sorted(e["object"].metadata.name[-5:] for e in events) == ["aaaaa", "bbbbb"]


def test_resuming_from_an_older_resource_version_replays_the_history(sim, custom):
    sim.store.create("rollouts", manifests.rollout(NAMESPACE))
    resume_from = str(sim.store.resource_version)
    for phase in ("Progressing", "Paused", "Healthy"):
        sim.store.mutate("rollouts", NAMESPACE, "rollouts-demo",
                         lambda r, p=phase: r["status"].update(phase=p))
    w = watch.Watch()
    events = _collect(w.stream(custom.list_namespaced_custom_object, GROUP, VERSION, NAMESPACE,
                               "rollouts", resource_version=resume_from, timeout_seconds=5), 3, w)
    assert [e["object"]["status"]["phase"] for e in events] == ["Progressing", "Paused",
                                                                 "Healthy"]


def test_bookmarks_arrive_only_when_asked_and_carry_the_current_resource_version(sim, custom):
    sim.store.create("configmaps", {"metadata": {"name": "noise", "namespace": NAMESPACE}})
    rv = str(sim.store.resource_version)
    w = watch.Watch()
    events = _collect(w.stream(custom.list_namespaced_custom_object, GROUP, VERSION, NAMESPACE,
                               "rollouts", resource_version=rv, allow_watch_bookmarks=True,
                               timeout_seconds=5), 2, w)
    assert [e["type"] for e in events] == ["BOOKMARK", "BOOKMARK"]
    assert events[0]["object"]["metadata"]["resourceVersion"] == rv
    assert events[0]["object"]["kind"] == "Rollout"

    quiet = list(watch.Watch().stream(custom.list_namespaced_custom_object, GROUP, VERSION,
                                      NAMESPACE, "rollouts", resource_version=rv,
                                      timeout_seconds=1))
    assert quiet == []


def test_timeout_seconds_ends_the_stream_cleanly_with_a_final_bookmark(sim, core):
    sim.set_bookmark_interval(30)
    rv = str(sim.store.resource_version)
    started = time.monotonic()
    events = list(watch.Watch().stream(core.list_namespaced_pod, NAMESPACE, resource_version=rv,
                                       allow_watch_bookmarks=True, timeout_seconds=1))
    elapsed = time.monotonic() - started
    assert 0.9 <= elapsed < 5
    assert [e["type"] for e in events] == ["BOOKMARK"]


def test_a_quiet_kind_still_advances_with_bookmarks_while_others_are_busy(sim, custom):
    rv = str(sim.store.resource_version)

    def busy() -> None:
        for n in range(5):
            sim.store.create("configmaps", {"metadata": {"name": f"c{n}", "namespace": NAMESPACE}})

    _later(0.05, busy)
    w = watch.Watch()
    for event in w.stream(custom.list_namespaced_custom_object, GROUP, VERSION, NAMESPACE,
                          "rollouts", resource_version=rv, allow_watch_bookmarks=True,
                          timeout_seconds=5):
        if int(event["object"]["metadata"]["resourceVersion"]) >= int(rv) + 5:
            w.stop()
            break
    assert int(w.resource_version) == int(rv) + 5
