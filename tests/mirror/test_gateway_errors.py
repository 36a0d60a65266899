from __future__ import annotations

import socket

import pytest

from rollouts.errors import (
    ClusterError,
    Conflict,
    Forbidden,
    NotFound,
    Unreachable,
)
from rollouts.gateway import Gateway
from rollouts.kinds import ClusterConfig
from tests.mirror.helpers import config_for
from tests.mirror.objects import seed_rollout_tree


@pytest.fixture
def gateway(simcluster):
    seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo", replicas=1)
    gateway = Gateway(config_for(simcluster))
    yield gateway
    gateway.close()


def test_a_missing_object_is_not_found_with_the_servers_message(gateway):
    with pytest.raises(NotFound) as caught:
        gateway.get("rollouts", "my-demo", "nope")
    assert caught.value.status == 404 and caught.value.reason == "NotFound"
    assert '"nope" not found' in caught.value.message


def test_a_stale_resource_version_is_a_conflict(gateway):
    ro = gateway.get("rollouts", "my-demo", "rollouts-demo")
    gateway.patch("rollouts", "my-demo", "rollouts-demo", {"spec": {"paused": True}})
    with pytest.raises(Conflict):
        gateway.replace("rollouts", "my-demo", "rollouts-demo", ro)


def test_refused_credentials_are_forbidden(simcluster, gateway):
    simcluster.fail_next(403, method="PATCH")
    with pytest.raises(Forbidden) as caught:
        gateway.patch("rollouts", "my-demo", "rollouts-demo", {"spec": {"paused": True}})
    assert caught.value.status == 403


def test_reads_ride_out_a_transient_500_but_not_a_lasting_one(simcluster, gateway):
    simcluster.fail_next(500, method="GET", path="rollouts", count=2)
    assert gateway.get("rollouts", "my-demo", "rollouts-demo")["metadata"]["name"]
    simcluster.fail_next(500, method="GET", path="rollouts", count=3)
    with pytest.raises(Unreachable) as caught:
        gateway.get("rollouts", "my-demo", "rollouts-demo")
    assert caught.value.status == 500


def test_writes_are_never_repeated_behind_the_callers_back(simcluster, gateway):
    simcluster.fail_next(503, method="PATCH", count=1)
    with pytest.raises(Unreachable):
        gateway.patch("rollouts", "my-demo", "rollouts-demo", {"spec": {"paused": True}})
    assert gateway.get("rollouts", "my-demo", "rollouts-demo")["spec"].get("paused") is None


def test_a_cluster_that_is_not_there_is_unreachable(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: gone\n"
        f"clusters: [{{name: gone, cluster: {{server: 'http://127.0.0.1:{port}'}}}}]\n"
        "users: [{name: u, user: {token: t}}]\n"
        "contexts: [{name: gone, context: {cluster: gone, user: u}}]\n"
    )
    gateway = Gateway(ClusterConfig(kubeconfig=str(kubeconfig), request_timeout=2.0))
    with pytest.raises(Unreachable) as caught:
        gateway.list("pods")
    assert caught.value.status == 0
    assert isinstance(caught.value, ClusterError)
