"""A simulated scheduler + kubelet: a pod's status is a pure function of its age.

Timeline from creationTimestamp (simulated seconds, ControllerOptions):
  schedule_delay            -> PodScheduled, nodeName/hostIP, startTime, ContainerCreating
  + start_delay             -> Running, podIP, containers started (init containers Completed)
  + ready_delay             -> containers ready, ContainersReady/Ready
An image whose tag is in ``pull_error_tags`` stays Pending in ErrImagePull -> ImagePullBackOff;
one in ``crash_tags`` runs for a second, exits 1 and restarts with back-off 10s, 20s, ... 5m
(CrashLoopBackOff, growing restartCount). Deriving everything from the age keeps the kubelet
correct across clock jumps (SimClock.advance) and restarts of the manager.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from .objects import as_dict, as_list, dig, format_time, name_of, parse_time, uid_of
from .options import ControllerOptions

CRASH_RUN_SECONDS = 1.0
PULL_ERROR_SECONDS = 2.0


class PodClock:
    """Offsets of one pod's milestones, and the next moment anything changes."""

    def __init__(self, created: datetime, now: datetime, options: ControllerOptions) -> None:
        self.created = created
        self.age = (now - created).total_seconds()
        self.scheduled = options.schedule_delay
        self.started = self.scheduled + options.start_delay
        self.ready = self.started + options.ready_delay
        self.next_change: float | None = None

    def reached(self, offset: float) -> bool:
        if self.age >= offset:
            return True
        if self.next_change is None or offset < self.next_change:
            self.next_change = offset
        return False

    def at(self, offset: float) -> str:
        return format_time(self.created + timedelta(seconds=offset))

    def seconds_to_next(self) -> float | None:
        return None if self.next_change is None else max(0.0, self.next_change - self.age)


def simulate(pod: dict, now: datetime,
             options: ControllerOptions) -> tuple[dict, str, float | None]:
    """(status, nodeName, seconds until the next change or None)."""
    created = parse_time(dig(pod, "metadata", "creationTimestamp")) or now
    clock = PodClock(created, now, options)
    spec = as_dict(pod.get("spec"))
    node = spec.get("nodeName") or _pick(name_of(pod), options.node_names)
    status: dict[str, Any] = {"phase": "Pending",
                              "qosClass": dig(pod, "status", "qosClass", default="BestEffort")}
    if not clock.reached(clock.scheduled):
        return status, "", clock.seconds_to_next()
    host_ip = f"172.19.0.{3 + options.node_names.index(node)}" \
        if node in options.node_names else "172.19.0.2"
    status.update({"hostIP": host_ip, "hostIPs": [{"ip": host_ip}],
                   "startTime": clock.at(clock.scheduled)})
    containers = [c for c in as_list(spec.get("containers")) if isinstance(c, dict)]
    inits = [c for c in as_list(spec.get("initContainers")) if isinstance(c, dict)]
    pulls_fail = any(options.pull_fails(str(c.get("image", ""))) for c in containers)
    sandbox = clock.reached(clock.started) and not pulls_fail
    if sandbox:
        pod_ip = _pod_ip(pod, node, options)
        status.update({"podIP": pod_ip, "podIPs": [{"ip": pod_ip}], "phase": "Running"})
    if inits:
        status["initContainerStatuses"] = [_init_status(pod, c, clock, sandbox) for c in inits]
    statuses = [_container_status(pod, c, clock, options, sandbox) for c in containers]
    status["containerStatuses"] = statuses
    status["conditions"] = _conditions(clock, statuses, bool(inits), sandbox)
    return status, node, clock.seconds_to_next()


def _container_status(pod: dict, container: dict, clock: PodClock, options: ControllerOptions,
                      sandbox: bool) -> dict:
    image = str(container.get("image", ""))
    base = {"name": str(container.get("name", "")), "image": image, "imageID": "",
            "ready": False, "restartCount": 0, "started": False, "lastState": {}}
    if options.pull_fails(image):
        failing = not clock.reached(clock.scheduled + PULL_ERROR_SECONDS)
        reason = "ErrImagePull" if failing else "ImagePullBackOff"
        message = (f'failed to pull and unpack image "{_qualified(image)}": not found'
                   if failing else f'Back-off pulling image "{image}"')
        return {**base, "state": {"waiting": {"reason": reason, "message": message}}}
    if not sandbox:
        reason = "PodInitializing" if as_list(dig(pod, "spec", "initContainers")) \
            else "ContainerCreating"
        return {**base, "state": {"waiting": {"reason": reason}}}
    running = {**base, "imageID": _image_id(image), "containerID": _container_id(pod, base, 0),
               "started": True}
    if options.crashes(image):
        return _crash_status(pod, running, clock)
    ready = clock.reached(clock.ready)
    return {**running, "ready": ready,
            "state": {"running": {"startedAt": clock.at(clock.started)}}}


