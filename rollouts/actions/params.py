"""Checking what the caller asked for before anything is sent: action names, parameters, expect.

Shared by the API (JSON bodies), the CLI (parsed arguments) and the UI's buttons, so a bad value
gets the same clear message wherever it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rollouts.actions.errors import BadInput
from rollouts.actions.guard import Expect
from rollouts.info.durations import parse_duration

ACTIONS = ("promote", "abort", "retry", "restart", "pause", "undo", "set_image")
# Names callers may use for a parameter, mapped to the service's own.
_ALIASES = {"undo": {"revision": "to_revision"}}


def normalize_action(name: str) -> str:
    action = str(name).strip().lower().replace("-", "_")
    if action not in ACTIONS:
        raise BadInput(f"unknown action {name!r}; expected one of "
                       f"{', '.join(a.replace('_', '-') for a in ACTIONS)}",
                       reason="UnknownAction")
    return action


def _bool(action: str, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise BadInput(f"{action}: {key!r} must be true or false, not {value!r}")
    return value


def _revision(action: str, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadInput(f"{action}: {key!r} must be a revision number (0 = the previous "
                       f"revision), not {value!r}")
    return value


def _text(action: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value):
        raise BadInput(f"{action}: {key!r} must be a non-empty string without spaces, "
                       f"not {value!r}")
    return value


def _delay(action: str, key: str, value: Any) -> str:
    delta = parse_duration(value)
    if delta is None or delta.total_seconds() < 0:
        raise BadInput(f"{action}: {key!r} must be a duration such as 30s, 5m or 1h, "
                       f"not {value!r}")
    return value if isinstance(value, str) else f"{value}s"


Checker = Callable[[str, str, Any], Any]
# action -> parameter -> (checker, default; None means required)
_PARAMS: dict[str, dict[str, tuple[Checker, Any]]] = {
    "promote": {"full": (_bool, False)},
    "abort": {},
    "retry": {},
    "restart": {"in": (_delay, "0s")},
    "pause": {},
    "undo": {"to_revision": (_revision, 0)},
    "set_image": {"container": (_text, None), "image": (_text, None)},
}


def validate_params(action: str, raw: Any) -> dict[str, Any]:
    """The parameters with defaults filled in; BadInput names the first problem."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise BadInput(f"{action}: parameters must be a JSON object, not {type(raw).__name__}")
    aliases = _ALIASES.get(action, {})
    given = {aliases.get(key, key): value for key, value in raw.items()}
    spec = _PARAMS[action]
    unknown = sorted(set(given) - set(spec))
    if unknown:
        allowed = ", ".join(sorted({*spec, *aliases})) or "none"
        raise BadInput(f"{action}: unknown parameter {unknown[0]!r} (allowed: {allowed})")
    params = {}
    for key, (check, default) in spec.items():
        if key not in given:
            if default is None:
                raise BadInput(f"{action}: {key!r} is required")
            params[key] = default
        else:
            params[key] = check(action, key, given[key])
    return params


def parse_expect(raw: Any) -> Expect | None:
    """`{"resourceVersion", "step", "state"}` as the UI sends it; None when nothing was given."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise BadInput(f"'expect' must be an object with resourceVersion, step and state, "
                       f"not {raw!r}")
    unknown = sorted(set(raw) - {"resourceVersion", "step", "state"})
    if unknown:
        raise BadInput(f"'expect' has an unknown field {unknown[0]!r} "
                       "(allowed: resourceVersion, step, state)")
    rv, step, state = raw.get("resourceVersion"), raw.get("step"), raw.get("state")
    if rv is not None and (isinstance(rv, bool) or not isinstance(rv, str | int)):
        raise BadInput(f"'expect.resourceVersion' must be a string, not {rv!r}")
    if step is not None and (isinstance(step, bool) or not isinstance(step, int) or step < 0):
        raise BadInput(f"'expect.step' must be a step index (0 or more), not {step!r}")
    if state is not None and not isinstance(state, str):
        raise BadInput(f"'expect.state' must be a string, not {state!r}")
    if rv is None and step is None and state is None:
        return None
    return Expect(str(rv) if rv is not None else None, step, state)
