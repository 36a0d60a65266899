"""Upstream's decision tables: from a live Rollout to the exact requests an action sends.

Pure functions over the raw Rollout dict, mirroring `kubectl argo rollouts` (upstream's
pkg/kubectl-argo-rollouts/cmd/*): the same bodies, subresources, patch types, order, NotFound
fallbacks and messages. The only addition is a refusal that stops a repeated promote from
skipping a step.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from rollouts.actions.errors import BadInput, Refused
from rollouts.info.status import is_unpausing as status_is_unpausing

UNPAUSE = {"spec": {"paused": False}}
CLEAR_PAUSE_CONDITIONS = {"status": {"pauseConditions": None}}
PROMOTE_FULL = {"status": {"promoteFull": True}}
UNPAUSE_AND_PROMOTE_FULL = {"spec": {"paused": False}, "status": {"promoteFull": True}}
ABORT = {"status": {"abort": True}}
RETRY = {"status": {"abort": False}}
PAUSE = {"spec": {"paused": True}}
_INTEGER = re.compile(r"^[+-]?\d+$")


def as_dict(value: Any) -> dict[str, Any]:
    """A malformed field (a list where a map belongs, a string, None) reads as empty."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def step_index(rollout: dict[str, Any]) -> int | None:
    """`status.currentStepIndex` when it is an integer (None before the first reconcile)."""
    value = as_dict(rollout.get("status")).get("currentStepIndex")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def step_count(rollout: dict[str, Any]) -> int:
    canary = as_dict(as_dict(as_dict(rollout.get("spec")).get("strategy")).get("canary"))
    return len(as_list(canary.get("steps")))


def pause_reasons(rollout: dict[str, Any]) -> list[str]:
    conditions = as_list(as_dict(rollout.get("status")).get("pauseConditions"))
    return [str(as_dict(c).get("reason", "")) for c in conditions]


@dataclass(frozen=True)
class Plan:
    """What to send, in upstream's order: the status patch, then the main patch or PUT.

    `fallback_patch` replaces `main_patch` when the status subresource answers 404 (CRDs from
    before Rollouts v0.10); it is only used when a status patch was planned.
    """

    message: str
    status_patch: dict[str, Any] | None = None
    main_patch: Any = None
    main_patch_type: str = "merge"
    fallback_patch: dict[str, Any] | None = None
    replace: dict[str, Any] | None = None
    # Upstream words some failures ("failed restoring revision 2: ...").
    error_prefix: str = ""

    @property
    def sends_nothing(self) -> bool:
        return self.status_patch is None and self.main_patch is None and self.replace is None


def rollout_name(rollout: dict[str, Any]) -> str:
    return str(as_dict(rollout.get("metadata")).get("name") or "")


def _canary(rollout: dict[str, Any]) -> dict[str, Any] | None:
    strategy = as_dict(as_dict(rollout.get("spec")).get("strategy"))
    canary = strategy.get("canary")
    return canary if isinstance(canary, dict) else None


def _next_index(rollout: dict[str, Any]) -> int | None:
    """The index after the current step, capped at the step count (None: no canary steps)."""
    if _canary(rollout) is None or step_count(rollout) == 0:
        return None
    index = step_index(rollout) or 0
    return index + 1 if index < step_count(rollout) else index


def _is_inconclusive(rollout: dict[str, Any]) -> bool:
    canary_status = as_dict(as_dict(rollout.get("status")).get("canary"))
    run = as_dict(canary_status.get("currentStepAnalysisRunStatus"))
    return _canary(rollout) is not None and run.get("status") == "Inconclusive"


def is_unpausing(rollout: dict[str, Any]) -> bool:
    """Pause conditions already cleared but the controller has not reconciled yet."""
    return status_is_unpausing(as_dict(rollout.get("status")))


def plan_promote(rollout: dict[str, Any]) -> Plan:
    """Clear pause conditions or bump the step index, never both (upstream's rule).

    Refused while the rollout is already unpausing: upstream would read "no pause conditions"
    as "mid-step" and bump the index, so a double click would skip a step.
    """
    name = rollout_name(rollout)
    if is_unpausing(rollout):
        raise Refused(
            f"rollout '{name}' is already being promoted: its pause was cleared and the "
            "controller has not resumed it yet; try again in a moment",
            reason="InProgress",
        )
    status = as_dict(rollout.get("status"))
    main = UNPAUSE if as_dict(rollout.get("spec")).get("paused") is True else None
    fallback: dict[str, Any] = {"spec": {"paused": False}, "status": {"pauseConditions": None}}
    status_patch = None
    next_index = _next_index(rollout)
    has_conditions = bool(pause_reasons(rollout))
    if _is_inconclusive(rollout) and has_conditions and status.get("controllerPause") is True:
        if next_index is not None:
            status_patch = {"status": {"pauseConditions": None, "controllerPause": False,
                                       "currentStepIndex": next_index}}
    elif has_conditions:
        status_patch = CLEAR_PAUSE_CONDITIONS
    elif next_index is not None:
        status_patch = {"status": {"pauseConditions": None, "currentStepIndex": next_index}}
        fallback = {"spec": {"paused": False},
                    "status": {"pauseConditions": None, "currentStepIndex": next_index}}
    return Plan(f"rollout '{name}' promoted", status_patch=status_patch, main_patch=main,
                fallback_patch=fallback)


