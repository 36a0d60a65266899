"""Running an action: check input, lock the rollout, read it, guard, decide, send, record.

One entry point, `run_action`, for the CLI, the JSON API and the UI's buttons. The decisions are
the pure tables in `plans.py` / `undo.py`; this module only sequences the calls and turns every
ending (success, no-op, refusal, cluster error) into an ActionResult and an ActionRecord.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from rollouts import metrics
from rollouts.actions import plans, serial
from rollouts.actions.calls import ActionCalls
from rollouts.actions.errors import ActionError, Refused
from rollouts.actions.guard import (
    Expect,
    check_expect,
    expect_from_info,
    live_info,
    state_fingerprint,
)
from rollouts.actions.params import normalize_action, parse_expect, validate_params
from rollouts.actions.records import write_record
from rollouts.actions.undo import plan_undo, selector_string
from rollouts.errors import ClusterError, Conflict, Forbidden, NotFound, Unreachable
from rollouts.gateway import Gateway, get_gateway
from rollouts.info.durations import parse_duration
from rollouts.keys import InvalidName, RolloutKey
from rollouts.models import Rollout

PROMOTE_FULL_POLL_SECONDS = 0.2
SET_IMAGE_ATTEMPTS = 5  # upstream's CLI retries a conflicting update this often
LOCK_WAIT_SECONDS = 30.0
SETTLE_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class ActionResult:
    ok: bool
    outcome: str  # ActionRecord.Outcome: ok, noop, refused, error
    message: str
    status_code: int
    requests: list[dict[str, Any]] = field(default_factory=list)
    reason: str = ""
    record_id: int | None = None


def run_action(
    gateway: Gateway | None,
    key: RolloutKey,
    action: str,
    params: dict[str, Any] | None = None,
    *,
    expect: Expect | dict[str, Any] | None = None,
    actor: str = "anonymous",
    source: str = "api",
    attribution: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> ActionResult:
    """Carry out one action on one rollout, exactly once, and record how it ended.

    `gateway` None means the process's shared one (a configuration problem is then a 503 with a
    record, like any other failure); `expect` may be the raw `{"resourceVersion", "step",
    "state"}` object a caller sent; `attribution` (Identity.attribution()) is the actor's
    groups, sign-in method, token name and address, kept in the record. A key no rollout can
    have is refused before anything else, without a record: there is no rollout it could
    belong to.
    """
    try:
        key.check()
    except InvalidName as exc:
        return ActionResult(False, "refused", str(exc), 422, [], "Invalid")
    started, at = time.monotonic(), timezone.now()
    calls = ActionCalls(gateway, key.namespace)
    seen: dict[str, Any] = {"expect": expect.to_dict() if isinstance(expect, Expect) else expect}
    name, checked = str(action), params
    try:
        name = normalize_action(action)
        checked = validate_params(name, params)
        if not isinstance(expect, Expect):
            expect = parse_expect(expect)
        arrived_at = serial.ticket(key)
        expect = _completed_from_mirror(key, expect)
        calls.gateway = gateway or get_gateway()
        cooldown = 0.0 if expect else float(settings.ROLLOUTS_ACTION_COOLDOWN)
        with serial.turn(key, arrived_at, action=name, actor=actor, wait=LOCK_WAIT_SECONDS,
                         cooldown=cooldown) as held:
            try:
                outcome, message = _execute(calls, key, name, checked, expect, seen, now or at)
            finally:
                held.changed = calls.changed
                if calls.changed:
                    seen["after"] = _settle(calls, key)
        result = ActionResult(True, outcome, message, 200, calls.log)
    except ActionError as exc:
        result = ActionResult(False, exc.outcome, exc.message, exc.status_code, calls.log,
                              exc.reason)
    except ClusterError as exc:
        code = _status_code(exc)
        result = ActionResult(False, "error", exc.message, code, calls.log, exc.reason)
    duration_ms = int((time.monotonic() - started) * 1000)
    record_id = write_record(
        key, action=name, params=checked, seen=seen, result=result, actor=actor,
        source=source, at=at, duration_ms=duration_ms, attribution=attribution,
    )
    metrics.action_done(name, result.outcome)
    return replace(result, record_id=record_id)


def _completed_from_mirror(key: RolloutKey, expect: Expect | None) -> Expect | None:
    """A bare resourceVersion becomes a full view when the mirror holds that very version.

    Otherwise any pod becoming ready (a new resourceVersion, the same state) would refuse every
    one of several requests that shared a guard, the first included.
    """
    if expect is None or expect.resource_version is None:
        return expect
    if expect.step_index is not None or expect.state is not None:
        return expect
    info = (Rollout.objects.filter(cluster=key.cluster, namespace=key.namespace, name=key.name,
                                   resource_version=expect.resource_version)
            .values_list("info", flat=True).first())
    if not isinstance(info, dict):
        return expect
    return replace(expect_from_info(info), resource_version=expect.resource_version)


def _settle(calls: ActionCalls, key: RolloutKey) -> dict[str, Any]:
    """Wait, still holding the rollout's turn, until the controller has reacted to our write.

    A request queued behind this one must see the state the controller made of it: reading the
    rollout between our patch and the controller's reaction is how a second promote used to
    skip a step. Gives up after ROLLOUTS_ACTION_SETTLE_SECONDS (the controller may be down).
    """
    wait = float(settings.ROLLOUTS_ACTION_SETTLE_SECONDS)
    started = time.monotonic()
    settled = False
    while wait > 0:
        try:
            rollout = calls.gateway.get("rollouts", key.namespace, key.name)
        except ClusterError:
            rollout = None
        settled = isinstance(rollout, dict) and plans.settled(rollout, calls.written_rv)
        if settled or time.monotonic() - started >= wait:
            break
        time.sleep(SETTLE_POLL_SECONDS)
    return {"resourceVersion": calls.written_rv, "settled": settled,
            "waitedMs": int((time.monotonic() - started) * 1000)}


def _status_code(exc: ClusterError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, Unreachable) or exc.reason == "ConfigError":
        return 503
    return 502


def _execute(calls: ActionCalls, key: RolloutKey, action: str, params: dict[str, Any],
             expect: Expect | None, seen: dict[str, Any], now: datetime) -> tuple[str, str]:
    rollout = _read(calls, key, expect, seen)
    if action == "set_image":
        return _set_image(calls, key, rollout, params, expect, seen)
    if action == "promote" and params["full"]:
        rollout = _wait_until_observed(calls, key, rollout)
        plan = plans.plan_promote_full(rollout)
    elif action == "promote":
        plan = plans.plan_promote(rollout)
    elif action == "undo":
        plan = _plan_undo(calls, rollout, params["to_revision"])
    elif action == "restart":
        delay = parse_duration(params["in"])
        seconds = int(delay.total_seconds()) if delay else 0
        plan = plans.plan_restart(rollout, now, seconds, params["in"])
    else:
        plan = {"abort": plans.plan_abort, "retry": plans.plan_retry,
                "pause": plans.plan_pause}[action](rollout)
    _send(calls, key.name, plan)
    return ("noop" if plan.sends_nothing else "ok"), plan.message


def _read(calls: ActionCalls, key: RolloutKey, expect: Expect | None,
          seen: dict[str, Any]) -> dict[str, Any]:
    rollout = calls.get_rollout(key.name)
    if not isinstance(rollout, dict):
        raise ActionError(f"the API returned a malformed rollout: {type(rollout).__name__}",
                          reason="BadResponse")
    info = live_info(rollout)
    seen["live"] = {
        "resourceVersion": info.get("resource_version"),
        "step": info.get("step_index"),
        "state": state_fingerprint(info),
        "status": info.get("status"),
    }
    check_expect(expect, info)
    return rollout


def _send(calls: ActionCalls, name: str, plan: plans.Plan) -> None:
    """Upstream's order: status patch, then the main patch (or, on a 404, the fallback)."""
    main, main_type = plan.main_patch, plan.main_patch_type
    try:
        if plan.status_patch is not None:
            try:
                calls.patch_rollout(name, plan.status_patch, "merge", "status")
            except NotFound:
                main, main_type = plan.fallback_patch, "merge"
        if main is not None:
            calls.patch_rollout(name, main, main_type)
    except ClusterError as exc:
        if plan.error_prefix:
            exc.message = plan.error_prefix + exc.message
        raise


