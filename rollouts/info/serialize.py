"""JSON-safe conversion shared by every info dataclass."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import datetime, timedelta
from typing import Any

from rollouts.info.access import format_time

_SCALARS = frozenset({str, int, float, bool, type(None)})
# Field names per dataclass, looked up once: the mirror serialises thousands of infos a second.
# (None for a class that is not a dataclass: asked again for every list, dict and datetime.)
_NAMES: dict[type, tuple[str, ...] | None] = {}


def _names(cls: type) -> tuple[str, ...] | None:
    try:
        return _NAMES[cls]
    except KeyError:
        pass
    names = None
    if is_dataclass(cls):
        names = tuple(f.name for f in fields(cls)) + tuple(getattr(cls, "json_properties", ()))
    _NAMES[cls] = names
    return names


def to_jsonable(value: object) -> Any:
    """Dataclasses become dicts, datetimes RFC3339 strings, timedeltas seconds, tuples lists."""
    cls = type(value)
    if cls in _SCALARS:
        return value
    names = _names(cls)
    if names is not None:
        return {name: to_jsonable(getattr(value, name)) for name in names}
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    return value


class Model:
    # Derived properties that the JSON form includes beside the dataclass fields.
    json_properties: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)
