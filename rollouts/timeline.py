"""A rollout's history, derived from two consecutive info dicts. Pure: no I/O, no clock.

The watch shows states, not actions; every event here is a difference between what the
dashboard saw before and what it sees now. Several steps can pass between two batches, so
the rules compare states (revision, step index, pause reasons, flags) rather than expect
one transition at a time. Steps are numbered like the CLI's "Step: N/M" (N = currentStepIndex).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Info = dict[str, Any]


@dataclass(frozen=True)
class TimelineEvent:
    kind: str
    message: str
    at: datetime
    revision: int | None = None
    step_index: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _list(info: Info, name: str) -> list[dict]:
    value = info.get(name)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def current_revision(info: Info) -> int | None:
    """The revision of the ReplicaSet the rollout is moving to (currentPodHash)."""
    wanted = info.get("current_pod_hash")
    for rs in _list(info, "replicasets"):
        if wanted and rs.get("pod_template_hash") == wanted:
            return _int(rs.get("revision"))
    revisions = [r for r in (_int(x.get("revision")) for x in _list(info, "revisions")) if r]
    return max(revisions) if revisions else None


def pause_reasons(info: Info) -> list[str]:
    reasons = [str(c.get("reason") or "") for c in _list(info, "pause_conditions")]
    if info.get("paused") is True:
        reasons.append("manually paused")
    return [r for r in reasons if r]


def _step(info: Info, index: int | None) -> dict:
    steps = _list(info, "steps")
    return steps[index] if index is not None and 0 <= index < len(steps) else {}


def _step_name(info: Info, index: int) -> str:
    label = _step(info, index).get("label") or ""
    return f"step {index}/{info.get('step_count') or len(_list(info, 'steps'))}" + (
        f" ({label})" if label else ""
    )


def _aborted(info: Info) -> bool:
    return info.get("aborted") is True or "RolloutAborted" in str(info.get("message") or "")


def _completed(info: Info) -> bool:
    return info.get("status") == "Healthy" and info.get("fully_promoted") is True


class _Diff:
    """Collects the events of one prev → new comparison."""

    def __init__(self, prev: Info, new: Info, at: datetime) -> None:
        self.prev, self.new, self.at = prev, new, at
        self.revision = current_revision(new)
        self.events: list[TimelineEvent] = []

    def add(self, kind: str, text: str, *, step: int | None = None, **data: Any) -> None:
        self.events.append(TimelineEvent(kind, text, self.at, self.revision, step, data))

    def kinds(self) -> set[str]:
        return {event.kind for event in self.events}

    def update(self) -> None:
        old_hash, new_hash = self.prev.get("current_pod_hash"), self.new.get("current_pod_hash")
        if old_hash and new_hash and old_hash != new_hash:
            images = [i.get("image") for i in _list(self.new, "images") if i.get("image")]
            self.add(
                "update-started", f"Update started: revision {self.revision}",
                previous_revision=current_revision(self.prev), images=images,
            )

    def abort_and_retry(self) -> None:
        was, now = self.prev.get("aborted") is True, self.new.get("aborted") is True
        if now and not was:
            # The controller's message says why, once it has caught up with the abort.
            message = str(self.new.get("message") or "")
            message = message if "abort" in message.lower() else ""
            self.add("aborted", f"Aborted: {message}" if message else "Aborted", message=message)
        elif was and not now and "update-started" not in self.kinds():
            self.add("retried", "Retried: the update starts again")

    def steps(self) -> None:
        old, new = _int(self.prev.get("step_index")), _int(self.new.get("step_index"))
        restarted = "update-started" in self.kinds() or "retried" in self.kinds()
        if old == new and not restarted:
            return
        if old is not None and _step(self.prev, old) and not restarted:
            self.add("step-left", f"Left {_step_name(self.prev, old)}", step=old)
        if new is not None and _step(self.new, new):
            self.add("step-entered", f"Entered {_step_name(self.new, new)}", step=new,
                     label=_step(self.new, new).get("label") or "")

    def weights(self) -> None:
        old = (self.prev.get("set_weight"), self.prev.get("actual_weight"))
        new = (self.new.get("set_weight"), self.new.get("actual_weight"))
        if old != new and new != (None, None):
            message = (
                f"Weight {_pct(old[0])} → {_pct(new[0])} (actual {_pct(new[1])})"
                if old[0] != new[0] else f"Actual weight {_pct(old[1])} → {_pct(new[1])}"
            )
            self.add(
                "weight-changed", message,
                set_weight=new[0], actual_weight=new[1],
                previous_set_weight=old[0], previous_actual_weight=old[1],
            )

    def pauses(self) -> None:
        before, after = pause_reasons(self.prev), pause_reasons(self.new)
        added = [r for r in after if r not in before]
        if added:
            self.add("paused", "Paused: " + ", ".join(added), step=self._index(), reasons=added)
        if self.new.get("promote_full") is True and self.prev.get("promote_full") is not True:
            self.add("promoted", "Promoted fully: skipping the remaining steps", full=True)
        if before and not after and "aborted" not in self.kinds():
            if self._was_waiting_for_user():
                self.add("promoted", "Promoted", step=_int(self.prev.get("step_index")))
            self.add("resumed", "Resumed", step=self._index(), reasons=before)

    def _index(self) -> int | None:
        return _int(self.new.get("step_index"))

    def _was_waiting_for_user(self) -> bool:
        # A timed pause ends by itself; an indefinite pause step or a manual pause needs a
        # promote (or resume) from someone.
        if "manually paused" in pause_reasons(self.prev):
            return True
        step = _step(self.prev, _int(self.prev.get("step_index")))
        return step.get("kind") == "pause" and step.get("pause_duration") is None

    def health(self) -> None:
        was, now = self.prev.get("status") == "Degraded", self.new.get("status") == "Degraded"
        # An abort degrades the rollout and a retry or an update ends that: their own events
        # say so, even when the status catches up a batch later.
        quiet = bool(self.kinds() & {"aborted", "retried", "update-started"})
        if now and not was and not quiet and not _aborted(self.new):
            message = str(self.new.get("message") or "")
            self.add("degraded", f"Degraded: {message}" if message else "Degraded")
        elif was and not now and not quiet and not _aborted(self.prev):
            self.add("recovered", f"Recovered: {self.new.get('status') or 'unknown'}")
        if _completed(self.new) and not _completed(self.prev):
            self.add("completed", f"Completed: revision {self.revision} is stable")


def _pct(value: Any) -> str:
    return f"{value}%" if value is not None else "-"


def derive_events(prev: Info | None, new: Info | None, at: datetime, *,
                  created_at: datetime | None = None) -> list[TimelineEvent]:
    """What happened between two infos of one rollout (None: it did not exist)."""
    if new is None:
        return [] if prev is None else [
            TimelineEvent("deleted", "Rollout deleted", at, current_revision(prev))
        ]
    if prev is None:
        # creationTimestamp says when, unless the cluster's clock is ahead of ours.
        when = min(created_at, at) if created_at else at
        return [TimelineEvent("created", "Rollout created", when, current_revision(new))]
    diff = _Diff(prev, new, at)
    diff.update()
    diff.abort_and_retry()
    diff.steps()
    diff.weights()
    diff.pauses()
    diff.health()
    return diff.events
