"""The SimCluster facade: posing state, lifecycle, and its safety checks."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from kubernetes import client

from simcluster.cluster import SimCluster
from tests.simcluster import manifests
from tests.simcluster.conftest import NAMESPACE


def test_apply_poses_any_state_including_status(sim):
    [stored] = sim.apply([manifests.rollout(NAMESPACE)])
    assert stored["status"]["phase"] == "Healthy"
    changed = manifests.rollout(NAMESPACE)
    changed["status"]["phase"] = "Paused"
    changed["spec"]["replicas"] = 2
    [again] = sim.apply([changed])
    assert (again["spec"]["replicas"], again["status"]["phase"]) == (2, "Paused")
    [text] = sim.apply("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
                       f"  namespace: {NAMESPACE}\ndata:\n  a: '1'\n")
    assert text["data"] == {"a": "1"}


def test_apply_of_an_unserved_kind_says_so(sim):
    with pytest.raises(ValueError, match="does not serve example.com/v1/Widget"):
        sim.apply([{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}])


def test_the_empty_seed_gives_the_standard_namespaces(simcluster):
    names = {ns["metadata"]["name"] for ns in simcluster.store.list("namespaces")}
    assert {"default", "kube-system"} <= names


def test_clusters_from_the_factory_are_independent_and_reachable(make_simcluster, core_for):
    first, second = make_simcluster(), make_simcluster(bookmark_interval=5)
    assert first.url != second.url
    first.store.create("namespaces", {"metadata": {"name": "only-in-first"}})
    names = {n.metadata.name for n in core_for(second).list_namespace().items}
    assert "only-in-first" not in names
    assert second.settings.bookmark_interval == 5


def test_a_stopped_cluster_no_longer_answers(make_simcluster):
    cluster = make_simcluster()
    cluster.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{cluster.url}/version", timeout=2)


def test_a_non_loopback_host_is_refused_unless_allowed():
    with pytest.raises(ValueError, match="refusing to listen on '10.1.2.3'"):
        SimCluster(host="10.1.2.3")
    SimCluster(host="10.1.2.3", allow_remote=True)  # constructing binds nothing yet


def test_authorization_headers_are_ignored(sim, api):
    api.configuration.api_key = {"BearerToken": "Bearer something-else-entirely"}
    assert client.CoreV1Api(api).list_namespaced_pod(NAMESPACE).items == []
