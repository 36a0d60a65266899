"""Pods: kubectl's status reason, ready count, restarts, the CLI icon and the web UI's class."""

from __future__ import annotations

from collections.abc import Iterable

from rollouts.info.access import (
    EARLIEST,
    Obj,
    as_dict,
    as_int,
    as_str,
    created_at,
    dicts,
    meta,
    name_of,
    namespace_of,
    owner_uid,
    uid_of,
)
from rollouts.info.model import PodInfo
from rollouts.info.pod_containers import container_states
from rollouts.info.status import ICON_BAD, ICON_OK, ICON_PROGRESSING, ICON_UNKNOWN, ICON_WARNING

_NODE_LOST = "NodeLost"


def _terminated_reason(terminated: Obj, prefix: str) -> str:
    reason = as_str(terminated.get("reason"))
    if reason:
        return prefix + reason
    signal = as_int(terminated.get("signal")) or 0
    if signal:
        return f"{prefix}Signal:{signal}"
    return f"{prefix}ExitCode:{as_int(terminated.get('exitCode')) or 0}"


def _init_reason(pod: Obj, status: Obj) -> tuple[str | None, int]:
    """(reason while initialising or None, restarts of init containers) per kubectl's printer."""
    init_specs = dicts(as_dict(pod.get("spec")).get("initContainers"))
    sidecars = {as_str(c.get("name")) for c in init_specs if c.get("restartPolicy") == "Always"}
    restarts = 0
    for i, container in enumerate(dicts(status.get("initContainerStatuses"))):
        restarts += as_int(container.get("restartCount")) or 0
        state = as_dict(container.get("state"))
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if isinstance(terminated, dict):
            if (as_int(terminated.get("exitCode")) or 0) == 0:
                continue
            return _terminated_reason(terminated, "Init:"), restarts
        if as_str(container.get("name")) in sidecars and container.get("started") is True:
            if container.get("ready") is True:
                continue
            return None, restarts  # a started sidecar that is not ready yet ends the scan
        waiting_reason = as_str(as_dict(waiting).get("reason"))
        if waiting_reason and waiting_reason != "PodInitializing":
            return f"Init:{waiting_reason}", restarts
        return f"Init:{i}/{len(init_specs)}", restarts
    return None, restarts


def _container_reason(status: Obj, reason: str) -> tuple[str, int, int]:
    """Scan regular containers last to first: (reason, ready containers, restarts)."""
    ready = restarts = 0
    has_running = False
    for container in reversed(dicts(status.get("containerStatuses"))):
        restarts += as_int(container.get("restartCount")) or 0
        state = as_dict(container.get("state"))
        waiting, terminated = as_dict(state.get("waiting")), state.get("terminated")
        if as_str(waiting.get("reason")):
            reason = as_str(waiting.get("reason"))
        elif isinstance(terminated, dict):
            reason = _terminated_reason(terminated, "")
        elif container.get("ready") is True and isinstance(state.get("running"), dict):
            has_running = True
            ready += 1
    if reason == "Completed" and has_running:
        reason = "Running"
    return reason, ready, restarts


def pod_icon(status: str) -> str:
    if status.startswith("Init:"):
        return ICON_PROGRESSING
    if status.startswith(("Signal:", "ExitCode:")):
        return ICON_BAD
    if status.endswith("Error") or status.startswith("Err"):
        return ICON_WARNING
    icons = {
        "Pending": ICON_PROGRESSING,
        "Terminating": ICON_PROGRESSING,
        "ContainerCreating": ICON_PROGRESSING,
        "Running": ICON_OK,
        "Completed": ICON_OK,
        "Failed": ICON_BAD,
        "InvalidImageName": ICON_BAD,
        "CrashLoopBackOff": ICON_BAD,
        "ImagePullBackOff": ICON_WARNING,
        "RegistryUnavailable": ICON_WARNING,
        "Unknown": ICON_UNKNOWN,
    }
    return icons.get(status, " ")


def pod_ui_class(status: str, ready: int, total: int) -> str:
    """The web UI's colour: a Running pod that is not fully ready is still pending."""
    if status == "Running" and ready != total:
        return "pending"
    if status in ("Pending", "Terminating", "ContainerCreating"):
        return "pending"
    if status in ("Running", "Completed", "Successful"):
        return "success"
    if status in ("Failed", "InvalidImageName", "CrashLoopBackOff"):
        return "failure"
    if status in ("ImagePullBackOff", "RegistryUnavailable"):
        return "warning"
    return "unknown"


def pod_info(pod: Obj) -> PodInfo:
    status = as_dict(pod.get("status"))
    reason = as_str(status.get("reason")) or as_str(status.get("phase"))
    init_reason, restarts = _init_reason(pod, status)
    ready = 0
    if init_reason is None:
        reason, ready, restarts = _container_reason(status, reason)
    else:
        reason = init_reason
    deleting = meta(pod).get("deletionTimestamp") is not None
    if deleting:
        reason = "Unknown" if as_str(status.get("reason")) == _NODE_LOST else "Terminating"
    total = len(dicts(as_dict(pod.get("spec")).get("containers")))
    return PodInfo(
        name=name_of(pod),
        namespace=namespace_of(pod),
        uid=uid_of(pod),
        created_at=created_at(pod),
        status=reason,
        icon=pod_icon(reason),
        ui_class=pod_ui_class(reason, ready, total),
        ready=f"{ready}/{total}",
        ready_containers=ready,
        total_containers=total,
        restarts=restarts,
        terminating=deleting,
        container_states=container_states(pod),
    )


def pods_by_owner(pods: Iterable[Obj], owner_uids: set[str]) -> dict[str, tuple[PodInfo, ...]]:
    """Pods grouped by the owning ReplicaSet UID, each group sorted by creation time then name."""
    grouped: dict[str, list[PodInfo]] = {}
    for pod in pods:
        owner = owner_uid(pod, owner_uids)
        if owner is not None:
            grouped.setdefault(owner, []).append(pod_info(pod))
    return {
        uid: tuple(sorted(infos, key=lambda p: (p.created_at or EARLIEST, p.name)))
        for uid, infos in grouped.items()
    }