def plan_promote_full(rollout: dict[str, Any]) -> Plan:
    """Unpause if paused; set promoteFull unless the current pod hash is already stable."""
    spec, status = as_dict(rollout.get("spec")), as_dict(rollout.get("status"))
    main = UNPAUSE if spec.get("paused") is True else None
    promoted = str(status.get("currentPodHash") or "") == str(status.get("stableRS") or "")
    return Plan(
        f"rollout '{rollout_name(rollout)}' fully promoted",
        status_patch=None if promoted else PROMOTE_FULL,
        main_patch=main,
        fallback_patch=UNPAUSE_AND_PROMOTE_FULL,
    )


def generation_observed(rollout: dict[str, Any]) -> tuple[bool, str]:
    """Whether status describes the current spec, and a sentence saying why not.

    Upstream's phase rule: only a numeric observedGeneration below metadata.generation is
    unobserved; a missing one or a legacy hash counts as observed.
    """
    generation = as_dict(rollout.get("metadata")).get("generation")
    observed = as_dict(rollout.get("status")).get("observedGeneration")
    text = str(observed).strip() if isinstance(observed, str | int) else ""
    if not _INTEGER.match(text) or not isinstance(generation, int):
        return True, ""
    if int(text) < generation:
        return False, f"observedGeneration is {int(text)}, generation is {generation}"
    return True, ""


def settled(rollout: dict[str, Any], written_rv: str | None) -> bool:
    """The controller has reacted to our last write: it wrote after us, has observed the spec,
    and is no longer unpausing."""
    rv = str(as_dict(rollout.get("metadata")).get("resourceVersion") or "")
    return (rv != (written_rv or "") and generation_observed(rollout)[0]
            and not is_unpausing(rollout))


def plan_abort(rollout: dict[str, Any]) -> Plan:
    return Plan(f"rollout '{rollout_name(rollout)}' aborted", status_patch=ABORT,
                fallback_patch=ABORT)


def plan_retry(rollout: dict[str, Any]) -> Plan:
    return Plan(f"rollout '{rollout_name(rollout)}' retried", status_patch=RETRY,
                fallback_patch=RETRY)


def plan_pause(rollout: dict[str, Any]) -> Plan:
    return Plan(f"rollout '{rollout_name(rollout)}' paused", main_patch=PAUSE)


def plan_restart(rollout: dict[str, Any], now: datetime, delay_seconds: int = 0,
                 delay_text: str = "0s") -> Plan:
    """Set spec.restartAt to now (+ delay) in RFC 3339 UTC with second precision."""
    at = (now.astimezone(UTC) + timedelta(seconds=delay_seconds)).replace(microsecond=0)
    return Plan(
        f"rollout '{rollout_name(rollout)}' restarts in {delay_text}",
        main_patch={"spec": {"restartAt": at.strftime("%Y-%m-%dT%H:%M:%SZ")}},
    )


CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


def set_image(obj: dict[str, Any], container: str, image: str) -> dict[str, Any]:
    """A copy of obj with the image of the named container (`*`: every container) replaced."""
    updated = copy.deepcopy(obj)
    pod_spec = as_dict(as_dict(as_dict(updated.get("spec")).get("template")).get("spec"))
    found = False
    for field in CONTAINER_LISTS:
        for entry in as_list(pod_spec.get(field)):
            if isinstance(entry, dict) and (container == "*" or entry.get("name") == container):
                entry["image"] = image
                found = True
    if not found:
        raise BadInput(f'unable to find container named "{container}"', reason="NotFound")
    return updated


def plan_set_image(rollout: dict[str, Any], container: str, image: str) -> Plan:
    if "workloadRef" in as_dict(rollout.get("spec")):
        raise BadInput(
            f"rollout '{rollout_name(rollout)}' uses spec.workloadRef: set its image on the "
            "referenced Deployment, this dashboard does not edit Deployments",
            reason="Unsupported",
        )
    kind = str(rollout.get("kind") or "Rollout").lower()
    updated = set_image(rollout, container, image)
    return Plan(f'{kind} "{rollout_name(rollout)}" image updated', replace=updated)
