"""Helpers for the controller tests: a fast simulated cluster and the exact CLI requests.

Everything goes over HTTP through the unmodified official client, configured by
`kubernetes.config.load_kube_config` from the cluster's kubeconfig, and sends the bodies
`kubectl argo rollouts` sends (reference §1).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from kubernetes import client, config

from simcluster.cluster import SimCluster
from simcluster.controllers import ControllerOptions
from simcluster.seeds import manifests

GROUP, VERSION = "argoproj.io", "v1alpha1"
ISTIO_GROUP, ISTIO_VERSION = "networking.istio.io", "v1beta1"
MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
SPEED = 5.0  # simulated seconds per real second: pods are ready in ~60 ms real time


def fast_options(**overrides: Any) -> ControllerOptions:
    return ControllerOptions(**{"schedule_delay": 0.1, "start_delay": 0.1, "ready_delay": 0.1,
                                "random_seed": 7, **overrides})


def start_cluster(make_simcluster: Callable[..., SimCluster], *,
                  seeds: tuple[str, ...] = ("empty",), speed: float = SPEED,
                  **options: Any) -> SimCluster:
    return make_simcluster(seeds=seeds, controllers=True, speed=speed,
                           controller_options=fast_options(**options))


class Kube:
    """The official clients for one cluster, plus the Argo Rollouts CLI's requests."""

    def __init__(self, cluster: SimCluster) -> None:
        configuration = client.Configuration()
        config.load_kube_config(config_file=str(cluster.kubeconfig),
                                client_configuration=configuration)
        self.cluster = cluster
        self.api = client.ApiClient(configuration)
        self.custom = client.CustomObjectsApi(self.api)
        self.core = client.CoreV1Api(self.api)
        self.apps = client.AppsV1Api(self.api)

    def close(self) -> None:
        self.api.close()

    # --- reads -------------------------------------------------------------------------------
    def rollout(self, ns: str, name: str) -> dict:
        return self.custom.get_namespaced_custom_object(GROUP, VERSION, ns, "rollouts", name)

    def status(self, ns: str, name: str) -> dict:
        return self.rollout(ns, name).get("status") or {}

    def virtual_service(self, ns: str, name: str) -> dict:
        return self.custom.get_namespaced_custom_object(ISTIO_GROUP, ISTIO_VERSION, ns,
                                                        "virtualservices", name)

    def destination_rule(self, ns: str, name: str) -> dict:
        return self.custom.get_namespaced_custom_object(ISTIO_GROUP, ISTIO_VERSION, ns,
                                                        "destinationrules", name)

    def weights(self, ns: str, vs: str, route: int = 0, kind: str = "http") -> dict[str, int]:
        routes = self.virtual_service(ns, vs)["spec"][kind]
        found: dict[str, int] = {}
        for dest in routes[route]["route"]:
            key = dest["destination"].get("subset") or dest["destination"]["host"]
            found[key] = dest.get("weight", 0)
        return found

    def replicasets(self, ns: str, prefix: str) -> dict[str, Any]:
        items = self.apps.list_namespaced_replica_set(ns).items
        return {rs.metadata.name: rs for rs in items if rs.metadata.name.startswith(prefix)}

    def pods(self, ns: str, prefix: str = "") -> list:
        return [p for p in self.core.list_namespaced_pod(ns).items
                if p.metadata.name.startswith(prefix)]

    def runs(self, ns: str) -> list[dict]:
        return self.custom.list_namespaced_custom_object(GROUP, VERSION, ns,
                                                         "analysisruns")["items"]

    # --- kubectl argo rollouts ---------------------------------------------------------------
    def set_image(self, ns: str, name: str, image: str, container: int = 0) -> dict:
        """`set image`: GET the whole object, change the image, PUT it back — retried on 409
        Conflict up to 5 times, like the CLI (the controller may write status in between)."""
        for attempt in range(5):
            obj = self.rollout(ns, name)
            obj["spec"]["template"]["spec"]["containers"][container]["image"] = image
            try:
                return self.custom.replace_namespaced_custom_object(GROUP, VERSION, ns,
                                                                    "rollouts", name, obj)
            except client.ApiException as error:
                if error.status != 409 or attempt == 4:
                    raise
        raise AssertionError("unreachable")

    def promote(self, ns: str, name: str) -> None:
        """`promote` (default), following the CLI's decision table."""
        ro = self.rollout(ns, name)
        spec, status = ro["spec"], ro.get("status") or {}
        if spec.get("paused"):
            self.patch(ns, name, {"spec": {"paused": False}})
        steps = (spec.get("strategy", {}).get("canary") or {}).get("steps") or []
        index = status.get("currentStepIndex") or 0
        bump = min(index + 1, len(steps))
        inconclusive = ((status.get("canary") or {}).get("currentStepAnalysisRunStatus")
                        or {}).get("status") == "Inconclusive"
        if steps and inconclusive and status.get("pauseConditions") and \
                status.get("controllerPause"):
            body = {"pauseConditions": None, "controllerPause": False, "currentStepIndex": bump}
        elif status.get("pauseConditions"):
            body = {"pauseConditions": None}
        elif steps:
            body = {"pauseConditions": None, "currentStepIndex": bump}
        else:
            return
        self.patch_status(ns, name, body)

    def promote_full(self, ns: str, name: str) -> None:
        ro = self.rollout(ns, name)
        if ro["spec"].get("paused"):
            self.patch(ns, name, {"spec": {"paused": False}})
        status = ro.get("status") or {}
        if status.get("currentPodHash") != status.get("stableRS"):
            self.patch_status(ns, name, {"promoteFull": True})

    def abort(self, ns: str, name: str) -> None:
        self.patch_status(ns, name, {"abort": True})

    def retry(self, ns: str, name: str) -> None:
        self.patch_status(ns, name, {"abort": False})

    def pause(self, ns: str, name: str) -> None:
        self.patch(ns, name, {"spec": {"paused": True}})

    def restart(self, ns: str, name: str, at: str) -> None:
        self.patch(ns, name, {"spec": {"restartAt": at}})

    def undo(self, ns: str, name: str, revision: int = 0) -> None:
        """`undo [--to-revision N]`: JSON Patch of spec.template back to an older RS's."""
        ro = self.rollout(ns, name)
        owned = [rs for rs in self.apps.list_namespaced_replica_set(ns).items
                 if any(ref.uid == ro["metadata"]["uid"] and ref.controller
                        for ref in rs.metadata.owner_references or [])]
        by_revision = sorted(owned, key=lambda rs: int(
            (rs.metadata.annotations or {}).get("rollout.argoproj.io/revision", "0")))
        if revision:
            target = next(rs for rs in by_revision if (rs.metadata.annotations or {}).get(
                "rollout.argoproj.io/revision") == str(revision))
        else:
            target = by_revision[-2]
        template = self.api.sanitize_for_serialization(target.spec.template)
        template["metadata"]["labels"].pop("rollouts-pod-template-hash", None)
        self.custom.patch_namespaced_custom_object(
            GROUP, VERSION, ns, "rollouts", name,
            [{"op": "replace", "path": "/spec/template", "value": template}],
            _content_type=JSON_PATCH)

    def patch(self, ns: str, name: str, body: dict) -> dict:
        return self.custom.patch_namespaced_custom_object(GROUP, VERSION, ns, "rollouts", name,
                                                          body, _content_type=MERGE)

    def patch_status(self, ns: str, name: str, status: dict) -> dict:
        return self.custom.patch_namespaced_custom_object_status(
            GROUP, VERSION, ns, "rollouts", name, {"status": status}, _content_type=MERGE)


