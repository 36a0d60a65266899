"""Actions on rollouts (promote, abort, retry, restart, pause, undo, set image), shared by the
CLI, the JSON API and the UI's buttons: upstream's decision tables plus a concurrency guard."""

from __future__ import annotations

from rollouts.actions.errors import ActionError, BadInput, Refused
from rollouts.actions.guard import (
    Expect,
    check_expect,
    expect_from_info,
    expect_from_rollout,
    state_fingerprint,
)
from rollouts.actions.params import ACTIONS, normalize_action, parse_expect, validate_params
from rollouts.actions.service import ActionResult, run_action

__all__ = [
    "ACTIONS",
    "ActionError",
    "ActionResult",
    "BadInput",
    "Expect",
    "Refused",
    "check_expect",
    "expect_from_info",
    "expect_from_rollout",
    "normalize_action",
    "parse_expect",
    "run_action",
    "state_fingerprint",
    "validate_params",
]
