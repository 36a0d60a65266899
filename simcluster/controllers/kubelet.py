"""A simulated scheduler + kubelet: a pod's status is a pure function of its age.

Timeline from creationTimestamp (simulated seconds, ControllerOptions):
  schedule_delay            -> PodScheduled, nodeName/hostIP, startTime; init containers run
                               (Pending, PodInitializing; kubectl prints Init:0/1)
  + start_delay             -> init containers Completed, podIP, containers started (Running)
  + ready_delay             -> containers ready, ContainersReady/Ready
As on a real node, init containers run first whatever the app image: an image whose tag is in
``pull_error_tags`` then waits in ErrImagePull, then ImagePullBackOff, cycling with a back-off of
10s doubling to 5m (the pod stays Pending, its other containers run); one in ``crash_tags`` runs
for a second, exits 1 and restarts with the same back-off (CrashLoopBackOff, growing
restartCount, lastState.terminated). Deriving everything from the age keeps the kubelet correct
across clock jumps (SimClock.advance) and restarts of the manager.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from .objects import as_dict, as_list, dig, format_time, name_of, parse_time, uid_of
from .options import ControllerOptions

CRASH_RUN_SECONDS = 1.0
PULL_ERROR_SECONDS = 2.0  # how long a failed pull shows ErrImagePull before the back-off
BACKOFF_FIRST, BACKOFF_CAP = 10.0, 300.0  # the kubelet's image and crash back-off


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
    sandbox = clock.reached(clock.started)
    if sandbox:
        pod_ip = _pod_ip(pod, node, options)
        status.update({"podIP": pod_ip, "podIPs": [{"ip": pod_ip}], "phase": _phase(
            [options.pull_fails(str(c.get("image", ""))) for c in containers])})
    if inits:
        status["initContainerStatuses"] = [_init_status(pod, c, clock, sandbox) for c in inits]
    statuses = [_container_status(pod, c, clock, options, sandbox) for c in containers]
    status["containerStatuses"] = statuses
    status["conditions"] = _conditions(clock, statuses, [str(c.get("name", "")) for c in inits],
                                       sandbox)
    return status, node, clock.seconds_to_next()


def _phase(pulls_fail: list[bool]) -> str:
    """The kubelet's getPhase: a container that never started (waiting, no last termination)
    keeps the pod Pending; a crash-looping one has terminated before, so the pod is Running."""
    return "Pending" if any(pulls_fail) else "Running"


def _container_status(pod: dict, container: dict, clock: PodClock, options: ControllerOptions,
                      sandbox: bool) -> dict:
    image = str(container.get("image", ""))
    base = {"name": str(container.get("name", "")), "image": image, "imageID": "",
            "ready": False, "restartCount": 0, "started": False, "lastState": {}}
    if not sandbox:
        reason = "PodInitializing" if as_list(dig(pod, "spec", "initContainers")) \
            else "ContainerCreating"
        return {**base, "state": {"waiting": {"reason": reason}}}
    if options.pull_fails(image):
        return {**base, "state": {"waiting": _pull_waiting(image, clock)}}
    running = {**base, "imageID": _image_id(image), "containerID": _container_id(pod, base, 0),
               "started": True}
    if options.crashes(image):
        return _crash_status(pod, running, clock)
    ready = clock.reached(clock.ready)
    return {**running, "ready": ready,
            "state": {"running": {"startedAt": clock.at(clock.started)}}}


def _pull_waiting(image: str, clock: PodClock) -> dict:
    """ErrImagePull for a moment after each failed pull, then ImagePullBackOff until the next."""
    attempt, backoff = clock.started, BACKOFF_FIRST
    while True:
        failed = attempt + PULL_ERROR_SECONDS
        if not clock.reached(failed):
            ref = _qualified(image)
            return {"reason": "ErrImagePull",
                    "message": f'rpc error: code = NotFound desc = failed to pull and unpack '
                               f'image "{ref}": failed to resolve reference "{ref}": {ref}: '
                               "not found"}
        retry = failed + backoff
        if not clock.reached(retry):
            return {"reason": "ImagePullBackOff", "message": f'Back-off pulling image "{image}"'}
        attempt, backoff = _skip_capped(clock, retry, backoff, PULL_ERROR_SECONDS)


def _skip_capped(clock: PodClock, start: float, backoff: float,
                 run: float) -> tuple[float, float]:
    """The next cycle's start and back-off; at the cap, whole cycles up to now at once (a pod
    days old would otherwise walk thousands of them on every sync)."""
    backoff = min(backoff * 2, BACKOFF_CAP)
    if backoff < BACKOFF_CAP:
        return start, backoff
    cycles = int(max(0.0, clock.age - start) // (run + BACKOFF_CAP))
    return start + max(0, cycles - 1) * (run + BACKOFF_CAP), backoff


def _crash_status(pod: dict, running: dict, clock: PodClock) -> dict:
    start, restarts, backoff = clock.started, 0, BACKOFF_FIRST
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
        next_start, backoff = _skip_capped(clock, restart_at, backoff, CRASH_RUN_SECONDS)
        restarts += 1 + round((next_start - restart_at) / (CRASH_RUN_SECONDS + BACKOFF_CAP))
        start = next_start


def _init_status(pod: dict, container: dict, clock: PodClock, sandbox: bool) -> dict:
    base = {"name": str(container.get("name", "")), "image": str(container.get("image", "")),
            "imageID": "", "ready": False, "restartCount": 0, "started": False,
            "lastState": {}, "state": {"waiting": {"reason": "PodInitializing"}}}
    if not sandbox:
        # Scheduled: the init container runs (its image is the mesh's, always pullable).
        return {**base, "imageID": _image_id(str(base["image"])), "started": True,
                "containerID": _container_id(pod, base, 0),
                "state": {"running": {"startedAt": clock.at(clock.scheduled)}}}
    finished = clock.at(clock.started)
    return {**base, "imageID": _image_id(str(base["image"])), "ready": True,
            "containerID": _container_id(pod, base, 0),
            "state": {"terminated": {"exitCode": 0, "reason": "Completed",
                                     "startedAt": clock.at(clock.scheduled),
                                     "finishedAt": finished}}}


def _conditions(clock: PodClock, statuses: list[dict], inits: list[str], sandbox: bool) -> list:
    has_init = bool(inits)
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
        "message": f"containers with incomplete status: [{' '.join(inits)}]"}
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
