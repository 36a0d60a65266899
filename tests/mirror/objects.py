"""Realistic objects for the mirror tests: the guide's rollouts-demo tree, shaped like
`kubectl get -o json` output (the store fills uid, resourceVersion, creationTimestamp)."""

from __future__ import annotations

import copy
from typing import Any

from simcluster.store import Store
from tests.fixtures.guide import STEPS


def rollout(name: str, namespace: str, *, image: str = "argoproj/rollouts-demo:blue",
            replicas: int = 4, pod_hash: str = "76c569d8b") -> dict[str, Any]:
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Rollout",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "revisionHistoryLimit": 2,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{
                    "name": name, "image": image,
                    "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                    "resources": {"requests": {"memory": "32Mi", "cpu": "5m"}},
                }]},
            },
            "strategy": {"canary": {
                "canaryService": f"{name}-canary",
                "stableService": f"{name}-stable",
                "trafficRouting": {"istio": {
                    "virtualService": {"name": f"{name}-vsvc", "routes": ["primary"]},
                }},
                "steps": copy.deepcopy(STEPS),
            }},
        },
        "status": healthy_status(name, pod_hash, replicas),
    }


def healthy_status(name: str, pod_hash: str, replicas: int) -> dict[str, Any]:
    condition = {"lastTransitionTime": "2025-07-16T13:14:27Z",
                 "lastUpdateTime": "2025-07-16T13:14:27Z", "status": "True"}
    return {
        "HPAReplicas": replicas, "availableReplicas": replicas, "readyReplicas": replicas,
        "replicas": replicas, "updatedReplicas": replicas,
        "blueGreen": {},
        "canary": {"weights": {
            "canary": {"podTemplateHash": pod_hash, "serviceName": f"{name}-canary", "weight": 0},
            "stable": {"podTemplateHash": pod_hash, "serviceName": f"{name}-stable",
                       "weight": 100},
        }},
        "conditions": [
            {**condition, "type": "Available", "reason": "AvailableReason",
             "message": "Rollout has minimum availability"},
            {**condition, "type": "Completed", "reason": "RolloutCompleted",
             "message": "Rollout completed update to revision 1 (76c569d8b): Initial deploy"},
            {**condition, "type": "Healthy", "reason": "RolloutHealthy",
             "message": "Rollout is healthy"},
        ],
        "currentPodHash": pod_hash, "currentStepHash": "5c4b5d6f8", "currentStepIndex": 9,
        "observedGeneration": "1", "phase": "Healthy", "selector": f"app={name}",
        "stableRS": pod_hash,
    }


def services(name: str, namespace: str, pod_hash: str) -> list[dict[str, Any]]:
    return [
        {
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": f"{name}-{role}", "namespace": namespace, "annotations": {
                "argo-rollouts.argoproj.io/managed-by-rollouts": name}},
            "spec": {
                "type": "ClusterIP", "clusterIP": "10.43.8.112",
                "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": "http"}],
                "selector": {"app": name, "rollouts-pod-template-hash": pod_hash},
            },
            "status": {"loadBalancer": {}},
        }
        for role in ("stable", "canary")
    ]


def virtualservice(name: str, namespace: str, canary_weight: int = 0) -> dict[str, Any]:
    return {
        "apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
        "metadata": {"name": f"{name}-vsvc", "namespace": namespace},
        "spec": {
            "gateways": [f"{name}-gateway"], "hosts": ["*"],
            "http": [{"name": "primary", "route": [
                {"destination": {"host": f"{name}-stable"}, "weight": 100 - canary_weight},
                {"destination": {"host": f"{name}-canary"}, "weight": canary_weight},
            ]}],
        },
    }


