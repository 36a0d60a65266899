"""ReplicaSets of a Rollout (or an Experiment): roles, health, scale-down deadline and pods."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rollouts.info.access import (
    HASH_LABEL,
    SCALE_DOWN_DEADLINE_ANNOTATION,
    TEMPLATE_NAME_ANNOTATION,
    Obj,
    annotation,
    as_dict,
    as_int,
    as_str,
    created_at,
    dicts,
    dig,
    label,
    meta,
    name_of,
    namespace_of,
    owner_uid,
    parse_revision,
    parse_time,
    uid_of,
)
from rollouts.info.model import ReplicaSetInfo
from rollouts.info.pods import pods_by_owner
from rollouts.info.status import ICON_BAD, ICON_NEUTRAL, ICON_OK, ICON_PROGRESSING

_RS_ICONS = {
    "Progressing": ICON_PROGRESSING,
    "Healthy": ICON_OK,
    "ReplicaFailure": ICON_BAD,
    "ScaledDown": ICON_NEUTRAL,
}


def replicaset_icon(status: str) -> str:
    return _RS_ICONS.get(status, " ")


def replicaset_health(rs: Obj) -> str:
    """Upstream getReplicaSetHealth."""
    status = as_dict(rs.get("status"))
    desired = as_int(dig(rs, "spec", "replicas"))
    generation = as_int(meta(rs).get("generation")) or 0
    if generation > (as_int(status.get("observedGeneration")) or 0):
        return "Progressing"
    for cond in dicts(status.get("conditions")):
        if cond.get("type") == "ReplicaFailure" and cond.get("status") == "True":
            return "ReplicaFailure"
    if desired is not None and (as_int(status.get("availableReplicas")) or 0) < desired:
        return "Progressing"
    if desired == 0:
        return "ScaledDown"
    return "Healthy"


def _roles(pod_hash: str, rollout: Obj | None) -> dict[str, bool]:
    """stable/canary/active/preview/ping/pong flags (upstream GetReplicaSetInfo).

    Unlike upstream we never match an empty hash, so an unlabelled RS of a rollout whose status
    is still empty is not mistaken for the stable one."""
    roles = dict.fromkeys(("stable", "canary", "active", "preview", "ping", "pong"), False)
    if rollout is None or not pod_hash:
        return roles
    status = as_dict(rollout.get("status"))
    strategy = as_dict(dig(rollout, "spec", "strategy"))
    stable = pod_hash == as_str(status.get("stableRS"))
    if isinstance(strategy.get("canary"), dict):
        stable_is_ping = dig(status, "canary", "stablePingPong") == "ping"
        side_is_ping: bool | None = None
        if stable:
            roles["stable"], side_is_ping = True, stable_is_ping
        elif pod_hash == as_str(status.get("currentPodHash")):
            roles["canary"], side_is_ping = True, not stable_is_ping
        if isinstance(strategy["canary"].get("pingPong"), dict) and side_is_ping is not None:
            roles["ping"], roles["pong"] = side_is_ping, not side_is_ping
    if isinstance(strategy.get("blueGreen"), dict):
        roles["stable"] = roles["stable"] or stable
        blue_green = as_dict(status.get("blueGreen"))
        if pod_hash == as_str(blue_green.get("activeSelector")):
            roles["active"] = True
        elif pod_hash == as_str(blue_green.get("previewSelector")):
            roles["preview"] = True
    return roles


def _images(rs: Obj, key: str) -> tuple[str, ...]:
    containers = dicts(dig(rs, "spec", "template", "spec", key))
    return tuple(as_str(c.get("image")) for c in containers)


def _replicaset_info(rs: Obj, rollout: Obj | None) -> ReplicaSetInfo:
    status = as_dict(rs.get("status"))
    health = replicaset_health(rs)
    pod_hash = label(rs, HASH_LABEL)
    deadline_raw = annotation(rs, SCALE_DOWN_DEADLINE_ANNOTATION)
    return ReplicaSetInfo(
        name=name_of(rs),
        namespace=namespace_of(rs),
        uid=uid_of(rs),
        created_at=created_at(rs),
        revision=parse_revision(rs),
        pod_template_hash=pod_hash,
        status=health,
        icon=replicaset_icon(health),
        desired=as_int(dig(rs, "spec", "replicas")),
        replicas=as_int(status.get("replicas")) or 0,
        available=as_int(status.get("availableReplicas")) or 0,
        ready=as_int(status.get("readyReplicas")) or 0,
        scale_down_deadline=parse_time(deadline_raw),
        scale_down_deadline_raw=deadline_raw,
        template=annotation(rs, TEMPLATE_NAME_ANNOTATION),
        images=_images(rs, "containers"),
        init_container_images=_images(rs, "initContainers"),
        **_roles(pod_hash, rollout),
    )


def build_replicasets(
    owner: str, rollout: Obj | None, replicasets: Sequence[Obj], pods: Sequence[Obj]
) -> tuple[ReplicaSetInfo, ...]:
    """The ReplicaSets owned by UID `owner`, revision descending then name, with their pods.
    `rollout` gives the roles; pass None for an Experiment's ReplicaSets (they have none)."""
    if not owner:
        return ()
    infos = [_replicaset_info(rs, rollout) for rs in replicasets if owner_uid(rs, {owner})]
    infos.sort(key=lambda rs: (-rs.revision, rs.name))
    grouped = pods_by_owner(pods, {rs.uid for rs in infos if rs.uid})
    return tuple(replace(rs, pods=grouped.get(rs.uid, ())) for rs in infos)
