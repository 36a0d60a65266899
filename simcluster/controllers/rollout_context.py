"""Everything one Rollout reconcile works from: the rollout, its ReplicaSets, runs, experiments.

Mirrors upstream's rolloutContext: a snapshot read once, local copies updated after each write,
and a ``new_status`` that the steps of the reconcile fill in before it is persisted.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .canary_math import status_of
from .hashing import pod_template_hash
from .objects import (
    HASH_LABEL,
    as_dict,
    as_int,
    as_list,
    dig,
    name_of,
    namespace_of,
    parse_time,
    pod_hash,
    uid_of,
)
from .runtime import Runtime


class PauseContext:
    """Pause and abort intents collected during a reconcile, applied to the status at the end."""

    def __init__(self, rollout: dict) -> None:
        self.rollout = rollout
        self.add_reasons: list[str] = []
        self.remove_reasons: list[str] = []
        self.clear = False
        self.add_abort = False
        self.remove_abort = False
        self.abort_message = ""

    def is_aborted(self) -> bool:
        if self.remove_abort:
            return False
        return self.add_abort or status_of(self.rollout).get("abort") is True

    def abort(self, message: str) -> None:
        self.add_abort, self.abort_message = True, message

    def apply(self, new_status: dict, now: str) -> None:
        """CalculatePauseStatus: abort first, then pause conditions."""
        old = status_of(self.rollout)
        if self.add_abort or (not self.remove_abort and old.get("abort") is True):
            new_status["abort"] = True
            new_status["abortedAt"] = old.get("abortedAt") or now
            return
        new_status.pop("abort", None)
        new_status.pop("abortedAt", None)
        if self.clear:
            return
        controller_pause = old.get("controllerPause") is True
        existing = {c.get("reason") for c in pause_conditions(self.rollout)}
        kept = [c for c in pause_conditions(self.rollout)
                if c.get("reason") not in self.remove_reasons]
        for reason in self.add_reasons:
            if reason not in existing:
                kept.append({"reason": reason, "startTime": now})
                existing.add(reason)
                controller_pause = True
        if kept:
            new_status["controllerPause"] = controller_pause
            new_status["pauseConditions"] = kept


def pause_conditions(rollout: dict) -> list[dict]:
    return [c for c in as_list(status_of(rollout).get("pauseConditions")) if isinstance(c, dict)]


def pause_condition(rollout: dict, reason: str) -> dict | None:
    return next((c for c in pause_conditions(rollout) if c.get("reason") == reason), None)


class RolloutContext:
    def __init__(self, rt: Runtime, rollout: dict, overrides: dict | None = None) -> None:
        self.rt = rt
        self.overrides = overrides or {}
        self.rollout = with_overrides(rollout, self.overrides) if self.overrides else rollout
        self.namespace = namespace_of(rollout)
        self.name = name_of(rollout)
        self.key = ("rollouts", self.namespace, self.name)
        uid = uid_of(rollout)
        self.all_rss = rt.owned("replicasets", self.namespace, uid)
        self.analysis_runs = rt.owned("analysisruns", self.namespace, uid)
        self.experiments = rt.owned("experiments", self.namespace, uid)
        self.new_rs: dict | None = None
        self.stable_rs: dict | None = None
        self.pause = PauseContext(self.rollout)
        self.new_status: dict[str, Any] = {"canary": {}, "blueGreen": {}}
        if status_of(rollout).get("restartedAt"):
            self.new_status["restartedAt"] = status_of(rollout)["restartedAt"]
        weights = dig(rollout, "status", "canary", "weights")
        if isinstance(weights, dict):
            self.new_status["canary"]["weights"] = copy.deepcopy(weights)
        # The runs the status names as current (FilterCurrentRolloutAnalysisRuns).
        self.current_step_run = self._named_run("canary", "currentStepAnalysisRunStatus")
        self.current_background_run = self._named_run("canary",
                                                      "currentBackgroundAnalysisRunStatus")
        self.pre_promotion_run = self._named_run("blueGreen", "prePromotionAnalysisRunStatus")
        self.post_promotion_run = self._named_run("blueGreen", "postPromotionAnalysisRunStatus")
        current = dig(rollout, "status", "canary", "currentExperiment")
        self.current_experiment: dict | None = next(
            (ex for ex in self.experiments if current and name_of(ex) == current), None)
        self.notes: list[dict] = []  # extra conditions (e.g. an unsimulated traffic router)
        self.classify_replicasets()

    def _named_run(self, group: str, slot: str) -> dict | None:
        name = dig(self.rollout, "status", group, slot, "name")
        return next((r for r in self.analysis_runs if name and name_of(r) == name), None)

    # --- ReplicaSets -------------------------------------------------------------------------
    def template_hash(self) -> str:
        collision = status_of(self.rollout).get("collisionCount")
        return pod_template_hash(dig(self.rollout, "spec", "template", default={}),
                                 collision if isinstance(collision, int) else None)

    def classify_replicasets(self) -> None:
        wanted = self.template_hash()
        ordered = sorted(self.all_rss, key=creation_key)
        self.new_rs = next((rs for rs in ordered if pod_hash(rs) == wanted), None)
        stable = status_of(self.rollout).get("stableRS")
        self.stable_rs = next((rs for rs in self.all_rss if stable and pod_hash(rs) == stable),
                              None)

    @property
    def older_rss(self) -> list[dict]:
        return [rs for rs in self.all_rss if not self.is_new(rs)]

    @property
    def other_rss(self) -> list[dict]:
        return [rs for rs in self.all_rss if not self.is_new(rs) and not self.is_stable(rs)]

    def is_new(self, rs: dict) -> bool:
        return self.new_rs is not None and name_of(rs) == name_of(self.new_rs)

    def is_stable(self, rs: dict) -> bool:
        return self.stable_rs is not None and name_of(rs) == name_of(self.stable_rs)

    def replace_rs(self, updated: dict) -> dict:
        """Swap a ReplicaSet we just wrote into the local lists."""
        self.all_rss = [updated if name_of(rs) == name_of(updated) else rs for rs in self.all_rss]
        if self.new_rs is not None and name_of(self.new_rs) == name_of(updated):
            self.new_rs = updated
        if self.stable_rs is not None and name_of(self.stable_rs) == name_of(updated):
            self.stable_rs = updated
        return updated

    # --- writes, time, events -----------------------------------------------------------------
    def write_rollout(self, edit: Callable[[dict], None]) -> dict:
        """Edit the Rollout (refusing if someone else changed it since we read it)."""
        written = self.rt.write("rollouts", self.rollout, edit, check_rv=True)
        if self.overrides:  # workloadRef: keep the Deployment's template and selector
            written = with_overrides(written, self.overrides)
        self.rollout = written
        self.pause.rollout = self.rollout
        return self.rollout

    def now_str(self) -> str:
        return self.rt.now_str()

    def requeue_after(self, seconds: float) -> None:
        self.rt.requeue_after(self.key, seconds)

    def seconds_until(self, stamp: Any, plus: float = 0.0) -> float | None:
        moment = parse_time(stamp)
        if moment is None:
            return None
        return (moment - self.rt.now()).total_seconds() + plus

    def event(self, reason: str, message: str, *, warning: bool = False) -> None:
        self.rt.event(self.rollout, "Rollout", reason, message, warning=warning)

    def revision(self) -> int:
        return as_int(as_dict(dig(self.rollout, "metadata", "annotations")).get(
            "rollout.argoproj.io/revision"), 0)


def with_overrides(rollout: dict, overrides: dict) -> dict:
    """The rollout as the controller sees it: spec fields resolved from its workloadRef."""
    view = dict(rollout)
    view["spec"] = {**as_dict(rollout.get("spec")), **copy.deepcopy(overrides)}
    return view


def creation_key(obj: dict) -> tuple:
    created = parse_time(dig(obj, "metadata", "creationTimestamp"))
    return (created.timestamp() if created else 0.0, name_of(obj))


def rs_hash(rs: dict | None) -> str:
    return pod_hash(rs) if rs else ""


__all__ = ["HASH_LABEL", "PauseContext", "RolloutContext", "creation_key", "pause_condition",
           "pause_conditions", "rs_hash"]
