"""The concurrency guard: what the operator saw, and whether the rollout has moved on since.

Everything here reads the info model's dict (`Rollout.info`, `RolloutInfo.to_dict()`): the UI
calls `expect_from_info` on the row it renders a button for, the API and CLI accept the same
three values back, and the service builds the info of the live object right before deciding,
so both sides compute the fingerprint with one function over one shape.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from rollouts.actions.errors import Refused
from rollouts.info import ClusterObjects, build_rollout_info

Info = dict[str, Any]


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def live_info(rollout: dict[str, Any]) -> Info:
    """The info of a Rollout read just now (only the Rollout's own fields matter here)."""
    return build_rollout_info(ClusterObjects(rollout=rollout), timezone.now()).to_dict()


def state_fingerprint(info: Info) -> str:
    """A short digest of everything the actions' decision tables look at.

    Two views with the same fingerprint lead every action to send the same requests, so a
    resourceVersion bump that changed only replica counts does not refuse a click.
    """
    conditions = info.get("pause_conditions")
    reasons = [str(c.get("reason") or "") for c in conditions or () if isinstance(c, dict)]
    relevant = {
        "step": _int(info.get("step_index")),
        "pauseReasons": sorted(reasons),
        "controllerPause": info.get("controller_pause") is True,
        "paused": info.get("paused") is True,
        "abort": info.get("aborted") is True,
        "currentPodHash": str(info.get("current_pod_hash") or ""),
        "stableRS": str(info.get("stable_rs") or ""),
        "generation": _int(info.get("generation")),
    }
    digest = hashlib.sha256(json.dumps(relevant, sort_keys=True).encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Expect:
    """What the operator saw when they clicked: any field may be unknown (None)."""

    resource_version: str | None = None
    step_index: int | None = None
    state: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"resourceVersion": self.resource_version, "step": self.step_index,
                "state": self.state}


def expect_from_info(info: Info) -> Expect:
    """The values a button carries so that its action is refused once the rollout moves on."""
    rv = str(info.get("resource_version") or "") or None
    return Expect(rv, _int(info.get("step_index")), state_fingerprint(info))


def expect_from_rollout(rollout: dict[str, Any]) -> Expect:
    return expect_from_info(live_info(rollout))


def _step_text(index: int | None, count: Any) -> str:
    return "no step" if index is None else f"step {index}/{_int(count) or 0}"


def check_expect(expect: Expect | None, info: Info) -> None:
    """Raise Refused when the live rollout (as info) is no longer what the operator acted on.

    An equal resourceVersion always passes. A different one passes only when the step index and
    the fingerprint (those the caller gave) are unchanged; with neither given, a different
    resourceVersion refuses, as plain optimistic concurrency would.
    """
    if expect is None:
        return
    live_rv = str(info.get("resource_version") or "")
    if expect.resource_version is not None and expect.resource_version == live_rv:
        return
    live_step, count = _int(info.get("step_index")), info.get("step_count")
    if expect.step_index is not None and expect.step_index != live_step:
        raise Refused(
            f"rollout moved on: it is at {_step_text(live_step, count)} now, "
            f"you saw {expect.step_index}/{_int(count) or 0}",
            reason="MovedOn",
        )
    if expect.state is not None and expect.state != state_fingerprint(info):
        raise Refused(
            "rollout moved on: its pause, abort or revision state changed since you saw it "
            f"(now {_describe(info)}); reload and try again",
            reason="MovedOn",
        )
    if expect.step_index is None and expect.state is None and expect.resource_version:
        raise Refused(
            f"rollout moved on: resourceVersion is {live_rv} now, you saw "
            f"{expect.resource_version}",
            reason="MovedOn",
        )


def _describe(info: Info) -> str:
    parts = [str(info.get("status") or "no status")]
    if info.get("message"):
        parts.append(str(info["message"]))
    parts.append(_step_text(_int(info.get("step_index")), info.get("step_count")))
    return ", ".join(parts)