def owner(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return [{
        "apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": obj["metadata"]["name"],
        "uid": obj["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True,
    }]


def replicaset(ro: dict[str, Any], pod_hash: str, revision: int, replicas: int) -> dict[str, Any]:
    name, namespace = ro["metadata"]["name"], ro["metadata"]["namespace"]
    labels = {"app": name, "rollouts-pod-template-hash": pod_hash}
    template = copy.deepcopy(ro["spec"]["template"])
    template["metadata"]["labels"] = dict(labels)
    return {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {
            "name": f"{name}-{pod_hash}", "namespace": namespace, "labels": labels,
            "annotations": {"rollout.argoproj.io/desired-replicas": str(replicas),
                            "rollout.argoproj.io/revision": str(revision)},
            "ownerReferences": owner(ro),
        },
        "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                 "template": template},
        "status": {"replicas": replicas, "readyReplicas": replicas,
                   "availableReplicas": replicas, "fullyLabeledReplicas": replicas,
                   "observedGeneration": 1},
    }


def pod(rs: dict[str, Any], suffix: str) -> dict[str, Any]:
    container = rs["spec"]["template"]["spec"]["containers"][0]
    ready = {"type": "Ready", "status": "True", "lastTransitionTime": "2025-07-16T13:14:40Z"}
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": f"{rs['metadata']['name']}-{suffix}", "namespace": rs["metadata"]["namespace"],
            "labels": dict(rs["metadata"]["labels"]), "ownerReferences": owner(rs),
        },
        "spec": {"containers": [container, {"name": "istio-proxy",
                                            "image": "docker.io/istio/proxyv2:1.26.2"}],
                 "nodeName": "k3d-mycluster-agent-0"},
        "status": {
            "phase": "Running", "podIP": "10.42.0.40", "startTime": "2025-07-16T13:14:30Z",
            "conditions": [ready, {**ready, "type": "ContainersReady"}],
            "containerStatuses": [
                {"name": c, "ready": True, "restartCount": 0, "started": True,
                 "state": {"running": {"startedAt": "2025-07-16T13:14:35Z"}}}
                for c in (container["name"], "istio-proxy")
            ],
        },
    }


def seed_rollout_tree(store: Store, namespace: str, name: str, *, replicas: int = 4,
                      pod_hash: str = "76c569d8b") -> dict[str, Any]:
    """Rollout + stable/canary Services + VirtualService + ReplicaSet + pods, all owned."""
    if store.get("namespaces", None, namespace) is None:
        store.create("namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                    "metadata": {"name": namespace}})
    ro = store.create("rollouts", rollout(name, namespace, replicas=replicas, pod_hash=pod_hash))
    for svc in services(name, namespace, pod_hash):
        store.create("services", svc)
    store.create("virtualservices", virtualservice(name, namespace))
    rs = store.create("replicasets", replicaset(ro, pod_hash, 1, replicas))
    pods = [store.create("pods", pod(rs, f"p{i:04d}")) for i in range(replicas)]
    return {"rollout": ro, "replicaset": rs, "pods": pods}


def seed_analysis_objects(store: Store, ro: dict[str, Any]) -> None:
    """An AnalysisRun, an Experiment and a DestinationRule, so every mirrored kind has rows."""
    name, namespace = ro["metadata"]["name"], ro["metadata"]["namespace"]
    store.create("analysisruns", {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisRun",
        "metadata": {"name": f"{name}-76c569d8b-2-1", "namespace": namespace,
                     "labels": {"rollout-type": "Step", "step-index": "1"},
                     "ownerReferences": owner(ro)},
        "spec": {"metrics": [{"name": "success-rate", "interval": "5m",
                              "successCondition": "result[0] >= 0.95",
                              "provider": {"prometheus": {"query": "sum(rate(x[5m]))"}}}]},
        "status": {"phase": "Successful", "metricResults": [
            {"name": "success-rate", "phase": "Successful", "count": 1, "successful": 1}]},
    })
    store.create("experiments", {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Experiment",
        "metadata": {"name": f"{name}-76c569d8b-2-2", "namespace": namespace,
                     "ownerReferences": owner(ro)},
        "spec": {"duration": "5m", "templates": [{"name": "baseline", "replicas": 1,
                                                  "selector": {"matchLabels": {"app": name}},
                                                  "template": ro["spec"]["template"]}]},
        "status": {"phase": "Running"},
    })
    store.create("destinationrules", {
        "apiVersion": "networking.istio.io/v1", "kind": "DestinationRule",
        "metadata": {"name": f"{name}-destrule", "namespace": namespace},
        "spec": {"host": f"{name}-stable", "subsets": [
            {"name": "canary", "labels": {"app": name}},
            {"name": "stable", "labels": {"app": name}}]},
    })
