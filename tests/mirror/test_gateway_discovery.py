from __future__ import annotations

import pytest

from rollouts.gateway import AsyncGateway, Gateway
from rollouts.kinds import ClusterConfig, choose_discovery
from tests.mirror.helpers import config_for
from tests.mirror.objects import virtualservice

ISTIO = {"virtualservices", "destinationrules", "gateways"}
ARGO = {"rollouts", "analysisruns", "experiments", "analysistemplates"}


def test_it_prefers_the_newest_istio_version_the_cluster_serves():
    both = {"networking.istio.io/v1beta1": ISTIO, "networking.istio.io/v1alpha3": ISTIO,
            "argoproj.io/v1alpha1": ARGO}
    assert choose_discovery(both, "auto").istio_version == "v1beta1"
    assert choose_discovery({**both, "networking.istio.io/v1": ISTIO}, "auto").istio_version == "v1"
    assert choose_discovery(both, "v1alpha3").istio_version == "v1alpha3"


def test_it_names_the_kinds_a_cluster_without_istio_or_argo_lacks():
    found = choose_discovery({"argoproj.io/v1alpha1": {"rollouts"}}, "auto")
    assert found.istio_version is None
    assert found.missing == {"analysisruns", "experiments", "virtualservices", "destinationrules"}


def test_it_discovers_the_simulated_cluster_over_http(simcluster):
    found = Gateway(config_for(simcluster)).discover()
    assert found.istio_version == "v1" and found.missing == frozenset()


def test_a_configured_istio_version_is_used_as_is(simcluster):
    simcluster.store.create("namespaces", {"metadata": {"name": "my-demo"}})
    simcluster.store.create("virtualservices", virtualservice("rollouts-demo", "my-demo"))
    config = ClusterConfig(kubeconfig=str(simcluster.kubeconfig), istio_version="v1beta1")
    vs = Gateway(config).get("virtualservices", "my-demo", "rollouts-demo-vsvc")
    assert vs["apiVersion"] == "networking.istio.io/v1beta1"


@pytest.mark.parametrize("missing", ["argoproj.io", "networking.istio.io"])
async def test_a_group_the_server_does_not_serve_is_reported_missing(simcluster, missing):
    simcluster.fail_next(404, method="GET", path=f"^/apis/{missing}/", count=10)
    async with AsyncGateway(config_for(simcluster)) as gateway:
        found = await gateway.discover()
    lost = {"rollouts", "analysisruns", "experiments"} if missing == "argoproj.io" else {
        "virtualservices", "destinationrules"}
    assert found.missing == lost
