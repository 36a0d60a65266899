"""ReplicaSets make pods (names, fields, sidecars) and count them; the kubelet starts them."""

from __future__ import annotations

import json
import re

from tests.simcluster.ctrl_support import (
    Kube,
    basic_canary,
    namespace,
    ready_count,
    setup,
    start_cluster,
    wait_for,
    wait_phase,
)


def start(make_simcluster, *documents) -> Kube:
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace("mesh", istio=True), namespace("plain"), *documents])
    return Kube(cluster)


def test_pods_are_named_labelled_owned_and_started_like_real_ones(make_simcluster):
    kube = start(make_simcluster, basic_canary("plain", "app", None, replicas=3))
    wait_phase(kube, "plain", "app", "Healthy")
    [rs] = kube.replicasets("plain", "app-").values()
    assert re.fullmatch(r"app-[4-9bcdf]+", rs.metadata.name)
    assert rs.metadata.annotations["rollout.argoproj.io/revision"] == "1"
    owner = rs.metadata.owner_references[0]
    assert (owner.kind, owner.controller, owner.block_owner_deletion) == ("Rollout", True, True)
    assert (rs.status.replicas, rs.status.ready_replicas, rs.status.available_replicas) == (3, 3, 3)
    for pod in kube.pods("plain"):
        assert re.fullmatch(rf"{rs.metadata.name}-[bcdfghjklmnpqrstvwxz2456789]{{5}}",
                            pod.metadata.name)
        assert pod.metadata.owner_references[0].uid == rs.metadata.uid
        assert pod.metadata.labels["rollouts-pod-template-hash"] == rs.metadata.name[4:]
        assert pod.status.phase == "Running" and ready_count(pod) == (1, 1)
        assert pod.spec.node_name and pod.status.pod_ip and pod.status.host_ip
        assert pod.status.qos_class == "Burstable" and pod.status.start_time
        assert {c.type for c in pod.status.conditions} >= {
            "PodScheduled", "Initialized", "ContainersReady", "Ready"}
        container = pod.status.container_statuses[0]
        assert container.started and container.image_id.startswith(
            "docker.io/argoproj/rollouts-demo@sha256:")
    kube.close()


def test_an_istio_injected_namespace_gets_the_sidecar_and_two_of_two_ready(make_simcluster):
    opted_out = basic_canary("mesh", "quiet", None, replicas=1)
    opted_out["spec"]["template"]["metadata"]["labels"]["sidecar.istio.io/inject"] = "false"
    kube = start(make_simcluster, basic_canary("mesh", "app", None, replicas=2), opted_out)
    wait_phase(kube, "mesh", "app", "Healthy")
    wait_phase(kube, "mesh", "quiet", "Healthy")
    for pod in kube.pods("mesh", "app-"):
        assert [c.name for c in pod.spec.containers] == ["app", "istio-proxy"]
        assert [c.name for c in pod.spec.init_containers] == ["istio-init"]
        assert ready_count(pod) == (2, 2)
        assert pod.status.init_container_statuses[0].state.terminated.reason == "Completed"
    [quiet] = kube.pods("mesh", "quiet-")
    assert [c.name for c in quiet.spec.containers] == ["quiet"]
    kube.close()


def test_scaling_down_removes_pods_and_updates_the_counts(make_simcluster):
    kube = start(make_simcluster, basic_canary("plain", "app", None, replicas=4))
    wait_phase(kube, "plain", "app", "Healthy")
    kube.patch("plain", "app", {"spec": {"replicas": 1}})
    wait_for(lambda: (s := kube.status("plain", "app")).get("replicas") == s.get(
        "availableReplicas") == 1 and s["phase"] == "Healthy", what="one replica counted")
    wait_for(lambda: len(kube.pods("plain")) == 1, what="one pod left")
    events = [e.reason for e in kube.core.list_namespaced_event("plain").items]
    assert "SuccessfulCreate" in events and "SuccessfulDelete" in events
    kube.close()


def test_a_replicaset_whose_pods_are_rejected_reports_replica_failure(make_simcluster):
    broken = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
              "metadata": {"name": "odd", "namespace": "plain"},
              "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "odd"}},
                       "template": {"metadata": {"labels": {"app": "odd", "tier": 3}},
                                    "spec": {"containers": [{"name": "c", "image": "x:1"}]}}}}
    kube = start(make_simcluster, broken)
    def read() -> dict:  # raw JSON: the client's models refuse the non-string label
        response = kube.apps.read_namespaced_replica_set("odd", "plain", _preload_content=False)
        return json.loads(response.data)

    rs = wait_for(lambda: (r := read()).get("status", {}).get("conditions") and r,
                  what="a ReplicaFailure condition")
    condition = rs["status"]["conditions"][0]
    assert (condition["type"], condition["status"], condition["reason"]) == (
        "ReplicaFailure", "True", "FailedCreate")
    assert "metadata.labels" in condition["message"] and kube.pods("plain", "odd") == []
    kube.close()
