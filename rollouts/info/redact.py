"""Keeping literal env values (`DB_PASSWORD=hunter2`) out of everything the dashboard keeps.

A pod template's `env[].value` is whatever its author typed, secrets included; anyone who can
read the dashboard could read it. So the values never leave the process that fetched them:
the mirror stores objects through `redact`, action records keep bodies through it, and the info
model shows names only. `valueFrom` references (a Secret's or ConfigMap's name and key, a
field path) say where a value lives, not what it is, and stay visible.

`kubectl.kubernetes.io/last-applied-configuration` (and any other annotation holding a JSON
object) carries a whole copy of the object, env included: it is redacted the same way.

Copy on write: objects with nothing to hide come back as they are, so the mirror pays a walk,
not a copy, for them. Fields that never carry env (`status`, `managedFields`, …) are skipped.
"""

from __future__ import annotations

import json
from typing import Any

from rollouts.info.model import EnvVarInfo

HIDDEN = "valueHidden"  # set instead of `value` on a redacted env entry
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
UNREADABLE = "(hidden: not readable as JSON, and it may hold env values)"
# Fields never holding an env value, not walked: status, and managedFields (field names only).
_NO_ENV = frozenset({"status", "managedFields", "labels", "ownerReferences"})


# valueFrom source → (label, the fields naming it)
_SOURCES = (("secretKeyRef", "secret", ("name", "key")),
            ("configMapKeyRef", "configmap", ("name", "key")),
            ("fieldRef", "field", ("fieldPath",)),
            ("resourceFieldRef", "resource", ("containerName", "resource")))


def env_info(entry: dict[str, Any]) -> EnvVarInfo:
    """How the detail page lists an env entry: its name, and a value only as a reference."""
    name = str(entry.get("name") or "")
    if entry.get("value", "") != "" or entry.get(HIDDEN) is True:
        return EnvVarInfo(name, "value hidden")
    source = entry.get("valueFrom")
    for field, label, parts in _SOURCES:
        ref = source.get(field) if isinstance(source, dict) else None
        if isinstance(ref, dict):
            where = "/".join(str(ref[p]) for p in parts if isinstance(ref.get(p), str) and ref[p])
            return EnvVarInfo(name, f"{label} {where}".strip())
    return EnvVarInfo(name, "empty")


def _env(entries: list[Any]) -> list[Any]:
    out: list[Any] | None = None
    for index, entry in enumerate(entries):
        if isinstance(entry, dict) and entry.get("value", "") != "":
            out = out if out is not None else list(entries)
            hidden = {k: v for k, v in entry.items() if k != "value"}
            hidden[HIDDEN] = True
            out[index] = hidden
    return out if out is not None else entries


def _annotation(key: str, value: Any) -> Any:
    if not isinstance(value, str) or not value.lstrip().startswith(("{", "[")):
        return value
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError):
        return UNREADABLE if key == LAST_APPLIED else value
    redacted = redact(parsed)
    return value if redacted is parsed else json.dumps(redacted, separators=(",", ":"))


def redact_annotations(annotations: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] | None = None
    for key, value in annotations.items():
        new = _annotation(key, value)
        if new is not value:
            out = out if out is not None else dict(annotations)
            out[key] = new
    return out if out is not None else annotations


def _field(key: str, value: Any) -> Any:
    if key == "env" and isinstance(value, list):
        return _env(value)
    if key == "annotations" and isinstance(value, dict):
        return redact_annotations(value)
    if key in _NO_ENV:
        return value
    return redact(value)


def redact(value: Any) -> Any:
    """`value` with every env entry's literal value replaced by `valueHidden: true`."""
    if isinstance(value, dict):
        out: Any = None
        for key, item in value.items():
            new = _field(key, item)
            if new is not item:
                out = out if out is not None else dict(value)
                out[key] = new
        return out if out is not None else value
    if isinstance(value, list):
        items: list[Any] | None = None
        for index, item in enumerate(value):
            new = redact(item)
            if new is not item:
                items = items if items is not None else list(value)
                items[index] = new
        return items if items is not None else value
    return value
