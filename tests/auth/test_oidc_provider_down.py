"""SSO with the provider away: the dashboard starts anyway and says why sign-in cannot work."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from simcluster.cluster import SimCluster
from tests.auth.support import start
from tests.servers import Dashboard, free_port

NOWHERE = f"http://127.0.0.1:{free_port()}"  # nothing listens there

@pytest.fixture(scope="module")
def sso(cluster: SimCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    server = start(cluster.kubeconfig, tmp_path_factory.mktemp("sso-down"), ROLLOUTS_AUTH="oidc",
                   ROLLOUTS_OIDC_ISSUER=NOWHERE, ROLLOUTS_OIDC_CLIENT_ID="rollouts")
    yield server
    server.stop()


def test_signing_in_explains_that_the_provider_cannot_be_reached(sso: Dashboard) -> None:
    response = requests.get(f"{sso.url}/signin?next=/", timeout=30)
    assert response.status_code == 503
    assert ("The identity provider cannot be reached: cannot read "
            f"{NOWHERE}/.well-known/openid-configuration") in response.text


def test_the_api_still_answers_without_the_provider(sso: Dashboard) -> None:
    response = requests.get(f"{sso.url}/api/v1/rollouts", timeout=30)
    assert response.status_code == 401
