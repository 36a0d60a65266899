"""The ReplicaSet controller (pods to match spec.replicas, status counts) and the kubelet hook."""

from __future__ import annotations

from datetime import timedelta

from simcluster.errors import ApiError

from .hashing import random_suffix
from .kubelet import simulate
from .objects import (
    as_int,
    as_list,
    dig,
    labels_of,
    name_of,
    parse_time,
    uid_of,
)
from .podspec import new_pod
from .runtime import Runtime

MAX_BURST = 100  # pods created or deleted per reconcile, like the real controller's slow start


def reconcile_replicaset(rt: Runtime, namespace: str, name: str) -> None:
    rs = rt.store.get("replicasets", namespace, name)
    if rs is None:
        return
    pods = rt.owned("pods", namespace, uid_of(rs))
    desired = max(0, as_int(dig(rs, "spec", "replicas"), 1))
    failure = None
    if len(pods) < desired:
        created, failure = _create_pods(rt, rs, desired - len(pods))
        pods += created
    elif len(pods) > desired:
        doomed = sorted(pods, key=_deletion_rank)[: min(len(pods) - desired, MAX_BURST)]
        for pod in doomed:
            _delete_pod(rt, rs, pod)
        gone = {name_of(p) for p in doomed}
        pods = [p for p in pods if name_of(p) not in gone]
    _write_status(rt, rs, pods, failure)


def _create_pods(rt: Runtime, rs: dict, count: int) -> tuple[list[dict], str | None]:
    """Create up to `count` pods; a rejected pod stops the burst and is reported (FailedCreate)."""
    namespace = dig(rs, "metadata", "namespace", default="")
    ns_obj = rt.store.get("namespaces", None, namespace) or {}
    created = []
    for _ in range(min(count, MAX_BURST)):
        pod_name = f"{name_of(rs)}-{random_suffix(rt.rng)}"
        if rt.store.get("pods", namespace, pod_name) is not None:
            continue  # a rare suffix clash: the next reconcile makes up the difference
        try:
            pod = rt.store.create("pods", new_pod(rs, pod_name, labels_of(ns_obj)),
                                  namespace=namespace)
        except ApiError as error:
            rt.event(rs, "ReplicaSet", "FailedCreate", f"Error creating: {error.message}",
                     component="replicaset-controller", warning=True)
            rt.requeue_after(("replicasets", namespace, name_of(rs)), 10.0)
            return created, error.message
        created.append(pod)
        rt.event(rs, "ReplicaSet", "SuccessfulCreate", f"Created pod: {pod_name}",
                 component="replicaset-controller")
    return created, None


def _delete_pod(rt: Runtime, rs: dict, pod: dict) -> None:
    namespace = dig(pod, "metadata", "namespace", default="")
    try:
        rt.store.delete("pods", namespace, name_of(pod))
    except Exception:  # already gone
        return
    rt.event(rs, "ReplicaSet", "SuccessfulDelete", f"Deleted pod: {name_of(pod)}",
             component="replicaset-controller")


def _deletion_rank(pod: dict) -> tuple:
    """Delete unscheduled, then pending, then not-ready pods first; among equals the newest."""
    created = parse_time(dig(pod, "metadata", "creationTimestamp"))
    stamp = created.timestamp() if created else 0.0
    return (bool(dig(pod, "spec", "nodeName")), dig(pod, "status", "phase") == "Running",
            _is_ready(pod), -stamp, name_of(pod))


def _is_ready(pod: dict) -> bool:
    return _ready_condition(pod) is not None


def _ready_condition(pod: dict) -> dict | None:
    for cond in dig(pod, "status", "conditions", default=[]):
        if isinstance(cond, dict) and cond.get("type") == "Ready" and cond.get("status") == "True":
            return cond
    return None


def _write_status(rt: Runtime, rs: dict, pods: list[dict], failure: str | None) -> None:
    min_ready = as_int(dig(rs, "spec", "minReadySeconds"), 0)
    template_labels = labels_of(dig(rs, "spec", "template", default={}))
    now = rt.now()
    ready = available = labelled = 0
    wake: float | None = None
    for pod in pods:
        labels = labels_of(pod)
        labelled += all(labels.get(k) == v for k, v in template_labels.items())
        cond = _ready_condition(pod)
        if cond is None:
            continue
        ready += 1
        since = parse_time(cond.get("lastTransitionTime")) or now
        remaining = (since + timedelta(seconds=min_ready) - now).total_seconds()
        if min_ready == 0 or remaining <= 0:
            available += 1
        else:
            wake = remaining if wake is None else min(wake, remaining)
    status = {"replicas": len(pods), "fullyLabeledReplicas": labelled, "readyReplicas": ready,
              "availableReplicas": available,
              "observedGeneration": as_int(dig(rs, "metadata", "generation"), 1)}
    status = {k: v for k, v in status.items() if v or k == "replicas"}
    if failure:
        previous = next((c for c in as_list(dig(rs, "status", "conditions"))
                         if dig(c, "type") == "ReplicaFailure"), {})
        status["conditions"] = [{"type": "ReplicaFailure", "status": "True",
                                 "lastTransitionTime": previous.get(
                                     "lastTransitionTime", rt.now_str()),
                                 "reason": "FailedCreate", "message": failure}]
    if dig(rs, "status") != status:
        rt.write("replicasets", rs, lambda obj: obj.__setitem__("status", status))
    if wake is not None:
        rt.requeue_after(("replicasets", dig(rs, "metadata", "namespace"), name_of(rs)), wake)


def reconcile_pod(rt: Runtime, namespace: str, name: str) -> None:
    """The kubelet: bring a pod's status (and nodeName) to what its age says it should be."""
    pod = rt.store.get("pods", namespace, name)
    if pod is None or dig(pod, "metadata", "deletionTimestamp"):
        return
    status, node, wait = simulate(pod, rt.now(), rt.options)

    def edit(obj: dict) -> None:
        obj["status"] = status
        if node and isinstance(obj.get("spec"), dict) and not obj["spec"].get("nodeName"):
            obj["spec"]["nodeName"] = node

    if pod.get("status") != status or (node and not dig(pod, "spec", "nodeName")):
        rt.write("pods", pod, edit)
    if wait is not None:
        rt.requeue_after(("pods", namespace, name), wait)
