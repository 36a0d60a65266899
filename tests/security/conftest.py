"""Fixtures of the security tests: simcluster with controllers, reached with the official client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from kubernetes import client as k8s
from kubernetes import config as k8s_config

from simcluster.cluster import SimCluster


@pytest.fixture
def sim(make_simcluster: Callable[..., SimCluster], settings: Any) -> SimCluster:
    """Controllers on (ReplicaSets and pods appear); the dashboard's settings point at it."""
    cluster = make_simcluster(controllers=True)
    settings.KUBECONFIG = str(cluster.kubeconfig)
    settings.KUBE_CONTEXT = ""
    settings.ROLLOUTS_CLUSTER_NAME = "default"
    settings.ROLLOUTS_REQUEST_TIMEOUT = 5.0
    return cluster


@pytest.fixture
def kube(sim: SimCluster) -> Iterator[k8s.ApiClient]:
    api = k8s_config.new_client_from_config(config_file=str(sim.kubeconfig))
    yield api
    api.close()
