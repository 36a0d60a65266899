"""Why a pod's containers are not running: each one's waiting or terminated state, in the words
the kubelet wrote (reason, message, exit code, how the previous run ended)."""

from __future__ import annotations

from dataclasses import replace

from rollouts.info.access import Obj, as_dict, as_int, as_str, dicts
from rollouts.info.model import ContainerStateInfo


def _spec_images(pod: Obj, key: str) -> dict[str, str]:
    return {as_str(c.get("name")): as_str(c.get("image"))
            for c in dicts(as_dict(pod.get("spec")).get(key))}


def _state(status: Obj, init: bool) -> ContainerStateInfo | None:
    state = as_dict(status.get("state"))
    waiting, terminated = state.get("waiting"), state.get("terminated")
    last = as_dict(as_dict(status.get("lastState")).get("terminated"))
    common = {"name": as_str(status.get("name")), "image": as_str(status.get("image")),
              "init": init, "restarts": as_int(status.get("restartCount")) or 0,
              "last_reason": as_str(last.get("reason")),
              "last_exit_code": as_int(last.get("exitCode")) if last else None}
    if isinstance(waiting, dict):
        return ContainerStateInfo(state="waiting", reason=as_str(waiting.get("reason")),
                                  message=as_str(waiting.get("message")), **common)
    if isinstance(terminated, dict):
        exit_code = as_int(terminated.get("exitCode"))
        if init and not exit_code:
            return None  # an init container that did its job
        return ContainerStateInfo(state="terminated", reason=as_str(terminated.get("reason")),
                                  message=as_str(terminated.get("message")),
                                  exit_code=exit_code, **common)
    if last and isinstance(state.get("running"), dict) and status.get("ready") is not True:
        return ContainerStateInfo(state="running", reason="", **common)
    return None


def container_states(pod: Obj) -> tuple[ContainerStateInfo, ...]:
    """Init containers first, then the regular ones, each only when it is not plainly running."""
    status = as_dict(pod.get("status"))
    found = []
    for key, init in (("initContainerStatuses", True), ("containerStatuses", False)):
        for container in dicts(status.get(key)):
            state = _state(container, init)
            if state is not None and not state.image:  # the spec's, read only when needed
                spec = _spec_images(pod, "initContainers" if init else "containers")
                state = replace(state, image=spec.get(state.name, ""))
            if state is not None:
                found.append(state)
    return tuple(found)
