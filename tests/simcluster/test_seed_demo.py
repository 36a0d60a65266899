"""The seeds: demo (the guide plus other stories), empty, and YAML files of manifests."""

from __future__ import annotations

import pytest

from simcluster.clock import SimClock
from simcluster.seeds import SEED_NAMES, apply_seed
from simcluster.store import Store


def seeded(spec: str) -> Store:
    clock = SimClock()
    store = Store(clock=clock.now)
    apply_seed(store, spec, clock=clock)
    return store


def test_the_empty_seed_has_only_the_system_namespaces():
    store = seeded("empty")
    assert [n["metadata"]["name"] for n in store.list("namespaces")] == [
        "default", "kube-public", "kube-system"]
    assert store.list("rollouts") == [] and "demo" in SEED_NAMES


def test_the_demo_seed_tells_each_story():
    store = seeded("demo")
    phases = {(r["metadata"]["namespace"], r["metadata"]["name"]):
              (r["status"]["phase"], r["status"].get("message", ""))
              for r in store.list("rollouts")}
    assert phases[("my-demo", "rollouts-demo")] == ("Healthy", "")
    assert phases[("shop", "checkout")] == ("Paused", "BlueGreenPause")
    assert phases[("shop", "payments")][1].startswith(
        "RolloutAborted: Rollout aborted update to revision 2: Step-based analysis phase "
        "error/failed: Metric \"success-rate\" assessed Failed")
    assert phases[("shop", "frontend")] == ("Paused", "CanaryPauseStep")
    assert phases[("shop", "reviews")] == ("Paused", "CanaryPauseStep")
    assert phases[("batch", "worker")] == ("Paused", "CanaryPauseStep")
    assert phases[("batch", "importer")][1].startswith("ProgressDeadlineExceeded")
    assert phases[("batch", "reporter")] == ("Healthy", "")
    namespace = store.get("namespaces", None, "my-demo")
    assert namespace["metadata"]["labels"]["istio-injection"] == "enabled"


def test_the_guides_rollout_matches_its_first_output():
    store = seeded("demo")
    ro = store.get("rollouts", "my-demo", "rollouts-demo")
    assert ro["status"]["currentStepIndex"] == 9 == len(ro["spec"]["strategy"]["canary"]["steps"])
    assert [rs["metadata"]["name"] for rs in store.list("replicasets", "my-demo")] == [
        "rollouts-demo-76c569d8b"]
    pods = store.list("pods", "my-demo")
    assert [p["metadata"]["name"] for p in pods] == [
        f"rollouts-demo-76c569d8b-{s}" for s in ("24gls", "ck4rq", "kxb56", "wmgnm")]
    assert all(sum(c["ready"] for c in p["status"]["containerStatuses"]) == 2 for p in pods)
    http = store.get("virtualservices", "my-demo", "rollouts-demo-vsvc")["spec"]["http"]
    assert http == [{"name": "primary", "route": [
        {"destination": {"host": "rollouts-demo-stable"}, "weight": 100},
        {"destination": {"host": "rollouts-demo-canary"}, "weight": 0}]}]
    canary = store.get("services", "my-demo", "rollouts-demo-canary")
    assert canary["spec"]["selector"]["rollouts-pod-template-hash"] == "76c569d8b"
    assert canary["metadata"]["annotations"] == {
        "argo-rollouts.argoproj.io/managed-by-rollouts": "rollouts-demo"}


def test_a_yaml_file_seed_applies_its_documents_in_order(tmp_path):
    path = tmp_path / "seed.yaml"
    path.write_text("""
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: team-a}
data: {colour: blue}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: team-a}
data: {colour: green}
""")
    store = seeded(str(path))
    assert store.get("configmaps", "team-a", "settings")["data"] == {"colour": "green"}


@pytest.mark.parametrize(("content", "error"), [
    ("kind: Widget\napiVersion: example.com/v1\nmetadata: {name: w}\n", "does not serve"),
    ("- just\n- a list\n", "must be a mapping"),
    ("a: [unclosed\n", "not valid YAML"),
])
def test_a_bad_seed_file_is_a_clear_error(tmp_path, content, error):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    with pytest.raises(ValueError, match=error):
        seeded(str(path))


def test_an_unknown_seed_name_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown seed 'staging'"):
        seeded("staging")
