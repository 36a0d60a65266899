from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from kubernetes import client, config

from simcluster.cluster import SimCluster

NAMESPACE = "shop"
UPSTREAM = Path(__file__).resolve().parents[2] / ".." / "shared" / "upstream"


@pytest.fixture
def sim(simcluster: SimCluster) -> SimCluster:
    """A cluster with the test namespace in it (the seeds may or may not create `default`)."""
    simcluster.store.create("namespaces", {"metadata": {"name": NAMESPACE}})
    return simcluster


@pytest.fixture
def api(sim: SimCluster) -> Iterator[client.ApiClient]:
    """The unmodified official client, configured from the cluster's kubeconfig file."""
    api_client = config.new_client_from_config(str(sim.kubeconfig))
    yield api_client
    api_client.close()


@pytest.fixture
def core(api: client.ApiClient) -> client.CoreV1Api:
    return client.CoreV1Api(api)


@pytest.fixture
def custom(api: client.ApiClient) -> client.CustomObjectsApi:
    return client.CustomObjectsApi(api)


@pytest.fixture
def api_for() -> Iterator:
    """`api_for(cluster)`: an official ApiClient for a cluster made with `make_simcluster`."""
    made: list[client.ApiClient] = []

    def make(cluster: SimCluster) -> client.ApiClient:
        made.append(config.new_client_from_config(str(cluster.kubeconfig)))
        return made[-1]

    yield make
    for api_client in made:
        api_client.close()


@pytest.fixture
def custom_for(api_for):
    return lambda cluster: client.CustomObjectsApi(api_for(cluster))


@pytest.fixture
def core_for(api_for):
    return lambda cluster: client.CoreV1Api(api_for(cluster))


@pytest.fixture
def kubectl() -> str:
    path = shutil.which("kubectl")
    if path is None:
        pytest.skip("kubectl is not on PATH")
    return path


@pytest.fixture
def upstream() -> Path:
    if not UPSTREAM.is_dir():
        pytest.skip(f"upstream manifests are not available at {UPSTREAM}")
    return UPSTREAM.resolve()


ANY_RESPONSE = {"2XX": "object", "4XX": "object", "5XX": "object"}


def raw(api: client.ApiClient, method: str, path: str, body=None,
        headers: dict[str, str] | None = None, query: list | None = None):
    """A request through the official client's own machinery, for paths it has no method for.
    Returns the ApiResponse; raises ApiException for an error status like every client call."""
    header_params = {"Accept": "application/json", **(headers or {})}
    params = api.param_serialize(method, path, query_params=query or [],
                                 header_params=header_params, body=body)
    response = api.call_api(*params)
    response.read()
    return api.response_deserialize(response, ANY_RESPONSE)


def run_kubectl(kubectl: str, cluster: SimCluster, *args: str, stdin: str | None = None,
                timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([kubectl, "--kubeconfig", str(cluster.kubeconfig), *args],
                          input=stdin, capture_output=True, text=True, timeout=timeout)
