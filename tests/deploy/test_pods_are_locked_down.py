"""Every container of the rendered manifests runs as non-root on a read-only root filesystem,
without privilege escalation or capabilities, with resources; the dashboard's own have probes
on /healthz (liveness) and /readyz (readiness) and writable emptyDirs for /tmp and its state."""

from __future__ import annotations

import pytest

from tests.deploy.support import OVERLAYS, documents

WORKLOADS = ("Deployment", "StatefulSet")


def workloads(overlay: str) -> list[dict]:
    return [doc for doc in documents(overlay) if doc["kind"] in WORKLOADS]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_is_locked_down(overlay: str) -> None:
    for workload in workloads(overlay):
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        for container in [*pod.get("initContainers", []), *pod["containers"]]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, container["name"]
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"]["drop"] == ["ALL"]
            assert container["resources"]["requests"] and container["resources"]["limits"]


def test_the_base_runs_two_web_and_two_watcher_replicas_with_probes() -> None:
    found = {w["metadata"]["name"]: w for w in workloads("base")}
    assert set(found) == {"rollouts-dashboard-web", "rollouts-dashboard-watcher"}
    for name, port in (("rollouts-dashboard-web", "http"),
                       ("rollouts-dashboard-watcher", "metrics")):
        spec = found[name]["spec"]
        assert spec["replicas"] == 2
        (container,) = spec["template"]["spec"]["containers"]
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": port}
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": port}
        mounts = {m["mountPath"] for m in container["volumeMounts"]}
        assert mounts == {"/tmp", "/var/lib/rollouts-dashboard"}
        volumes = spec["template"]["spec"]["volumes"]
        assert all("emptyDir" in volume for volume in volumes)
        assert spec["template"]["spec"]["serviceAccountName"] == "rollouts-dashboard"


def test_configuration_comes_from_a_config_map_and_a_secret() -> None:
    docs = documents("base")
    (config,) = [d for d in docs if d["kind"] == "ConfigMap"]
    (secret,) = [d for d in docs if d["kind"] == "Secret"]
    assert config["data"]["ROLLOUTS_WATCHER"] == "external"
    assert config["data"]["ROLLOUTS_LEADER_ELECTION"] == "true"
    assert set(secret["data"]) == {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"}
    for workload in workloads("base"):
        (container,) = workload["spec"]["template"]["spec"]["containers"]
        sources = {next(iter(s)): s[next(iter(s))]["name"] for s in container["envFrom"]}
        assert sources == {"configMapRef": config["metadata"]["name"],
                           "secretRef": secret["metadata"]["name"]}
