"""Each overlay renders with `kubectl kustomize`, passes `kubectl apply --dry-run=server`
against simcluster without storing anything, and a real `kubectl apply` stores every object."""

from __future__ import annotations

import pytest
import yaml

from simcluster.cluster import SimCluster
from simcluster.resources import resource_for_kind
from tests.deploy.support import OVERLAYS, kubectl, render
from tests.simcluster.conftest import run_kubectl

pytestmark = pytest.mark.kubectl
WATCHED = ("team-a", "team-b")  # the namespaced overlay's; the cluster's own namespaces


def stored(sim: SimCluster, doc: dict) -> dict | None:
    rtype = resource_for_kind(doc["apiVersion"], doc["kind"])
    assert rtype is not None, f"simcluster does not serve {doc['kind']}"
    namespace = doc["metadata"].get("namespace") if rtype.namespaced else None
    return sim.store.get(rtype.key, namespace, doc["metadata"]["name"])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_overlay_applies_dry_run_then_for_real(simcluster: SimCluster, overlay: str) -> None:
    tool = kubectl()
    manifests = render(overlay)
    docs = [doc for doc in yaml.safe_load_all(manifests) if doc]
    for namespace in ("rollouts-dashboard", *WATCHED):
        # As on a real server, a dry run cannot create the namespace its objects go to.
        simcluster.store.create("namespaces", {"metadata": {"name": namespace}})
    dry = run_kubectl(tool, simcluster, "apply", "--dry-run=server", "-f", "-", stdin=manifests)
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.strip().splitlines()
    assert len(lines) == len(docs) and all(line.endswith("(server dry run)") for line in lines)
    assert [doc["kind"] for doc in docs if doc["kind"] != "Namespace"
            and stored(simcluster, doc) is not None] == []
    real = run_kubectl(tool, simcluster, "apply", "-f", "-", stdin=manifests)
    assert real.returncode == 0, real.stderr
    for doc in docs:
        obj = stored(simcluster, doc)
        assert obj is not None, f"{doc['kind']} {doc['metadata']['name']} was not stored"
        assert obj["metadata"].get("labels", {}) == doc["metadata"].get("labels", {})
