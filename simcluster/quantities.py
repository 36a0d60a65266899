"""Resource quantities checked as the API server checks them, before anything is stored.

Built-in kinds decode `resources.requests/limits` into `resource.Quantity`, so a value that does
not parse fails the whole body with 400 ("Pod in version "v1" cannot be handled as a Pod: ...",
apimachinery's own error texts). Custom resources are checked by their CRD's OpenAPI schema
instead: Argo Rollouts' CRD gives each quantity controller-gen's `int-or-string` pattern, so a
Rollout is refused with 422 Invalid naming each field, the Status carrying `details.causes`.
Only the HTTP write path calls `admit`; the store's own API (seeds, tests) stays free to pose
objects a real cluster might hold anyway.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from simcluster.errors import ApiError
from simcluster.resources import ResourceType

FORMAT_WRONG = ("quantities must match the regular expression "
                "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
SUFFIX_WRONG = "unable to parse quantity's suffix"
CRD_PATTERN = (r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|"
               r"([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$")
_CRD = re.compile(CRD_PATTERN)
_NUMBER = re.compile(r"[+-]?[0-9]*(\.[0-9]*)?")
_SUFFIX_SHAPE = re.compile(r"[eEinumkKMGTP]*[-+]?[0-9]*")
_SUFFIXES = frozenset({"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
                       "n", "u", "m", "k", "M", "G", "T", "P", "E"})
_EXPONENT = re.compile(r"[eE][-+]?[0-9]+")
# Where each kind keeps its pod spec; the containers in it carry the quantities.
_POD_SPECS = {"pods": ("spec",), "replicasets": ("spec", "template", "spec"),
              "deployments": ("spec", "template", "spec"),
              "rollouts": ("spec", "template", "spec")}
_CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


def quantity_error(value: Any) -> str | None:
    """What `resource.ParseQuantity` (via Quantity.UnmarshalJSON) says of a JSON value."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return FORMAT_WRONG  # UnmarshalJSON parses the raw token: `true`, `{` never match
    text = value.strip() if isinstance(value, str) else json.dumps(value)
    number = _NUMBER.match(text)
    digits = number.group(0).lstrip("+-").replace(".", "") if number else ""
    if not digits:
        return FORMAT_WRONG
    suffix = text[number.end():] if number else text
    if not _SUFFIX_SHAPE.fullmatch(suffix):
        return FORMAT_WRONG
    if suffix not in _SUFFIXES and not _EXPONENT.fullmatch(suffix):
        return SUFFIX_WRONG
    return None


def _quantities(obj: dict[str, Any], plural: str) -> Iterator[tuple[str, Any]]:
    """(field path, value) of every container resource quantity in the object's pod spec."""
    spec: Any = obj
    for key in _POD_SPECS[plural]:
        spec = spec.get(key) if isinstance(spec, dict) else None
    if not isinstance(spec, dict):
        return
    prefix = ".".join(_POD_SPECS[plural])
    for field in _CONTAINER_LISTS:
        containers = spec.get(field)
        for i, container in enumerate(containers if isinstance(containers, list) else []):
            resources = container.get("resources") if isinstance(container, dict) else None
            for kind in ("limits", "requests"):
                values = resources.get(kind) if isinstance(resources, dict) else None
                for name, value in (values.items() if isinstance(values, dict) else ()):
                    yield f"{prefix}.{field}[{i}].resources.{kind}.{name}", value


def _crd_error(path: str, value: Any) -> tuple[str, str] | None:
    """(cause reason, message after the field) as the CRD's schema validation words it."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        kind = {bool: "boolean", dict: "object", list: "array"}.get(type(value), "null")
        return ("FieldValueTypeInvalid", f'Invalid value: "{kind}": {path} in body must be of '
                                         f'type integer,string: "{kind}"')
    if isinstance(value, str) and not _CRD.match(value):
        return ("FieldValueInvalid", f"Invalid value: {json.dumps(value)}: {path} in body "
                                     f"should match '{CRD_PATTERN}'")
    return None


def _refuse_custom(rtype: ResourceType, obj: dict[str, Any]) -> None:
    causes = []
    for path, value in _quantities(obj, rtype.key):
        if found := _crd_error(path, value):
            causes.append({"reason": found[0], "message": found[1], "field": path})
    if not causes:
        return
    name = str((obj.get("metadata") or {}).get("name") or "")
    errors = [f"{c['field']}: {c['message']}" for c in causes]
    listed = errors[0] if len(errors) == 1 else f"[{', '.join(errors)}]"
    raise ApiError(422, f'{rtype.kind}.{rtype.group} "{name}" is invalid: {listed}',
                   reason="Invalid", details={"name": name, "group": rtype.group,
                                              "kind": rtype.kind, "causes": causes})


def admit(rtype: ResourceType, obj: Any) -> None:
    """Refuse a body whose container resources hold a value that is not a quantity."""
    if rtype.key not in _POD_SPECS or not isinstance(obj, dict):
        return
    if not rtype.builtin:
        _refuse_custom(rtype, obj)
        return
    for _path, value in _quantities(obj, rtype.key):
        if problem := quantity_error(value):
            version = rtype.storage_version
            raise ApiError(400, f'{rtype.kind} in version "{version}" cannot be handled as a '
                                f"{rtype.kind}: {problem}")
