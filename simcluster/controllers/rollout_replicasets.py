"""The Rollout's own ReplicaSets: create the new one, keep revisions, scale, delay scale-down."""

from __future__ import annotations

import copy
from datetime import timedelta

from . import conditions as cond
from .canary_math import spec_replicas
from .objects import (
    DESIRED_REPLICAS_ANNOTATION,
    HASH_LABEL,
    REVISION_ANNOTATION,
    REVISION_HISTORY_ANNOTATION,
    SCALE_DOWN_DEADLINE_ANNOTATION,
    annotations_of,
    as_dict,
    dig,
    format_time,
    name_of,
    owner_reference,
    parse_time,
    revision_of,
)
from .rollout_context import RolloutContext, creation_key
from .runtime import Conflict

_NOT_COPIED = {"kubectl.kubernetes.io/last-applied-configuration", REVISION_ANNOTATION,
               REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION,
               "notified.notifications.argoproj.io"}


def copied_annotations(ctx: RolloutContext) -> dict[str, str]:
    return {k: v for k, v in annotations_of(ctx.rollout).items() if k not in _NOT_COPIED}


def max_old_revision(ctx: RolloutContext) -> int:
    return max((revision_of(rs) for rs in ctx.older_rss), default=0)


def create_new_rs(ctx: RolloutContext) -> None:
    """createDesiredReplicaSet: `<rollout>-<hash>`, revision max+1, 0 replicas."""
    rs_hash = ctx.template_hash()
    template = copy.deepcopy(as_dict(dig(ctx.rollout, "spec", "template")))
    template.setdefault("metadata", {}).setdefault("labels", {})[HASH_LABEL] = rs_hash
    selector = copy.deepcopy(as_dict(dig(ctx.rollout, "spec", "selector")))
    selector.setdefault("matchLabels", {})[HASH_LABEL] = rs_hash
    revision = str(max_old_revision(ctx) + 1)
    rs_name = f"{ctx.name}-{rs_hash}"
    body = {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {
            "name": rs_name, "namespace": ctx.namespace,
            "labels": dict(template["metadata"]["labels"]),
            "annotations": {**copied_annotations(ctx), REVISION_ANNOTATION: revision,
                            DESIRED_REPLICAS_ANNOTATION: str(spec_replicas(ctx.rollout))},
            "ownerReferences": [owner_reference(ctx.rollout, "Rollout")],
        },
        "spec": {"replicas": 0, "selector": selector, "template": template},
    }
    min_ready = dig(ctx.rollout, "spec", "minReadySeconds")
    if isinstance(min_ready, int) and min_ready > 0:
        body["spec"]["minReadySeconds"] = min_ready
    existing = ctx.rt.store.get("replicasets", ctx.namespace, rs_name)
    if existing is not None:
        _adopt_or_collide(ctx, existing)
        return
    created = ctx.rt.store.create("replicasets", body, namespace=ctx.namespace)
    ctx.all_rss.append(created)
    ctx.new_rs = created
    set_rollout_revision(ctx, revision)
    ctx.event(cond.NEW_RS_REASON, f"Created ReplicaSet {rs_name} (revision {revision})")
    message = cond.NEW_RS_MESSAGE.format(rs_name)
    condition = cond.new_condition(cond.PROGRESSING, "True", cond.NEW_RS_REASON, message,
                                   ctx.now_str())
    ctx.write_rollout(lambda ro: cond.set_condition(ro.setdefault("status", {}), condition))


def _adopt_or_collide(ctx: RolloutContext, existing: dict) -> None:
    """A ReplicaSet with our name exists but was not ours or not our template: a collision."""
    def bump(ro: dict) -> None:
        status = ro.setdefault("status", {})
        count = status.get("collisionCount")
        status["collisionCount"] = (count if isinstance(count, int) else 0) + 1

    ctx.write_rollout(bump)
    raise Conflict(f"hash collision with ReplicaSet {name_of(existing)}; collisionCount bumped")


def set_rollout_revision(ctx: RolloutContext, revision: str) -> None:
    if annotations_of(ctx.rollout).get(REVISION_ANNOTATION) == revision:
        return
    ctx.write_rollout(lambda ro: ro.setdefault("metadata", {}).setdefault(
        "annotations", {}).__setitem__(REVISION_ANNOTATION, revision))
    ctx.event(cond.ROLLOUT_UPDATED_REASON, f"Rollout updated to revision {revision}")


