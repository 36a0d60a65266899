"""kubectl against the simulator: the guide's manifests, re-apply, status patches, `get -w`."""

from __future__ import annotations

import queue
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.simcluster import manifests
from tests.simcluster.conftest import NAMESPACE, run_kubectl

pytestmark = pytest.mark.kubectl
GUIDE_FILES = ["rollout.yaml", "services.yaml", "gateway.yaml", "virtualsvc.yaml"]


@pytest.fixture
def guide(upstream):
    return [str(upstream / "getting-started" / "istio" / name) for name in GUIDE_FILES]


def _apply(kubectl, sim, *files: str) -> subprocess.CompletedProcess:
    args = [arg for path in files for arg in ("-f", path)]
    return run_kubectl(kubectl, sim, "apply", "-n", NAMESPACE, *args)


def test_apply_of_the_guides_manifests_validates_and_creates_them(sim, kubectl, guide):
    result = _apply(kubectl, sim, *guide)
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.split("\n")[:-1]) == sorted([
        "rollout.argoproj.io/rollouts-demo created",
        "service/rollouts-demo-canary created",
        "service/rollouts-demo-stable created",
        "gateway.networking.istio.io/rollouts-demo-gateway created",
        "virtualservice.networking.istio.io/rollouts-demo-vsvc created",
    ])
    rollout = sim.store.get("rollouts", NAMESPACE, "rollouts-demo")
    assert rollout["spec"]["strategy"]["canary"]["canaryService"] == "rollouts-demo-canary"
    assert "kubectl.kubernetes.io/last-applied-configuration" in rollout["metadata"]["annotations"]
    assert "--validate=false" not in result.stderr


def test_reapplying_is_unchanged_and_a_changed_file_is_configured(sim, kubectl, guide,
                                                                  tmp_path):
    assert _apply(kubectl, sim, *guide).returncode == 0
    rv = sim.store.resource_version
    again = _apply(kubectl, sim, *guide)
    assert again.returncode == 0, again.stderr
    assert all(line.endswith(" unchanged") for line in again.stdout.strip().split("\n"))
    assert sim.store.resource_version == rv

    changed = tmp_path / "rollout.yaml"
    changed.write_text(Path(guide[0]).read_text().replace(":blue", ":yellow"))
    result = _apply(kubectl, sim, str(changed))
    assert result.stdout.strip() == "rollout.argoproj.io/rollouts-demo configured"
    rollout = sim.store.get("rollouts", NAMESPACE, "rollouts-demo")
    assert rollout["spec"]["template"]["spec"]["containers"][0]["image"].endswith(":yellow")
    assert rollout["metadata"]["generation"] == 2


def test_a_changed_service_is_patched_strategically(sim, kubectl, guide, tmp_path):
    assert _apply(kubectl, sim, guide[1]).returncode == 0
    changed = tmp_path / "services.yaml"
    changed.write_text(Path(guide[1]).read_text().replace("port: 80", "port: 8080"))
    result = _apply(kubectl, sim, str(changed))
    assert result.returncode == 0, result.stderr
    ports = sim.store.get("services", NAMESPACE, "rollouts-demo-stable")["spec"]["ports"]
    assert [p["port"] for p in ports] == [8080]
    assert sim.requests()[-1]["content_type"] == "application/strategic-merge-patch+json"


def test_kubectl_patches_the_status_subresource(sim, kubectl):
    sim.store.create("rollouts", manifests.rollout(NAMESPACE))
    result = run_kubectl(kubectl, sim, "patch", "rollout", "rollouts-demo", "-n", NAMESPACE,
                         "--subresource=status", "--type=merge",
                         "-p", '{"status":{"abort":true}}')
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "rollout.argoproj.io/rollouts-demo patched"
    stored = sim.store.get("rollouts", NAMESPACE, "rollouts-demo")
    assert stored["status"]["abort"] is True
    assert stored["metadata"]["generation"] == 1
    assert sim.requests()[-1]["path"].endswith("/rollouts/rollouts-demo/status")


def test_kubectl_get_watch_prints_a_line_when_something_changes(sim, kubectl):
    sim.store.create("rollouts", manifests.rollout(NAMESPACE))
    process = subprocess.Popen(
        [kubectl, "--kubeconfig", str(sim.kubeconfig), "get", "rollouts", "-n", NAMESPACE, "-w",
         "-o", "custom-columns=NAME:.metadata.name,PHASE:.status.phase"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line.strip()) for line in process.stdout],
                     daemon=True).start()
    try:
        seen = [lines.get(timeout=20), lines.get(timeout=20)]
        assert seen == ["NAME            PHASE", "rollouts-demo   Healthy"]
        deadline = time.monotonic() + 20
        sim.store.mutate("rollouts", NAMESPACE, "rollouts-demo",
                         lambda r: r["status"].update(phase="Paused"))
        assert lines.get(timeout=max(0.1, deadline - time.monotonic())) == (
            "rollouts-demo   Paused")
    finally:
        process.kill()
        process.wait(timeout=10)


def test_kubectl_reads_served_istio_versions(sim, kubectl):
    sim.store.create("virtualservices", manifests.virtualservice(NAMESPACE))
    for resource in ("virtualservices.v1beta1.networking.istio.io", "vs"):
        result = run_kubectl(kubectl, sim, "get", resource, "-n", NAMESPACE, "-o",
                             "jsonpath={.items[0].apiVersion}")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("networking.istio.io/v1")
