"""Realistic objects, shaped as `kubectl get -o json` returns them, for the guide's rollouts-demo.

`paused_at_step_1()` is the guide's state after `set image ... yellow`: revision 2 paused at the
`pause: {}` step with 20% canary weight. Tests derive other states from it with `with_status`.
"""

from __future__ import annotations

import copy
from typing import Any

from tests.fixtures.guide import STEPS

NAMESPACE = "my-demo"
NAME = "rollouts-demo"
ROLLOUT_UID = "3f1f5f0e-7a55-4f5b-9c55-2b1e8f0f6d11"
STABLE_HASH = "76c569d8b"
CANARY_HASH = "5cf4fb69f8"


def pod_template(image: str, pod_hash: str | None = None) -> dict[str, Any]:
    labels = {"app": NAME}
    if pod_hash:
        labels["rollouts-pod-template-hash"] = pod_hash
    return {
        "metadata": {"creationTimestamp": None, "labels": labels},
        "spec": {
            "containers": [
                {
                    "name": NAME,
                    "image": image,
                    "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                    "resources": {"requests": {"cpu": "5m", "memory": "32Mi"}},
                }
            ]
        },
    }


def paused_at_step_1() -> dict[str, Any]:
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Rollout",
        "metadata": {
            "name": NAME,
            "namespace": NAMESPACE,
            "uid": ROLLOUT_UID,
            "resourceVersion": "106554",
            "generation": 2,
            "creationTimestamp": "2025-07-17T16:25:34Z",
            "annotations": {"rollout.argoproj.io/revision": "2"},
            "labels": {"app": NAME, "team": "checkout"},
        },
        "spec": {
            "replicas": 4,
            "revisionHistoryLimit": 2,
            "selector": {"matchLabels": {"app": NAME}},
            "strategy": {
                "canary": {
                    "canaryService": "rollouts-demo-canary",
                    "stableService": "rollouts-demo-stable",
                    "trafficRouting": {
                        "istio": {
                            "virtualService": {"name": "rollouts-demo-vsvc", "routes": ["primary"]}
                        }
                    },
                    "steps": copy.deepcopy(STEPS),
                }
            },
            "template": pod_template("argoproj/rollouts-demo:yellow"),
        },
        "status": {
            "HPAReplicas": 5,
            "availableReplicas": 5,
            "blueGreen": {},
            "canary": {
                "weights": {
                    "canary": {"podTemplateHash": CANARY_HASH, "serviceName":
                               "rollouts-demo-canary", "weight": 20},
                    "stable": {"podTemplateHash": STABLE_HASH, "serviceName":
                               "rollouts-demo-stable", "weight": 80},
                }
            },
            "conditions": [
                {"type": "Paused", "status": "True", "reason": "RolloutPaused",
                 "message": "Rollout is paused", "lastTransitionTime": "2025-07-17T17:14:20Z",
                 "lastUpdateTime": "2025-07-17T17:14:20Z"},
            ],
            "controllerPause": True,
            "currentPodHash": CANARY_HASH,
            "currentStepHash": "5ffbfbbd64",
            "currentStepIndex": 1,
            "message": "CanaryPauseStep",
            "observedGeneration": "2",
            "pauseConditions": [{"reason": "CanaryPauseStep", "startTime": "2025-07-17T17:14:20Z"}],
            "phase": "Paused",
            "readyReplicas": 5,
            "replicas": 5,
            "selector": f"app={NAME}",
            "stableRS": STABLE_HASH,
            "updatedReplicas": 1,
        },
    }


def with_status(rollout: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy with status fields replaced; a value of None removes the field."""
    result = copy.deepcopy(rollout)
    for key, value in changes.items():
        if value is None:
            result["status"].pop(key, None)
        else:
            result["status"][key] = value
    return result


def replicaset(revision: int | str | None, pod_hash: str, image: str,
               owner_uid: str = ROLLOUT_UID, controller: bool = True) -> dict[str, Any]:
    annotations = {} if revision is None else {"rollout.argoproj.io/revision": str(revision)}
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": f"{NAME}-{pod_hash}",
            "namespace": NAMESPACE,
            "uid": f"rs-{pod_hash}",
            "resourceVersion": "1000",
            "generation": 1,
            "creationTimestamp": "2025-07-17T16:25:40Z",
            "annotations": annotations,
            "labels": {"app": NAME, "rollouts-pod-template-hash": pod_hash},
            "ownerReferences": [
                {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": NAME,
                 "uid": owner_uid, "controller": controller, "blockOwnerDeletion": True}
            ],
        },
        "spec": {
            "replicas": 4,
            "selector": {"matchLabels": {"app": NAME, "rollouts-pod-template-hash": pod_hash}},
            "template": pod_template(image, pod_hash),
        },
        "status": {"replicas": 4, "readyReplicas": 4, "availableReplicas": 4,
                   "observedGeneration": 1},
    }
