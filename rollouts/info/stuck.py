"""Why a rollout is not progressing, in one line, from its ReplicaSets' pods.

The controller's own message only says what it waits for ("more replicas need to be updated",
"ProgressDeadlineExceeded"); the cause is on the pods: a canary whose image cannot be pulled, a
container that keeps crashing. `stuck_cause` names it the way an operator would say it:
"canary not available: 1 pod ImagePullBackOff (rollouts-demo: argoproj/rollouts-demo:bad)".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rollouts.info.model import ContainerStateInfo, PodInfo, ReplicaSetInfo

# kubectl statuses of pods on their way up (or down): nothing to explain there.
_ON_THEIR_WAY = frozenset({"Running", "Pending", "ContainerCreating", "PodInitializing",
                           "Completed", "Terminating", "Unknown", ""})
_INIT_COUNT = re.compile(r"Init:\d+/\d+")


def failing_status(pod: PodInfo) -> str:
    """The pod's kubectl status when it says something is wrong ("" for a pod starting up,
    running or going away)."""
    if pod.terminating or pod.status in _ON_THEIR_WAY or _INIT_COUNT.fullmatch(pod.status):
        return ""
    return pod.status


def _culprit(pod: PodInfo, status: str) -> ContainerStateInfo | None:
    """The container the status is about: the one whose reason it is, else the first failing."""
    reason = status.removeprefix("Init:")
    states = pod.container_states
    named = [s for s in states if s.reason == reason]
    failing = [s for s in states if s.state != "running" and s.reason not in _ON_THEIR_WAY]
    return (named or failing or [None])[0]


def _role(rs: ReplicaSetInfo) -> str:
    for role in ("canary", "preview", "stable", "active"):
        if getattr(rs, role):
            return role
    return f"revision {rs.revision}" if rs.revision else rs.name


def _unavailable(rs: ReplicaSetInfo) -> bool:
    wanted = rs.replicas if rs.desired is None else rs.desired
    return rs.available < wanted


def replicaset_cause(rs: ReplicaSetInfo) -> str:
    """"canary not available: 2 pods CrashLoopBackOff (app: repo/app:crash)", or "" when none of
    its pods is failing or it has all the pods it wants."""
    if not _unavailable(rs):
        return ""
    groups: dict[tuple[str, str], int] = {}
    for pod in rs.pods:
        status = failing_status(pod)
        if not status:
            continue
        container = _culprit(pod, status)
        where = f"{container.name}: {container.image}" if container else ""
        groups[(status, where)] = groups.get((status, where), 0) + 1
    if not groups:
        return ""
    parts = [f"{count} pod{'s' if count != 1 else ''} {status}" + (f" ({where})" if where else "")
             for (status, where), count in groups.items()]
    return f"{_role(rs)} not available: {', '.join(parts)}"


def stuck_cause(replicasets: Sequence[ReplicaSetInfo]) -> str:
    """Every short ReplicaSet's cause, the newest revision first, joined by "; "."""
    causes = [cause for rs in replicasets if (cause := replicaset_cause(rs))]
    return "; ".join(causes)
