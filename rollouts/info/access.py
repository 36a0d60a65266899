"""Defensive readers for Kubernetes objects as plain dicts (camelCase, as the API returns them).

Every reader returns a neutral value instead of raising, so a malformed object degrades to
"field absent" rather than crashing the dashboard. `validate.py` reports what was ignored.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

Obj = dict[str, Any]

HASH_LABEL = "rollouts-pod-template-hash"
REVISION_ANNOTATION = "rollout.argoproj.io/revision"
SCALE_DOWN_DEADLINE_ANNOTATION = "scale-down-deadline"
TEMPLATE_NAME_ANNOTATION = "experiment.argoproj.io/template-name"
WORKLOAD_GENERATION_ANNOTATION = "rollout.argoproj.io/workload-generation"

# Sorts objects without a readable timestamp first, as Go's zero time does.
EARLIEST = datetime.min.replace(tzinfo=UTC)
_INT_TEXT = re.compile(r"^[+-]?\d+$")
_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


def as_dict(value: object) -> Obj:
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def dicts(value: object) -> list[Obj]:
    """The dict items of a list; anything else in it is skipped."""
    return [item for item in as_list(value) if isinstance(item, dict)]


def dig(obj: object, *path: str) -> object:
    current = obj
    for key in path:
        if not isinstance(current, dict):
            return None
        current = current.get(key)
    return current


def as_str(value: object, default: str = "") -> str:
    return value if isinstance(value, str) else default


def as_int(value: object) -> int | None:
    """An integer field; bools, strings and fractional numbers are not integers."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def as_intstr(value: object) -> int | None:
    """An int-or-string field (`failureLimit: 3` or `failureLimit: "3"`)."""
    number = as_int(value)
    if number is None and isinstance(value, str) and _INT_TEXT.match(value.strip()):
        return int(value.strip())
    return number


def parse_int_text(value: object) -> int | None:
    """Go's strconv.Atoi: optional sign and digits, nothing else."""
    if isinstance(value, str) and _INT_TEXT.match(value):
        return int(value)
    return None


def int_or_text(value: object) -> int | None:
    """A number the API writes as a string (observedGeneration) but a hand edit may write bare."""
    number = as_int(value)
    return number if number is not None else parse_int_text(value)


def as_bool(value: object) -> bool:
    return value is True


def str_map(value: object) -> dict[str, str]:
    """Labels/annotations/selectors: only string keys with string values survive."""
    return {k: v for k, v in as_dict(value).items() if isinstance(k, str) and isinstance(v, str)}


def meta(obj: object) -> Obj:
    return as_dict(dig(obj, "metadata"))


def name_of(obj: object) -> str:
    return as_str(meta(obj).get("name"))


def namespace_of(obj: object) -> str:
    return as_str(meta(obj).get("namespace"))


def uid_of(obj: object) -> str:
    return as_str(meta(obj).get("uid"))


def annotation(obj: object, key: str) -> str:
    return str_map(meta(obj).get("annotations")).get(key, "")


def label(obj: object, key: str) -> str:
    return str_map(meta(obj).get("labels")).get(key, "")


def owner_uid(obj: object, uids: set[str]) -> str | None:
    """The first ownerReference UID of `obj` that is in `uids` (upstream's ownerRef())."""
    for ref in dicts(meta(obj).get("ownerReferences")):
        uid = as_str(ref.get("uid"))
        if uid and uid in uids:
            return uid
    return None


def parse_revision(obj: object) -> int:
    """Annotation rollout.argoproj.io/revision; 0 when missing or unparsable, like upstream."""
    return parse_int_text(annotation(obj, REVISION_ANNOTATION)) or 0


def parse_time(value: object) -> datetime | None:
    """An RFC3339 timestamp as a timezone-aware UTC datetime, or None when absent or garbage."""
    return _parse_time_text(value) if isinstance(value, str) else None


@lru_cache(maxsize=8192)  # the same timestamps recur across pods and every rebuild
def _parse_time_text(value: str) -> datetime | None:
    match = _RFC3339.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    fraction = match.group(7) or ""
    micro = int(fraction[1:7].ljust(6, "0")) if fraction else 0
    zone = match.group(8).upper()
    offset = timedelta(0)
    if zone != "Z":
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
        offset = -offset if zone[0] == "-" else offset
    try:
        moment = datetime(year, month, day, hour, minute, second, micro, tzinfo=timezone(offset))
    except ValueError:
        return None
    return moment.astimezone(UTC)


def created_at(obj: object) -> datetime | None:
    return parse_time(meta(obj).get("creationTimestamp"))


def format_time(moment: datetime) -> str:
    """RFC3339 in UTC with a Z suffix; sub-second digits only when present."""
    moment = moment.astimezone(UTC)
    if moment.microsecond:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
