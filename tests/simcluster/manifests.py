"""Realistic objects from the guide's scenario (rollouts-demo in my-demo, 4 replicas, 9 steps),
shaped as `kubectl get -o json` returns them, status included."""

from __future__ import annotations

import copy
from typing import Any

from tests.fixtures.guide import STEPS

ROLLOUT_UID = "5b1f3a52-8a4e-4f0e-9d8e-2f7c3c1e6a10"
RS_UID = "0c9d8e7f-1a2b-4c3d-8e9f-a0b1c2d3e4f5"
POD_HASH = "76c569d8b"


def namespace(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": name, "labels": {"istio-injection": "enabled",
                                                  "kubernetes.io/metadata.name": name}},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}


def rollout(ns: str, name: str = "rollouts-demo", image: str = "argoproj/rollouts-demo:blue",
            uid: str = ROLLOUT_UID) -> dict[str, Any]:
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Rollout",
        "metadata": {"name": name, "namespace": ns, "uid": uid, "generation": 1,
                     "creationTimestamp": "2025-07-16T13:14:27Z",
                     "annotations": {"rollout.argoproj.io/revision": "1"}},
        "spec": {
            "replicas": 4,
            "revisionHistoryLimit": 2,
            "selector": {"matchLabels": {"app": name}},
            "strategy": {"canary": {
                "canaryService": f"{name}-canary", "stableService": f"{name}-stable",
                "trafficRouting": {"istio": {"virtualService": {
                    "name": f"{name}-vsvc", "routes": ["primary"]}}},
                "steps": copy.deepcopy(STEPS),
            }},
            "template": {
                "metadata": {"labels": {"app": name, "istio-injection": "enabled"}},
                "spec": {"containers": [{
                    "name": name, "image": image,
                    "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                    "resources": {"requests": {"memory": "32Mi", "cpu": "5m"}},
                }]},
            },
        },
        "status": {
            "HPAReplicas": 4, "availableReplicas": 4, "blueGreen": {},
            "canary": {"weights": {"canary": {"podTemplateHash": POD_HASH, "weight": 0},
                                   "stable": {"podTemplateHash": POD_HASH, "weight": 100}}},
            "conditions": [
                {"type": "Available", "status": "True", "reason": "AvailableReason",
                 "message": "Rollout has minimum availability",
                 "lastTransitionTime": "2025-07-16T13:19:23Z",
                 "lastUpdateTime": "2025-07-16T13:19:23Z"},
                {"type": "Healthy", "status": "True", "reason": "RolloutHealthy",
                 "message": "Rollout is healthy", "lastTransitionTime": "2025-07-16T13:19:23Z",
                 "lastUpdateTime": "2025-07-16T13:19:23Z"},
            ],
            "currentPodHash": POD_HASH, "currentStepHash": "5ffbfbbd64", "currentStepIndex": 9,
            "observedGeneration": "1", "phase": "Healthy", "readyReplicas": 4, "replicas": 4,
            "selector": f"app={name}", "stableRS": POD_HASH, "updatedReplicas": 4,
        },
    }


def replicaset(ns: str, rollout_name: str = "rollouts-demo", owner_uid: str = ROLLOUT_UID,
               uid: str = RS_UID) -> dict[str, Any]:
    name = f"{rollout_name}-{POD_HASH}"
    labels = {"app": rollout_name, "rollouts-pod-template-hash": POD_HASH}
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name, "namespace": ns, "uid": uid, "labels": labels,
            "annotations": {"rollout.argoproj.io/desired-replicas": "4",
                            "rollout.argoproj.io/revision": "1"},
            "ownerReferences": [{"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
                                 "name": rollout_name, "uid": owner_uid, "controller": True,
                                 "blockOwnerDeletion": True}],
        },
        "spec": {"replicas": 4, "selector": {"matchLabels": labels},
                 "template": {"metadata": {"labels": labels}, "spec": {"containers": [
                     {"name": rollout_name, "image": "argoproj/rollouts-demo:blue"}]}}},
        "status": {"replicas": 4, "readyReplicas": 4, "availableReplicas": 4,
                   "fullyLabeledReplicas": 4, "observedGeneration": 1},
    }


def pod(ns: str, suffix: str, rs_name: str = f"rollouts-demo-{POD_HASH}", rs_uid: str = RS_UID,
        app: str = "rollouts-demo", phase: str = "Running") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"{rs_name}-{suffix}", "namespace": ns,
            "labels": {"app": app, "rollouts-pod-template-hash": POD_HASH},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs_name,
                                 "uid": rs_uid, "controller": True, "blockOwnerDeletion": True}],
        },
        "spec": {"nodeName": "k3d-mycluster-agent-0", "restartPolicy": "Always",
                 "containers": [{"name": app, "image": "argoproj/rollouts-demo:blue",
                                 "ports": [{"name": "http", "containerPort": 8080,
                                            "protocol": "TCP"}]},
                                {"name": "istio-proxy",
                                 "image": "docker.io/istio/proxyv2:1.26.2"}]},
        "status": {"phase": phase, "podIP": "10.42.1.7", "hostIP": "172.19.0.3",
                   "qosClass": "Burstable", "startTime": "2025-07-16T13:19:02Z",
                   "conditions": [{"type": "Ready", "status": "True",
                                   "lastTransitionTime": "2025-07-16T13:19:13Z"}],
                   "containerStatuses": [_container_status(app, "argoproj/rollouts-demo:blue"),
                                         _container_status("istio-proxy",
                                                           "docker.io/istio/proxyv2:1.26.2")]},
    }


def _container_status(name: str, image: str) -> dict[str, Any]:
    return {"name": name, "image": image, "imageID": f"{image}@sha256:{'0' * 64}",
            "containerID": f"containerd://{name}-1", "ready": True, "started": True,
            "restartCount": 0, "state": {"running": {"startedAt": "2025-07-16T13:19:05Z"}}}


def virtualservice(ns: str, name: str = "rollouts-demo-vsvc",
                   api_version: str = "networking.istio.io/v1alpha3") -> dict[str, Any]:
    return {
        "apiVersion": api_version,
        "kind": "VirtualService",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"gateways": ["rollouts-demo-gateway"], "hosts": ["rollouts-demo.local"],
                 "http": [{"name": "primary", "route": [
                     {"destination": {"host": "rollouts-demo-stable"}, "weight": 100},
                     {"destination": {"host": "rollouts-demo-canary"}, "weight": 0}]}]},
    }


def service(ns: str, name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
            "spec": {"ports": [{"name": "http", "port": 80, "protocol": "TCP",
                                "targetPort": "http"}],
                     "selector": {"app": "rollouts-demo"}, "type": "ClusterIP"}}
