from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from rollouts.gateway import Gateway
from rollouts.kinds import ClusterConfig


@pytest.fixture
def cluster(simcluster: Any, settings: Any) -> Any:
    """simcluster with controllers off; the dashboard's settings point at its kubeconfig."""
    settings.KUBECONFIG = str(simcluster.kubeconfig)
    settings.KUBE_CONTEXT = ""
    settings.ROLLOUTS_CLUSTER_NAME = "default"
    settings.ROLLOUTS_PROMOTE_FULL_WAIT = 2.0
    settings.ROLLOUTS_REQUEST_TIMEOUT = 5.0
    # No controller runs here to react to an action, so none is waited for.
    settings.ROLLOUTS_ACTION_SETTLE_SECONDS = 0.0
    return simcluster


@pytest.fixture
def gateway(cluster: Any) -> Iterator[Gateway]:
    gateway = Gateway(ClusterConfig.from_settings())
    yield gateway
    gateway.close()