def wait_for(check: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
    """Poll `check` until it returns something truthy; fail with its last value."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except AssertionError as error:
            last = error
        else:
            if last:
                return last
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}; last value: {last!r}")


def phase(kube: Kube, ns: str, name: str) -> tuple[str, str]:
    status = kube.status(ns, name)
    return status.get("phase", ""), status.get("message", "")


def wait_phase(kube: Kube, ns: str, name: str, expected: str, message: str | None = None,
               timeout: float = 10.0) -> dict:
    def check() -> dict | None:
        status = kube.status(ns, name)
        generation = kube.rollout(ns, name)["metadata"]["generation"]
        if status.get("observedGeneration") != str(generation):
            return None
        if status.get("phase") != expected:
            return None
        if message is not None and status.get("message") != message:
            return None
        return status

    return wait_for(check, timeout, f"{ns}/{name} to be {expected} {message or ''}")


def ready_count(pod) -> tuple[int, int]:
    statuses = pod.status.container_statuses or []
    return sum(1 for c in statuses if c.ready), len(pod.spec.containers)


# --- manifests ---------------------------------------------------------------------------------
def namespace(name: str, istio: bool = False) -> dict:
    return manifests.namespace(name, istio)


def istio_canary(ns: str, name: str, steps: list[dict], *, replicas: int = 4,
                 colour: str = "blue", routing: dict | None = None,
                 **canary: Any) -> list[dict]:
    """A Rollout with Istio host-split traffic routing plus its two Services and its VS."""
    strategy = {"canary": {"canaryService": f"{name}-canary", "stableService": f"{name}-stable",
                           "trafficRouting": routing or {"istio": {"virtualService": {
                               "name": f"{name}-vsvc", "routes": ["primary"]}}},
                           "steps": steps, **canary}}
    return [manifests.rollout(name, ns, replicas, strategy, colour),
            manifests.service(f"{name}-canary", name, ns),
            manifests.service(f"{name}-stable", name, ns),
            manifests.virtual_service(f"{name}-vsvc", ns, f"{name}.local", [manifests.split(
                "primary", f"{name}-stable", f"{name}-canary")])]


def basic_canary(ns: str, name: str, steps: list[dict] | None, *, replicas: int = 4,
                 colour: str = "blue", **spec: Any) -> dict:
    strategy = {"canary": {"steps": steps} if steps is not None else {}}
    return manifests.rollout(name, ns, replicas, strategy, colour, **spec)


def setup(cluster: SimCluster, documents: list[dict]) -> None:
    """Pose the starting objects (like `kubectl apply`); the actions under test go over HTTP."""
    cluster.apply(documents)
