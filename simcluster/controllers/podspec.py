"""Pods as the ReplicaSet controller creates them: template + API defaults + Istio injection."""

from __future__ import annotations

import copy
from typing import Any

from .objects import as_dict, as_list, labels_of, name_of, namespace_of, owner_reference

ISTIO_PROXY_IMAGE = "docker.io/istio/proxyv2:1.26.2"
ISTIO_PROXY = "istio-proxy"
ISTIO_INIT = "istio-init"


def new_pod(rs: dict, name: str, namespace_labels: dict[str, str]) -> dict:
    template = as_dict(as_dict(rs.get("spec")).get("template"))
    template_meta = as_dict(template.get("metadata"))
    pod_meta: dict[str, Any] = {
        "name": name,
        "generateName": f"{name_of(rs)}-",
        "namespace": namespace_of(rs),
        "labels": dict(as_dict(template_meta.get("labels"))),
        "ownerReferences": [owner_reference(rs, "ReplicaSet", "apps/v1")],
    }
    if template_meta.get("annotations"):
        pod_meta["annotations"] = dict(as_dict(template_meta.get("annotations")))
    spec = _defaulted_spec(copy.deepcopy(as_dict(template.get("spec"))))
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": pod_meta, "spec": spec,
           "status": {"phase": "Pending", "qosClass": qos_class(spec)}}
    if wants_sidecar(pod, namespace_labels):
        inject_sidecar(pod)
        pod["status"]["qosClass"] = qos_class(pod["spec"])
    return pod


def _defaulted_spec(spec: dict) -> dict:
    for key, value in (("restartPolicy", "Always"), ("terminationGracePeriodSeconds", 30),
                       ("dnsPolicy", "ClusterFirst"), ("serviceAccountName", "default"),
                       ("serviceAccount", "default"), ("securityContext", {}),
                       ("schedulerName", "default-scheduler"), ("enableServiceLinks", True),
                       ("priority", 0), ("preemptionPolicy", "PreemptLowerPriority")):
        spec.setdefault(key, value)
    spec.setdefault("tolerations", [
        {"key": f"node.kubernetes.io/{taint}", "operator": "Exists", "effect": "NoExecute",
         "tolerationSeconds": 300} for taint in ("not-ready", "unreachable")])
    for field in ("initContainers", "containers"):
        for container in as_list(spec.get(field)):
            if isinstance(container, dict):
                _default_container(container)
    return spec


def _default_container(container: dict) -> None:
    image = str(container.get("image") or "")
    tag = image.rsplit("/", 1)[-1]
    always = ":" not in tag or tag.endswith(":latest")
    container.setdefault("imagePullPolicy", "Always" if always else "IfNotPresent")
    container.setdefault("resources", {})
    container.setdefault("terminationMessagePath", "/dev/termination-log")
    container.setdefault("terminationMessagePolicy", "File")
    for port in as_list(container.get("ports")):
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")


def wants_sidecar(pod: dict, namespace_labels: dict[str, str]) -> bool:
    """Istio's injector: namespace label istio-injection=enabled, unless the pod opts out."""
    labels = labels_of(pod)
    if labels.get("sidecar.istio.io/inject") == "false":
        return False
    if labels.get("sidecar.istio.io/inject") == "true":
        return True
    return namespace_labels.get("istio-injection") == "enabled"


def inject_sidecar(pod: dict) -> None:
    spec = pod["spec"]
    containers = [c for c in as_list(spec.get("containers")) if isinstance(c, dict)]
    if any(c.get("name") == ISTIO_PROXY for c in containers):
        return
    app = labels_of(pod).get("app", name_of(pod))
    meta = pod["metadata"]
    meta.setdefault("labels", {}).update({
        "security.istio.io/tlsMode": "istio",
        "service.istio.io/canonical-name": app,
        "service.istio.io/canonical-revision": labels_of(pod).get("version", "latest"),
    })
    meta.setdefault("annotations", {}).update({
        "sidecar.istio.io/status": '{"initContainers":["istio-init"],"containers":["istio-proxy"]'
                                   ',"volumes":["istio-envoy","istio-data"],"revision":"default"}',
        "kubectl.kubernetes.io/default-container": str(containers[0].get("name", ""))
        if containers else "",
    })
    resources = {"requests": {"cpu": "100m", "memory": "128Mi"},
                 "limits": {"cpu": "2", "memory": "1Gi"}}
    init = {"name": ISTIO_INIT, "image": ISTIO_PROXY_IMAGE,
            "args": ["istio-iptables", "-p", "15001", "-z", "15006", "-u", "1337"],
            "resources": resources}
    proxy = {"name": ISTIO_PROXY, "image": ISTIO_PROXY_IMAGE,
             "args": ["proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local"],
             "ports": [{"name": "http-envoy-prom", "containerPort": 15090, "protocol": "TCP"}],
             "readinessProbe": {"httpGet": {"path": "/healthz/ready", "port": 15021},
                                "periodSeconds": 15, "failureThreshold": 4},
             "resources": resources}
    for container in (init, proxy):
        _default_container(container)
    spec["initContainers"] = [*as_list(spec.get("initContainers")), init]
    spec["containers"] = [*containers, proxy]


def qos_class(spec: dict) -> str:
    containers = [c for key in ("initContainers", "containers")
                  for c in as_list(spec.get(key)) if isinstance(c, dict)]
    requests = [as_dict(as_dict(c.get("resources")).get("requests")) for c in containers]
    limits = [as_dict(as_dict(c.get("resources")).get("limits")) for c in containers]
    if not any(requests) and not any(limits):
        return "BestEffort"
    guaranteed = all(
        lim.get("cpu") and lim.get("memory")
        and req.get("cpu", lim["cpu"]) == lim["cpu"]
        and req.get("memory", lim["memory"]) == lim["memory"]
        for req, lim in zip(requests, limits, strict=True)
    )
    return "Guaranteed" if guaranteed else "Burstable"
