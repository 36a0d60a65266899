"""Every request the dashboard makes — the watcher's lists and watches, and every action's
reads and writes — is one the deploy/ roles grant: the ClusterRole is not only small, it is
enough. (Discovery and version paths are open to every authenticated user.)"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rollouts.actions import run_action
from rollouts.gateway import Gateway
from rollouts.keys import RolloutKey
from rollouts.kinds import ClusterConfig
from simcluster.cluster import SimCluster
from tests.deploy.support import NEEDED
from tests.mirror.objects import seed_analysis_objects, seed_rollout_tree
from tests.ops.support import Watcher, get

pytestmark = pytest.mark.django_db
RESOURCE = re.compile(r"^/(?:api/v1|apis/(?P<group>[^/]+)/[^/]+)(?:/namespaces/[^/]+)?"
                      r"/(?P<resource>[^/]+)(?:/(?P<name>[^/]+)(?:/(?P<sub>[^/]+))?)?$")
DISCOVERY = re.compile(r"^/(api|apis)(/[^/]+){0,2}$|^/version$|^/openapi/")
ACTIONS = [("promote", {}), ("pause", {}), ("abort", {}), ("retry", {}), ("restart", {}),
           ("undo", {}), ("set_image", {"container": "*", "image": "argoproj/rollouts-demo:red"})]


def grant(method: str, path: str, query: dict) -> tuple[str, str, str] | None:
    """(group, resource, verb) of a request; None for discovery."""
    if DISCOVERY.match(path) and not path.startswith("/api/v1/"):
        return None
    match = RESOURCE.match(path)
    assert match, f"unexpected path {path}"
    resource = match["resource"] + (f"/{match['sub']}" if match["sub"] else "")
    verb = {"PATCH": "patch", "PUT": "update", "POST": "create", "DELETE": "delete"}.get(method)
    if verb is None:
        watching = query.get("watch") in ("true", "1")
        verb = "get" if match["name"] else "watch" if watching else "list"
    return (match["group"] or "", resource, verb)


@pytest.fixture
def watcher(simcluster: SimCluster, tmp_path: Path) -> Iterator[Watcher]:
    tree = seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    seed_analysis_objects(simcluster.store, tree["rollout"])
    process = Watcher(simcluster.kubeconfig, tmp_path)
    try:
        process.start()
        yield process
    finally:
        process.stop()


def wait_ready(watcher: Watcher) -> None:
    deadline = time.monotonic() + 30
    while get(watcher.url + "/readyz")[0] != 200:  # every kind listed and watched
        assert time.monotonic() < deadline, "the watcher never became ready"
        time.sleep(0.05)


def test_the_roles_grant_every_request_the_dashboard_makes(
        simcluster: SimCluster, watcher: Watcher, settings) -> None:
    wait_ready(watcher)
    settings.KUBECONFIG, settings.KUBE_CONTEXT = str(simcluster.kubeconfig), ""
    settings.ROLLOUTS_ACTION_SETTLE_SECONDS = 0.0
    settings.ROLLOUTS_ACTION_COOLDOWN = 0.0
    gateway = Gateway(ClusterConfig.from_settings())
    try:
        outcomes = [run_action(gateway, RolloutKey("default", "my-demo", "rollouts-demo"),
                               action, params).outcome for action, params in ACTIONS]
    finally:
        gateway.close()
    assert "ok" in outcomes
    made = [(r["method"], r["path"], r["query"]) for r in simcluster.read_requests()]
    made += [("GET", w["path"], w["query"]) for w in simcluster.watch_requests()]
    made += [(r["method"], r["path"], {}) for r in simcluster.requests()]
    used = {g for g in (grant(*request) for request in made) if g is not None}
    assert {verb for _, _, verb in used} >= {"list", "watch", "get", "patch", "update"}
    assert used - NEEDED == set()
    watched = {(group, resource) for group, resource, verb in used if verb == "watch"}
    assert watched == {(group, resource) for group, resource, verb in NEEDED if verb == "watch"}