def sync_revision(ctx: RolloutContext) -> None:
    """syncReplicaSetRevision: the new RS takes revision max(old)+1 (rollback keeps history)."""
    rs = ctx.new_rs
    if rs is None:
        return
    wanted = max_old_revision(ctx) + 1
    annotations = annotations_of(rs)
    changes = {k: v for k, v in copied_annotations(ctx).items() if annotations.get(k) != v}
    old_revision = annotations.get(REVISION_ANNOTATION, "")
    if revision_of(rs) < wanted:
        changes[REVISION_ANNOTATION] = str(wanted)
        if old_revision:
            history = [h for h in annotations.get(REVISION_HISTORY_ANNOTATION, "").split(",") if h]
            changes[REVISION_HISTORY_ANNOTATION] = ",".join([*history, old_revision])
    if changes:
        ctx.replace_rs(ctx.rt.write("replicasets", rs, lambda obj: obj.setdefault(
            "metadata", {}).setdefault("annotations", {}).update(changes)))
        return  # like upstream, the rollout's revision follows on the next pass
    set_rollout_revision(ctx, str(revision_of(rs)))
    if cond.get_condition(as_dict(ctx.rollout.get("status")), cond.PROGRESSING) is None:
        message = cond.FOUND_NEW_RS_MESSAGE.format(name_of(rs))
        condition = cond.new_condition(cond.PROGRESSING, "True", cond.FOUND_NEW_RS_REASON,
                                       message, ctx.now_str())
        ctx.write_rollout(lambda ro: cond.set_condition(ro.setdefault("status", {}), condition))


def scale_rs(ctx: RolloutContext, rs: dict, count: int, *, keep_deadline: bool = False) -> bool:
    """scaleReplicaSetAndRecordEvent; True when spec.replicas actually changed."""
    current = dig(rs, "spec", "replicas", default=0)
    desired_annotation = str(spec_replicas(ctx.rollout))
    annotations = annotations_of(rs)
    drop_deadline = count == 0 and not keep_deadline and \
        SCALE_DOWN_DEADLINE_ANNOTATION in annotations
    if current == count and annotations.get(DESIRED_REPLICAS_ANNOTATION) == desired_annotation \
            and not drop_deadline:
        return False

    def edit(obj: dict) -> None:
        obj.setdefault("spec", {})["replicas"] = count
        notes = obj.setdefault("metadata", {}).setdefault("annotations", {})
        notes[DESIRED_REPLICAS_ANNOTATION] = desired_annotation
        if drop_deadline:
            notes.pop(SCALE_DOWN_DEADLINE_ANNOTATION, None)

    ctx.replace_rs(ctx.rt.write("replicasets", rs, edit))
    if current == count:
        return False
    direction = "up" if current < count else "down"
    ctx.event("ScalingReplicaSet", f"Scaled {direction} ReplicaSet {name_of(rs)} "
                                   f"(revision {revision_of(rs)}) from {current} to {count}")
    return True


def has_deadline(rs: dict | None) -> bool:
    return bool(rs) and bool(annotations_of(rs).get(SCALE_DOWN_DEADLINE_ANNOTATION))


def seconds_to_deadline(ctx: RolloutContext, rs: dict) -> float | None:
    """Seconds until the RS's scale-down-deadline (None: none, unparsable, or passed)."""
    deadline = parse_time(annotations_of(rs).get(SCALE_DOWN_DEADLINE_ANNOTATION))
    if deadline is None:
        return None
    remaining = (deadline - ctx.rt.now()).total_seconds()
    return remaining if remaining > 0 else None


def add_deadline(ctx: RolloutContext, rs: dict, seconds: float) -> None:
    if seconds <= 0:
        remove_deadline(ctx, rs)
        return
    deadline = format_time(ctx.rt.now() + timedelta(seconds=seconds))
    ctx.replace_rs(ctx.rt.write("replicasets", rs, lambda obj: obj.setdefault(
        "metadata", {}).setdefault("annotations", {}).__setitem__(
        SCALE_DOWN_DEADLINE_ANNOTATION, deadline)))
    ctx.requeue_after(seconds)


def remove_deadline(ctx: RolloutContext, rs: dict | None) -> None:
    if rs is None or not has_deadline(rs):
        return
    ctx.replace_rs(ctx.rt.write("replicasets", rs, lambda obj: obj["metadata"][
        "annotations"].pop(SCALE_DOWN_DEADLINE_ANNOTATION, None)))


def trim_revision_history(ctx: RolloutContext) -> None:
    """reconcileRevisionHistoryLimit: delete the oldest scaled-down RSs beyond the limit."""
    limit = dig(ctx.rollout, "spec", "revisionHistoryLimit")
    limit = limit if isinstance(limit, int) and limit >= 0 else 10
    candidates = sorted(ctx.other_rss, key=creation_key)
    for rs in candidates[: max(0, len(candidates) - limit)]:
        if dig(rs, "spec", "replicas", default=0) != 0 or dig(rs, "status", "replicas", default=0):
            continue
        ctx.rt.store.delete("replicasets", ctx.namespace, name_of(rs))
        ctx.all_rss = [r for r in ctx.all_rss if name_of(r) != name_of(rs)]
