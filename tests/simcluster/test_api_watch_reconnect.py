"""How watch streams end: the server's maximum duration, and dropped watches (clean or abrupt)."""

from __future__ import annotations

import json
import threading
import time
import urllib.request

import pytest
from kubernetes import watch
from urllib3.exceptions import ProtocolError

from tests.simcluster import manifests
from tests.simcluster.conftest import NAMESPACE


def _when_watching(sim, action, *, opened: int = 1) -> threading.Thread:
    """Run `action` once `opened` watch requests have reached the server."""

    def run() -> None:
        deadline = time.monotonic() + 5
        while len(sim.watch_requests()) < opened and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.05)
        action()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_the_server_maximum_duration_makes_the_client_reconnect_from_its_last_version(
        make_simcluster, core_for):
    sim = make_simcluster(max_watch_seconds=0.4)
    sim.store.create("namespaces", {"metadata": {"name": NAMESPACE}})
    sim.store.create("pods", manifests.pod(NAMESPACE, "first"))
    rv = str(sim.store.resource_version - 1)
    _when_watching(sim, lambda: sim.store.create("pods", manifests.pod(NAMESPACE, "second")),
                   opened=2)
    w = watch.Watch()
    names = []
    for event in w.stream(core_for(sim).list_namespaced_pod, NAMESPACE, resource_version=rv):
        names.append(event["object"].metadata.name[-6:])
        if len(names) == 2:
            w.stop()
            break
    assert names == ["-first", "second"]
    requests = sim.watch_requests()
    assert requests[0]["query"]["resourceVersion"] == rv
    assert requests[1]["query"]["resourceVersion"] == str(int(rv) + 1)


def test_an_abrupt_drop_surfaces_as_a_protocol_error(sim, core):
    _when_watching(sim, lambda: sim.drop_watches(abrupt=True))
    with pytest.raises(ProtocolError):
        list(watch.Watch().stream(core.list_namespaced_pod, NAMESPACE,
                                  resource_version=str(sim.store.resource_version)))


def test_a_clean_drop_lets_the_client_reconnect_and_carry_on(sim, core):
    rv = str(sim.store.resource_version)
    _when_watching(sim, lambda: (sim.store.create("pods", manifests.pod(NAMESPACE, "one")),
                                 sim.drop_watches(abrupt=False)))
    _when_watching(sim, lambda: sim.store.create("pods", manifests.pod(NAMESPACE, "two")),
                   opened=2)
    w = watch.Watch()
    names = []
    for event in w.stream(core.list_namespaced_pod, NAMESPACE, resource_version=rv):
        names.append(event["object"].metadata.name[-3:])
        if len(names) == 2:
            w.stop()
            break
    assert names == ["one", "two"]
    assert len(sim.watch_requests()) == 2


def test_a_clean_drop_just_ends_a_watch_that_has_a_timeout(sim, core):
    _when_watching(sim, lambda: sim.drop_watches(abrupt=False))
    started = time.monotonic()
    events = list(watch.Watch().stream(core.list_namespaced_pod, NAMESPACE, timeout_seconds=10,
                                       resource_version=str(sim.store.resource_version)))
    assert events == []
    assert time.monotonic() - started < 5
    assert len(sim.watch_requests()) == 1


def test_drop_watches_over_http_reports_how_many_it_ended(sim, core):
    def drop() -> None:
        request = urllib.request.Request(f"{sim.url}/_sim/drop-watches", method="POST",
                                         data=json.dumps({"abrupt": False}).encode())
        with urllib.request.urlopen(request, timeout=5) as response:
            dropped.append(json.loads(response.read())["dropped"])

    dropped: list[int] = []
    dropper = _when_watching(sim, drop)
    list(watch.Watch().stream(core.list_namespaced_pod, NAMESPACE, timeout_seconds=10,
                              resource_version=str(sim.store.resource_version)))
    dropper.join(timeout=5)
    assert dropped == [1]


def test_a_watch_whose_client_went_away_is_cleaned_up_without_waiting_for_a_write(sim, core):
    response = core.list_namespaced_pod(NAMESPACE, watch=True, _preload_content=False,
                                        resource_version=str(sim.store.resource_version))
    deadline = time.monotonic() + 5
    while not sim.server.watches and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(sim.server.watches) == 1
    response.close()
    response.release_conn()
    while sim.server.watches and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sim.server.watches == set()
