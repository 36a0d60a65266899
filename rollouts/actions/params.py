"""Checking what the caller asked for before anything is sent: action names, parameters, expect.

Shared by the API (JSON bodies), the CLI (parsed arguments) and the UI's buttons, so a bad value
gets the same clear message wherever it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from rollouts.actions.errors import BadInput
from rollouts.actions.guard import Expect
from rollouts.actions.image_ref import BadImage, check_image
from rollouts.info.durations import parse_duration
from rollouts.keys import InvalidName, check_label, shown

ACTIONS = ("promote", "abort", "retry", "restart", "pause", "undo", "set_image")
# Names callers may use for a parameter, mapped to the service's own.
_ALIASES = {"undo": {"revision": "to_revision"}}
# A restart further away than this is far more likely a typo (`30h` for `30s`) than a plan.
MAX_RESTART_DELAY = timedelta(days=7)
REVISION_MAX = 2**63 - 1  # upstream's --to-revision is an int64
# resourceVersions are opaque but short (etcd's are decimal int64s); fingerprints are hashes.
EXPECT_TEXT_MAX = 256


def normalize_action(name: str) -> str:
    action = str(name).strip().lower().replace("-", "_")
    if action not in ACTIONS:
        raise BadInput(f"unknown action {shown(name)}; expected one of "
                       f"{', '.join(a.replace('_', '-') for a in ACTIONS)}",
                       reason="UnknownAction")
    return action


def _bool(action: str, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise BadInput(f"{action}: {key!r} must be true or false, not {shown(value)}")
    return value


def _revision(action: str, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= REVISION_MAX:
        raise BadInput(f"{action}: {key!r} must be a revision number (0 = the previous "
                       f"revision), not {shown(value)}")
    return value


def _container(action: str, key: str, value: Any) -> str:
    if value == "*":  # upstream's "every container"
        return value
    if not isinstance(value, str) or not value:
        raise BadInput(f"{action}: {key!r} must be a non-empty string, not {shown(value)}")
    try:
        return check_label(value, "container name")
    except InvalidName as exc:
        raise BadInput(f"{action}: {exc}") from None


def _image(action: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{action}: {key!r} must be a non-empty string, not {shown(value)}")
    try:
        return check_image(value)
    except BadImage as exc:
        raise BadInput(f"{action}: invalid image {shown(value)}: {exc}") from None


def _delay(action: str, key: str, value: Any) -> str:
    # Floats only when whole (30.0), never NaN or 1e308: a delay is a count of seconds.
    if isinstance(value, float) and not (value.is_integer() and abs(value) < 1e15):
        raise BadInput(f"{action}: {key!r} must be a whole number of seconds or a duration "
                       f"such as 30s, 5m or 1h, not {shown(value)}")
    delta = parse_duration(value)
    if delta is None or delta.total_seconds() < 0:
        raise BadInput(f"{action}: {key!r} must be a duration such as 30s, 5m or 1h, "
                       f"not {shown(value)}")
    if delta > MAX_RESTART_DELAY:
        raise BadInput(f"{action}: {key!r} is at most 7 days (168h), not {shown(value)}")
    if isinstance(value, float):
        value = int(value)
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
    "set_image": {"container": (_container, None), "image": (_image, None)},
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
        raise BadInput(f"{action}: unknown parameter {shown(unknown[0])} (allowed: {allowed})")
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
                       f"not {shown(raw)}")
    unknown = sorted(set(raw) - {"resourceVersion", "step", "state"})
    if unknown:
        raise BadInput(f"'expect' has an unknown field {shown(unknown[0])} "
                       "(allowed: resourceVersion, step, state)")
    rv, step, state = raw.get("resourceVersion"), raw.get("step"), raw.get("state")
    if rv is not None and (isinstance(rv, bool) or not isinstance(rv, str | int)
                           or len(str(rv)) > EXPECT_TEXT_MAX):
        raise BadInput(f"'expect.resourceVersion' must be a string of at most "
                       f"{EXPECT_TEXT_MAX} characters, not {shown(rv)}")
    if step is not None and (isinstance(step, bool) or not isinstance(step, int)
                             or not 0 <= step <= REVISION_MAX):
        raise BadInput(f"'expect.step' must be a step index (0 or more), not {shown(step)}")
    if state is not None and (not isinstance(state, str) or len(state) > EXPECT_TEXT_MAX):
        raise BadInput(f"'expect.state' must be a string of at most {EXPECT_TEXT_MAX} "
                       f"characters, not {shown(state)}")
    if rv is None and step is None and state is None:
        return None
    return Expect(str(rv) if rv is not None else None, step, state)
