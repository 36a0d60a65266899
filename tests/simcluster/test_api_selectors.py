"""Label and field selectors on lists and watches, including selector transitions."""

from __future__ import annotations

import json

import pytest
from kubernetes import watch
from kubernetes.client import ApiException

from tests.simcluster import manifests
from tests.simcluster.conftest import NAMESPACE

HASH = manifests.POD_HASH


@pytest.fixture
def pods(sim):
    for suffix, app, phase in [("aaaaa", "rollouts-demo", "Running"),
                               ("bbbbb", "rollouts-demo", "Pending"),
                               ("ccccc", "checkout", "Running")]:
        body = manifests.pod(NAMESPACE, suffix, app=app, phase=phase)
        if suffix == "ccccc":
            body["metadata"]["labels"]["tier"] = "web"
        sim.store.create("pods", body)


def _names(pod_list) -> list[str]:
    return [p.metadata.name[-5:] for p in pod_list.items]


@pytest.mark.parametrize("selector, expected", [
    ("app=rollouts-demo", ["aaaaa", "bbbbb"]),
    ("app==checkout", ["ccccc"]),
    ("app!=checkout", ["aaaaa", "bbbbb"]),
    ("app in (checkout, other)", ["ccccc"]),
    ("app notin (checkout)", ["aaaaa", "bbbbb"]),
    ("tier", ["ccccc"]),
    ("!tier", ["aaaaa", "bbbbb"]),
    (f"rollouts-pod-template-hash={HASH},tier", ["ccccc"]),
    ("", ["aaaaa", "bbbbb", "ccccc"]),
])
def test_label_selectors_filter_lists(pods, core, selector, expected):
    assert _names(core.list_namespaced_pod(NAMESPACE, label_selector=selector)) == expected


@pytest.mark.parametrize("selector, expected", [
    (f"metadata.name=rollouts-demo-{HASH}-bbbbb", ["bbbbb"]),
    (f"metadata.namespace={NAMESPACE}", ["aaaaa", "bbbbb", "ccccc"]),
    ("status.phase=Running", ["aaaaa", "ccccc"]),
    ("status.phase!=Running", ["bbbbb"]),
    ("spec.nodeName=k3d-mycluster-agent-0,status.phase=Pending", ["bbbbb"]),
])
def test_field_selectors_filter_lists(pods, core, selector, expected):
    assert _names(core.list_pod_for_all_namespaces(field_selector=selector)) == expected


@pytest.mark.parametrize("kwargs", [
    {"label_selector": "app in (a"},
    {"label_selector": "app=no spaces allowed"},
    {"field_selector": "spec.containers=x"},
    {"field_selector": "metadata.name"},
])
def test_malformed_or_unsupported_selectors_are_400(pods, core, kwargs):
    with pytest.raises(ApiException) as caught:
        core.list_namespaced_pod(NAMESPACE, **kwargs)
    assert caught.value.status == 400
    assert json.loads(caught.value.body)["reason"] == "BadRequest"


def test_a_watch_sees_objects_leave_and_enter_its_label_selector(sim, pods, core):
    name = f"rollouts-demo-{HASH}-aaaaa"
    rv = str(sim.store.resource_version)

    def relabel(app: str):
        return lambda pod: pod["metadata"]["labels"].update(app=app)

    sim.store.mutate("pods", NAMESPACE, name, relabel("elsewhere"))
    sim.store.mutate("pods", NAMESPACE, f"rollouts-demo-{HASH}-ccccc", relabel("still-out"))
    sim.store.mutate("pods", NAMESPACE, name, relabel("rollouts-demo"))
    sim.store.mutate("pods", NAMESPACE, name, lambda pod: pod["status"].update(phase="Failed"))
    w = watch.Watch()
    events = []
    for event in w.stream(core.list_namespaced_pod, NAMESPACE, label_selector="app=rollouts-demo",
                          resource_version=rv, timeout_seconds=5):
        events.append((event["type"], event["object"].metadata.labels["app"]))
        if len(events) == 3:
            w.stop()
            break
    assert events == [("DELETED", "elsewhere"), ("ADDED", "rollouts-demo"),
                      ("MODIFIED", "rollouts-demo")]


def test_a_single_object_watch_by_field_selector_ignores_its_neighbours(sim, pods, core):
    rv = str(sim.store.resource_version)
    for suffix in ("aaaaa", "bbbbb"):
        sim.store.mutate("pods", NAMESPACE, f"rollouts-demo-{HASH}-{suffix}",
                         lambda pod: pod["status"].update(phase="Succeeded"))
    w = watch.Watch()
    for event in w.stream(core.list_namespaced_pod, NAMESPACE, resource_version=rv,
                          field_selector=f"metadata.name=rollouts-demo-{HASH}-bbbbb",
                          timeout_seconds=5):
        assert event["object"].metadata.name.endswith("bbbbb")
        w.stop()
