"""When each button means something: the enable rules of the UI's actions, over the info dict.

Pure functions over `Rollout.info` (the info model's `to_dict()`), so the overview row, the
detail page and the README all follow one table. A disabled button keeps its `reason` as a
tooltip; an enabled one says in a few words what it does.

| Action       | Enabled when                                                                    |
|--------------|---------------------------------------------------------------------------------|
| Promote      | not aborted, not manually paused (that is Resume), not already unpausing, and   |
|              | either paused by a pause condition or a canary part-way through its steps       |
| Promote full | an update is in progress (current pod hash ≠ stable), or it is manually paused  |
| Abort        | an update is in progress and it is not aborted already                          |
| Retry        | it is aborted                                                                   |
| Pause        | not manually paused and not aborted                                             |
| Resume       | manually paused (`spec.paused`); it sends upstream's promote                    |
| Restart      | no restart is pending (`spec.restartAt` ≠ `status.restartedAt`)                 |
| Rollback     | on every revision but the newest that still has a ReplicaSet, when the rollout  |
|              | has its own pod template                                                        |
| Set image    | the rollout has its own pod template (not a `workloadRef`)                      |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Info = dict[str, Any]

LABELS = {
    "promote": "Promote",
    "promote-full": "Promote full",
    "abort": "Abort",
    "retry": "Retry",
    "pause": "Pause",
    "resume": "Resume",
    "restart": "Restart",
    "rollback": "Rollback",
    "set-image": "Set image",
}
# The overview offers these when enabled (Restart always shows; the rest only when useful).
# Promote full stays on the detail page: it skips every remaining step, not a quick thing.
QUICK = ("promote", "resume", "retry", "abort")


@dataclass(frozen=True)
class Availability:
    action: str  # the UI's action name: promote, promote-full, abort, …
    label: str
    enabled: bool
    reason: str  # why it is disabled, or what it does

    @property
    def danger(self) -> bool:
        return self.action in ("abort", "rollback")


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _list(info: Info, name: str) -> list[Any]:
    value = info.get(name)
    return value if isinstance(value, list) else []


def pause_reasons(info: Info) -> list[str]:
    return [str(c.get("reason") or "") for c in _list(info, "pause_conditions")
            if isinstance(c, dict)]


def manually_paused(info: Info) -> bool:
    return info.get("paused") is True


def unpausing(info: Info) -> bool:
    """The pause conditions are cleared but the controller has not resumed yet."""
    return info.get("controller_pause") is True and not pause_reasons(info)


def in_update(info: Info) -> bool:
    """An update is under way: the current pod template is not yet the stable one."""
    return bool(info.get("current_pod_hash")) and info.get("fully_promoted") is not True


def mid_steps(info: Info) -> bool:
    index, count = _int(info.get("step_index")), _int(info.get("step_count")) or 0
    return info.get("strategy") == "Canary" and count > 0 and (index or 0) < count


def _make(action: str, enabled: bool, reason: str) -> Availability:
    return Availability(action, LABELS[action], enabled, reason)


def _promote(info: Info) -> Availability:
    reasons = pause_reasons(info)
    if info.get("aborted") is True:
        return _make("promote", False, "aborted: promote does nothing until you Retry")
    if manually_paused(info):
        return _make("promote", False, "manually paused: Resume sends the same request")
    if unpausing(info):
        return _make("promote", False, "already being promoted: waiting for the controller")
    if reasons:
        return _make("promote", True, f"clear the pause ({reasons[0]}) and continue")
    if mid_steps(info):
        return _make("promote", True, "skip the current step")
    return _make("promote", False, "nothing to promote: no pause and no step to skip")


def _promote_full(info: Info) -> Availability:
    if in_update(info) or manually_paused(info):
        return _make("promote-full", True, "skip every remaining step and analysis")
    return _make("promote-full", False, "already fully promoted")


def _abort(info: Info) -> Availability:
    if info.get("aborted") is True:
        return _make("abort", False, "already aborted")
    if not in_update(info):
        return _make("abort", False, "no update in progress")
    return _make("abort", True, "send all traffic back to stable and scale the canary down")


def _retry(info: Info) -> Availability:
    if info.get("aborted") is True:
        return _make("retry", True, "start the aborted update again from the first step")
    return _make("retry", False, "only an aborted rollout can be retried")


def _pause_or_resume(info: Info) -> Availability:
    if manually_paused(info):
        return _make("resume", True, "unpause (upstream's promote)")
    if info.get("aborted") is True:
        return _make("pause", False, "aborted: nothing is progressing")
    return _make("pause", True, "hold the rollout where it is (spec.paused)")


def _restart(info: Info) -> Availability:
    restart_at = info.get("restart_at")
    if restart_at and restart_at != info.get("restarted_at"):
        return _make("restart", False, "a restart is already in progress")
    return _make("restart", True, "replace the pods one by one")


def rollout_actions(info: Info) -> list[Availability]:
    """The rollout-level buttons in display order (Pause and Resume share a place)."""
    return [_promote(info), _promote_full(info), _abort(info), _retry(info),
            _pause_or_resume(info), _restart(info)]


def quick_actions(info: Info) -> list[Availability]:
    """The overview's buttons: the useful ones that are enabled, then Restart."""
    by_action = {a.action: a for a in rollout_actions(info)}
    quick = [by_action[name] for name in QUICK if name in by_action and by_action[name].enabled]
    return [*quick, by_action["restart"]]


def has_pod_template(info: Info) -> bool:
    return bool(_list(info, "containers") or _list(info, "init_containers"))


def newest_revision(info: Info) -> int | None:
    revisions = [_int(r.get("revision")) for r in _list(info, "revisions") if isinstance(r, dict)]
    numbers = [r for r in revisions if r is not None]
    return max(numbers) if numbers else None


def rollback(info: Info, revision: Any) -> Availability:
    number = _int(revision)
    if not has_pod_template(info):
        return _make("rollback", False, "no pod template in the rollout (workloadRef)")
    if number is None or number <= 0:
        return _make("rollback", False, "this revision has no number")
    if number == newest_revision(info):
        return _make("rollback", False, "this is the newest revision")
    match = [r for r in _list(info, "revisions")
             if isinstance(r, dict) and _int(r.get("revision")) == number]
    if not match or not [rs for rs in match[0].get("replicasets") or [] if isinstance(rs, dict)]:
        return _make("rollback", False, f"no ReplicaSet is left for revision {number}")
    return _make("rollback", True, f"put revision {number}'s pod template back")


def set_image(info: Info) -> Availability:
    if not has_pod_template(info):
        return _make("set-image", False, "no pod template in the rollout (workloadRef)")
    return _make("set-image", True, "change a container's image: starts a new update")


def find(info: Info, action: str, revision: Any = None) -> Availability | None:
    """The availability of one UI action (rollback needs the revision)."""
    if action == "rollback":
        return rollback(info, revision)
    if action == "set-image":
        return set_image(info)
    for available in rollout_actions(info):
        if available.action == action:
            return available
    # Pause and Resume share a slot: the one not shown is disabled with the other's reason.
    if action in ("pause", "resume"):
        return _make(action, False, "not paused" if action == "resume" else "already paused")
    return None
