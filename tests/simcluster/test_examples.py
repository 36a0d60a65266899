"""Upstream's own example manifests progress under the simulated controllers.

Each example (a file, or a directory of files) goes into its own namespace together with
upstream's analysis templates; every Rollout must become Healthy, then reach Healthy again on a
new image, with promotions wherever it pauses or waits at an open-ended step. Rollouts whose
traffic router is not simulated must say so in a TrafficRouting condition.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from simcluster.resources import resource_for_kind
from tests.simcluster.ctrl_support import Kube, start_cluster, wait_for

UPSTREAM = Path(__file__).resolve().parents[2] / ".." / "shared" / "upstream"
EXAMPLES = UPSTREAM / "examples"
PREREQUISITES = ("analysis-templates.yaml", "cluster-analysis-templates.yaml")
UNSIMULATED = ("alb", "smi", "nginx", "ambassador", "appMesh", "traefik", "apisix", "plugins")


def example_groups() -> list[tuple[str, list[Path]]]:
    if not EXAMPLES.is_dir():
        return []
    groups = [(p.name, [p]) for p in sorted(EXAMPLES.glob("*.yaml"))
              if p.name not in PREREQUISITES]
    groups += [(d.name, sorted(d.glob("*.yaml"))) for d in sorted(EXAMPLES.iterdir())
               if d.is_dir()]
    groups += [(f"getting-started/{d.name}", sorted(d.glob("*.yaml")))
               for d in sorted((UPSTREAM / "getting-started").iterdir()) if d.is_dir()]
    return groups


GROUPS = example_groups()


def documents(paths: list[Path], namespace: str) -> list[dict]:
    """The manifests of `paths` in `namespace`. Two kinds of document are left out, as
    `kubectl apply` would refuse them too: files that are not YAML at all (a Go template in
    traffic-management/job.yaml) and kinds the cluster does not serve (Kustomization)."""
    docs = []
    for path in paths:
        try:
            docs += [d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict)]
        except yaml.YAMLError:
            continue
    docs = [d for d in docs if resource_for_kind(str(d.get("apiVersion")), str(d.get("kind")))]
    for doc in docs:
        if doc.get("kind") not in ("Namespace", "ClusterAnalysisTemplate"):
            doc.setdefault("metadata", {})["namespace"] = namespace
    return docs


def new_image(ro: dict) -> str:
    image = ro["spec"].get("template", {}).get("spec", {}).get("containers", [{}])[0].get(
        "image", "")
    return image.rsplit(":", 1)[0] + (":yellow" if not image.endswith(":yellow") else ":green")


def drive(kube: Kube, ns: str, name: str, budget: float = 20.0) -> dict:
    """Promote at pauses and open-ended steps, move time on, until fully promoted Healthy."""
    deadline = time.monotonic() + budget
    last_step, idle = None, 0
    while time.monotonic() < deadline:
        ro = kube.rollout(ns, name)
        status = ro.get("status") or {}
        observed = status.get("observedGeneration") == str(ro["metadata"]["generation"])
        if observed and status.get("phase") == "Healthy" and status.get(
                "stableRS") == status.get("currentPodHash"):
            return status
        assert status.get("phase") != "Degraded", status.get("message")
        step = status.get("currentStepIndex")
        idle = idle + 1 if step == last_step else 0
        last_step = step
        if status.get("phase") == "Paused" or idle > 8:
            kube.promote(ns, name)
            idle = 0
        else:
            kube.cluster.advance(15)
        time.sleep(0.05)
    raise AssertionError(f"{ns}/{name} did not become Healthy: {kube.status(ns, name)}")


@pytest.mark.skipif(not GROUPS, reason=f"upstream examples are not available at {UPSTREAM}")
@pytest.mark.parametrize(("label", "paths"), GROUPS, ids=[g[0] for g in GROUPS])
def test_an_upstream_example_progresses_under_the_controllers(make_simcluster, label, paths):
    cluster = start_cluster(make_simcluster, speed=10)
    ns = "ex"
    prerequisites = [EXAMPLES / p for p in PREREQUISITES]
    cluster.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}},
                   *documents(prerequisites, ns), *documents(paths, ns)])
    kube = Kube(cluster)
    rollouts = [d for d in documents(paths, ns) if d.get("kind") == "Rollout"]
    for ro in rollouts:
        name = ro["metadata"]["name"]
        drive(kube, ns, name)
        routing = ro["spec"]["strategy"].get("canary", {}).get("trafficRouting") or {}
        if any(key in routing for key in UNSIMULATED):
            conditions = kube.status(ns, name)["conditions"]
            note = next(c for c in conditions if c["type"] == "TrafficRouting")
            assert note["reason"] == "TrafficRouterNotSimulated"
        if ro["spec"].get("workloadRef"):
            deployment = kube.apps.read_namespaced_deployment(
                ro["spec"]["workloadRef"]["name"], ns)
            container = deployment.spec.template.spec.containers[0]
            container.image = new_image({"spec": {"template": {"spec": {"containers": [
                {"image": container.image}]}}}})
            kube.apps.replace_namespaced_deployment(deployment.metadata.name, ns, deployment)
        else:
            kube.set_image(ns, name, new_image(kube.rollout(ns, name)))
        wait_for(lambda n=name: kube.status(ns, n).get("currentPodHash") != kube.status(
            ns, n).get("stableRS"), what=f"{name} to start its update")
        final = drive(kube, ns, name)
        steps = (ro["spec"]["strategy"].get("canary") or {}).get("steps")
        if steps:
            assert final["currentStepIndex"] == len(steps)
    for ex in [d for d in documents(paths, ns) if d.get("kind") == "Experiment"]:
        check_standalone_experiment(kube, ns, ex["metadata"]["name"])
    kube.close()


def check_standalone_experiment(kube: Kube, ns: str, name: str) -> None:
    def get() -> dict:
        return kube.custom.get_namespaced_custom_object("argoproj.io", "v1alpha1", ns,
                                                        "experiments", name)

    def analyses_done() -> bool:
        runs = get().get("status", {}).get("analysisRuns", [])
        return bool(runs) and all(r["phase"] == "Successful" for r in runs)

    for _ in range(20):
        if analyses_done():
            break
        kube.cluster.advance(10)
        time.sleep(0.05)
    assert analyses_done() and get()["status"]["phase"] == "Running"
    kube.custom.patch_namespaced_custom_object("argoproj.io", "v1alpha1", ns, "experiments",
                                               name, {"spec": {"terminate": True}})
    wait_for(lambda: get()["status"]["phase"] == "Successful", what="terminated experiment")