def _crash_status(pod: dict, running: dict, clock: PodClock) -> dict:
    start, restarts, backoff = clock.started, 0, 10.0
    while True:
        crashed = start + CRASH_RUN_SECONDS
        last = {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": clock.at(start),
                               "finishedAt": clock.at(crashed),
                               "containerID": _container_id(pod, running, restarts)}}
        if not clock.reached(crashed):
            return {**running, "restartCount": restarts,
                    "containerID": _container_id(pod, running, restarts),
                    "state": {"running": {"startedAt": clock.at(start)}}}
        restart_at = crashed + backoff
        if not clock.reached(restart_at):
            message = (f"back-off {int(backoff)}s restarting failed container="
                       f"{running['name']} pod={name_of(pod)}_{dig(pod, 'metadata', 'namespace')}"
                       f"({uid_of(pod)})")
            return {**running, "started": False, "restartCount": restarts + 1, "lastState": last,
                    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": message}}}
        running = {**running, "lastState": last}
        start, restarts, backoff = restart_at, restarts + 1, min(backoff * 2, 300.0)


def _init_status(pod: dict, container: dict, clock: PodClock, sandbox: bool) -> dict:
    base = {"name": str(container.get("name", "")), "image": str(container.get("image", "")),
            "imageID": "", "ready": False, "restartCount": 0, "started": False,
            "lastState": {}, "state": {"waiting": {"reason": "PodInitializing"}}}
    if not sandbox:
        return base
    finished = clock.at(clock.started)
    return {**base, "imageID": _image_id(str(base["image"])), "ready": True,
            "containerID": _container_id(pod, base, 0),
            "state": {"terminated": {"exitCode": 0, "reason": "Completed",
                                     "startedAt": clock.at(clock.scheduled),
                                     "finishedAt": finished}}}


def _conditions(clock: PodClock, statuses: list[dict], has_init: bool, sandbox: bool) -> list:
    unready = [s["name"] for s in statuses if not s["ready"]]
    all_ready = sandbox and not unready
    ready_since = clock.ready if all_ready else clock.started
    not_ready = {} if all_ready else {
        "reason": "ContainersNotReady",
        "message": f"containers with unready status: [{' '.join(unready)}]"}

    def cond(kind: str, true: bool, since: float, extra: dict | None = None) -> dict:
        body = {"type": kind, "status": "True" if true else "False",
                "lastProbeTime": None, "lastTransitionTime": clock.at(since)}
        return {**body, **(extra or {})}

    init_extra = {} if sandbox or not has_init else {
        "reason": "ContainersNotInitialized",
        "message": "containers with incomplete status: [istio-init]"}
    return [
        cond("PodReadyToStartContainers", sandbox, clock.started if sandbox else clock.scheduled),
        cond("Initialized", sandbox or not has_init,
             clock.started if has_init and sandbox else clock.scheduled, init_extra),
        cond("Ready", all_ready, ready_since, not_ready),
        cond("ContainersReady", all_ready, ready_since, not_ready),
        cond("PodScheduled", True, clock.scheduled),
    ]


def _pick(name: str, nodes: tuple[str, ...]) -> str:
    if not nodes:
        return "sim-worker-1"
    return nodes[int(hashlib.sha256(name.encode()).hexdigest(), 16) % len(nodes)]


def _pod_ip(pod: dict, node: str, options: ControllerOptions) -> str:
    digest = int(hashlib.sha256((uid_of(pod) or name_of(pod)).encode()).hexdigest(), 16)
    subnet = options.node_names.index(node) if node in options.node_names else 0
    return f"10.42.{subnet}.{2 + digest % 250}"


def _qualified(image: str) -> str:
    first = image.split("/", 1)[0]
    if "/" not in image:
        return f"docker.io/library/{image}"
    return image if "." in first or ":" in first else f"docker.io/{image}"


def _image_id(image: str) -> str:
    repo = _qualified(image).split("@", 1)[0].rsplit(":", 1)[0] \
        if ":" in image.rsplit("/", 1)[-1] else _qualified(image)
    return f"{repo}@sha256:{hashlib.sha256(image.encode()).hexdigest()}"


def _container_id(pod: dict, container: dict, attempt: int) -> str:
    seed = f"{uid_of(pod)}/{container.get('name')}/{attempt}"
    return f"containerd://{hashlib.sha256(seed.encode()).hexdigest()}"
