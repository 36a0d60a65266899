"""Leases (coordination.k8s.io/v1) checked and stored as the API server does.

1. `acquireTime` / `renewTime` are MicroTime: the decoder parses them with Go's layout
   RFC3339Micro (exactly six fraction digits) and fails the whole body with 400 otherwise; what is
   stored (and served back) is the UTC form, `2006-01-02T15:04:05.000000Z`.
2. `leaseDurationSeconds` and `leaseTransitions` are int32 and validated: 422 Invalid when the
   duration is not positive or the transitions negative.
3. Optimistic concurrency is the store's, as for every kind: an update carrying a stale
   resourceVersion is 409 Conflict ("the object has been modified; ...").
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from simcluster.errors import ApiError
from simcluster.resources import ResourceType

GO_LAYOUT = "2006-01-02T15:04:05.000000Z07:00"
MICRO_TIME_FIELDS = ("acquireTime", "renewTime")
_MICRO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})(Z|[+-]\d{2}:\d{2})$")
_INT32 = (-(2**31), 2**31 - 1)


def parse_micro_time(value: str) -> datetime | None:
    match = _MICRO.match(value)
    if not match:
        return None
    *parts, micros, zone = match.groups()
    offset = UTC if zone == "Z" else timezone(
        (1 if zone[0] == "+" else -1) * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:])))
    try:
        return datetime(*map(int, parts), int(micros), tzinfo=offset)
    except ValueError:
        return None


def format_micro_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _undecodable(message: str) -> ApiError:
    return ApiError(400, f'Lease in version "v1" cannot be handled as a Lease: {message}')


def _decode(spec: dict[str, Any]) -> None:
    for field in MICRO_TIME_FIELDS:
        value = spec.get(field)
        if value is None:
            continue
        if not isinstance(value, str):
            raise _undecodable(f"json: cannot unmarshal {type(value).__name__} into Go "
                               f"struct field LeaseSpec.spec.{field} of type string")
        moment = parse_micro_time(value)
        if moment is None:
            raise _undecodable(f'parsing time "{value}" as "{GO_LAYOUT}": cannot parse '
                               f'"{value}" as "{GO_LAYOUT[:4]}"')
        spec[field] = format_micro_time(moment)
    for field in ("leaseDurationSeconds", "leaseTransitions"):
        value = spec.get(field)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                  or not _INT32[0] <= value <= _INT32[1]):
            raise _undecodable(f"json: cannot unmarshal {type(value).__name__} into Go struct "
                               f"field LeaseSpec.spec.{field} of type int32")


def _validate(name: str, spec: dict[str, Any]) -> None:
    causes = []
    duration = spec.get("leaseDurationSeconds")
    if duration is not None and duration <= 0:
        causes.append(("spec.leaseDurationSeconds", duration, "must be greater than 0"))
    transitions = spec.get("leaseTransitions")
    if transitions is not None and transitions < 0:
        causes.append(("spec.leaseTransitions", transitions,
                       "must be greater than or equal to 0"))
    if not causes:
        return
    texts = [f"{field}: Invalid value: {value}: {why}" for field, value, why in causes]
    listed = texts[0] if len(texts) == 1 else f"[{', '.join(texts)}]"
    raise ApiError(422, f'Lease.coordination.k8s.io "{name}" is invalid: {listed}',
                   reason="Invalid", details={
                       "name": name, "group": "coordination.k8s.io", "kind": "Lease",
                       "causes": [{"reason": "FieldValueInvalid", "field": field,
                                   "message": f"Invalid value: {value}: {why}"}
                                  for field, value, why in causes]})


def admit_lease(rtype: ResourceType, obj: Any) -> None:
    """Refuse a Lease the API server would refuse; store its times in the server's form."""
    if rtype.key != "leases" or not isinstance(obj, dict):
        return
    spec = obj.get("spec")
    if spec is None:
        return
    if not isinstance(spec, dict):
        raise _undecodable("json: cannot unmarshal into Go struct field Lease.spec of type "
                           "v1.LeaseSpec")
    _decode(spec)
    _validate(str((obj.get("metadata") or {}).get("name") or ""), spec)
