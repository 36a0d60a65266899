"""One demo cluster and one daphne with local accounts for the sign-in tests over HTTP.

Accounts: `alice` operator in my-demo only, `bob` viewer everywhere, `carol` admin everywhere;
anonymous may do nothing (ROLLOUTS_ANONYMOUS_ROLE=none). `audit_token` is an admin token for
reading what the tests did.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from simcluster.cluster import SimCluster
from tests.auth.support import NAME, NS, add_user, create_token, start, wait_for
from tests.servers import Dashboard


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimCluster]:
    sim = SimCluster(seeds=("demo",), controllers=True, speed=4.0)
    sim.start()
    sim.kubeconfig = sim.write_kubeconfig(tmp_path_factory.mktemp("cluster") / "kubeconfig")
    yield sim
    sim.stop()


@pytest.fixture(scope="session")
def local(cluster: SimCluster, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[Dashboard]:
    server = start(cluster.kubeconfig, tmp_path_factory.mktemp("local"), ROLLOUTS_AUTH="local",
                   ROLLOUTS_ACTION_COOLDOWN="0")
    add_user(server, "alice", ("operator", NS))
    add_user(server, "bob", ("viewer", "*"))
    add_user(server, "carol", ("admin", "*"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def audit_token(local: Dashboard) -> str:
    token = create_token(local, "audit", "admin", "*")

    def mirrored() -> bool:
        response = requests.get(f"{local.url}/api/v1/rollouts/{NS}/{NAME}", timeout=30,
                                headers={"Authorization": f"Bearer {token}"})
        return response.status_code == 200

    wait_for("the watcher to mirror the guide's rollout", mirrored)
    return token