def _wait_until_observed(calls: ActionCalls, key: RolloutKey,
                         rollout: dict[str, Any]) -> dict[str, Any]:
    """Status may still describe the previous revision right after an undo or image change."""
    wait = float(settings.ROLLOUTS_PROMOTE_FULL_WAIT)
    deadline = time.monotonic() + wait
    while True:
        observed, why = plans.generation_observed(rollout)
        if observed:
            return rollout
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Refused(
                f"rollout '{key.name}' was not promoted: the controller has not observed its "
                f"latest spec after {wait:g}s ({why}); try again once it has",
                reason="NotObserved",
            )
        time.sleep(min(PROMOTE_FULL_POLL_SECONDS, remaining))
        rollout = calls.get_rollout(key.name)


def _plan_undo(calls: ActionCalls, rollout: dict[str, Any], to_revision: int) -> plans.Plan:
    try:
        replicasets = calls.list_replicasets(selector_string(rollout))
    except ClusterError as exc:
        exc.message = (f"failed to retrieve replica sets from rollout "
                       f"{plans.rollout_name(rollout)}: {exc.message}")
        raise
    return plan_undo(rollout, replicasets, to_revision)


def _set_image(calls: ActionCalls, key: RolloutKey, rollout: dict[str, Any],
               params: dict[str, Any], expect: Expect | None,
               seen: dict[str, Any]) -> tuple[str, str]:
    """GET + PUT of the whole object; a conflicting write is retried on a fresh read."""
    for attempt in range(1, SET_IMAGE_ATTEMPTS + 1):
        plan = plans.plan_set_image(rollout, params["container"], params["image"])
        assert plan.replace is not None
        try:
            updated = calls.replace_rollout(key.name, plan.replace)
        except Conflict:
            if attempt == SET_IMAGE_ATTEMPTS:
                raise
            rollout = _read(calls, key, expect, seen)
            continue
        kind = str(updated.get("kind") or "Rollout").lower() if isinstance(updated, dict) else ""
        return "ok", f'{kind or "rollout"} "{key.name}" image updated'
    raise AssertionError("unreachable")  # pragma: no cover
