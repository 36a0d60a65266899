"""Helpers over stored objects: copying, validation, and the rules the store applies on writes."""

from __future__ import annotations

import re
import secrets
import uuid
from typing import Any

from simcluster.errors import ApiError, invalid
from simcluster.resources import ResourceType
from simcluster.selectors import LABEL_KEY, LABEL_VALUE

# Server-owned metadata: clients cannot change these on update; the store keeps the stored values.
SERVER_OWNED_META = ("uid", "creationTimestamp", "generation", "resourceVersion", "name",
                     "namespace", "deletionTimestamp")
_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_LENIENT_NAME = re.compile(r"^[-._a-zA-Z0-9]+$")
_LENIENT_KINDS = ("configmaps", "secrets", "events")
_NAME_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


_ATOMIC = frozenset({str, int, float, bool, type(None)})


def clone(value: Any) -> Any:
    """Deep copy of JSON-like data, many times faster than copy.deepcopy: it is on every write
    path, so leaves are copied inline rather than through a call each."""
    kind = type(value)
    if kind is dict:
        return {k: v if type(v) in _ATOMIC else clone(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _ATOMIC else clone(v) for v in value]
    return value


def random_suffix(length: int = 5) -> str:
    return "".join(secrets.choice(_NAME_SUFFIX_ALPHABET) for _ in range(length))


def name_problem(rtype: ResourceType, name: str) -> str | None:
    if rtype.key in _LENIENT_KINDS:
        ok = bool(_LENIENT_NAME.match(name)) and name not in (".", "..")
    elif rtype.key == "namespaces":
        ok = bool(_DNS_LABEL.match(name)) and len(name) <= 63
    else:
        ok = bool(_SUBDOMAIN.match(name))
    if ok and len(name) <= 253:
        return None
    return (f"metadata.name: Invalid value: {name!r}: a lowercase RFC 1123 subdomain must consist "
            "of lower case alphanumeric characters, '-' or '.', and must start and end with an "
            "alphanumeric character")


def check_shape(rtype: ResourceType, obj: Any,
                old: dict[str, Any] | None = None) -> dict[str, Any]:
    """Reject what no apiserver would store; returns the metadata dict. With the stored `old`,
    metadata fields that did not change are not re-validated (they were valid when stored)."""
    if not isinstance(obj, dict):
        raise ApiError(422, f"the body must be a JSON object, got {type(obj).__name__}",
                       reason="Invalid")
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if kind not in (None, rtype.kind):
        raise ApiError(400, f"the kind in the body ({kind}) does not match the resource "
                            f"({rtype.kind})")
    if api_version is not None and not rtype.accepts_api_version(api_version):
        raise ApiError(400, f"the API version in the body ({api_version}) does not match the "
                            f"expected API version ({rtype.api_version()})")
    meta = obj.get("metadata")
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise invalid(rtype.kind, "", "metadata: Invalid value: must be an object")
    old_meta = old["metadata"] if old is not None else {}
    changed = [f for f in ("name", "namespace", "generateName", "labels", "annotations",
                           "ownerReferences") if f not in old_meta or meta.get(f) != old_meta[f]]
    name = meta.get("name") or ""
    for field in ("name", "namespace", "generateName"):
        if field in changed and meta.get(field) is not None and not isinstance(meta[field], str):
            raise invalid(rtype.kind, str(name), f"metadata.{field}: must be a string")
    for field in ("labels", "annotations"):
        if field in changed:
            _check_string_map(rtype, str(name), field, meta.get(field))
    if "ownerReferences" in changed:
        _check_owner_references(rtype, str(name), meta.get("ownerReferences"))
    if name and "name" in changed and (problem := name_problem(rtype, name)):
        raise invalid(rtype.kind, name, problem)
    return meta


def _check_string_map(rtype: ResourceType, name: str, field: str, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise invalid(rtype.kind, name, f"metadata.{field}: must map strings to strings")
    if field == "labels":
        for key, label in value.items():
            if not LABEL_KEY.match(key) or not LABEL_VALUE.match(label) or len(label) > 63:
                raise invalid(rtype.kind, name, f"metadata.labels: Invalid value: {key}={label!r}")


def _check_owner_references(rtype: ResourceType, name: str, refs: Any) -> None:
    if refs is None:
        return
    if not isinstance(refs, list) or not all(
        isinstance(r, dict) and isinstance(r.get("uid"), str) and r["uid"] for r in refs
    ):
        raise invalid(rtype.kind, name, "metadata.ownerReferences: each needs a uid")


def owner_uids(obj: dict[str, Any]) -> set[str]:
    refs = (obj.get("metadata") or {}).get("ownerReferences") or []
    return {r["uid"] for r in refs if isinstance(r, dict) and isinstance(r.get("uid"), str)}


def generation_changes(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """The apiserver bumps generation when anything but metadata and status changes."""
    keys = (set(old) | set(new)) - {"metadata", "status", "apiVersion", "kind"}
    return any(old.get(k) != new.get(k) for k in keys)


def with_identity(rtype: ResourceType, obj: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """`obj` with apiVersion, kind and server-owned metadata taken from the stored `old`."""
    meta = dict(obj.get("metadata") or {})
    old_meta = old["metadata"]
    for field in SERVER_OWNED_META:
        if field in old_meta:
            meta[field] = old_meta[field]
        else:
            meta.pop(field, None)
    body = {k: v for k, v in obj.items() if k not in ("apiVersion", "kind", "metadata")}
    return {"apiVersion": old["apiVersion"], "kind": old["kind"], "metadata": meta, **body}


def check_immutable_identity(rtype: ResourceType, obj: dict[str, Any],
                             old: dict[str, Any]) -> None:
    meta, old_meta = obj.get("metadata") or {}, old["metadata"]
    for field in ("name", "namespace"):
        if meta.get(field) not in (None, "", old_meta.get(field)):
            raise invalid(rtype.kind, old_meta["name"],
                          f"metadata.{field}: Invalid value: {meta.get(field)!r}: field is "
                          "immutable")


def new_object(rtype: ResourceType, obj: dict[str, Any], namespace: str, name: str, *, rv: int,
               now: str) -> dict[str, Any]:
    """A fresh stored object from a create request, apiVersion and kind first."""
    body = clone(obj)
    meta = body.pop("metadata", None) or {}
    meta["name"] = name
    if rtype.namespaced:
        meta["namespace"] = namespace
    else:
        meta.pop("namespace", None)
    # Seeds may pose identity (uid for ownerReferences, age, generation).
    if not isinstance(meta.get("uid"), str) or not meta["uid"]:
        meta["uid"] = str(uuid.uuid4())
    if not isinstance(meta.get("creationTimestamp"), str):
        meta["creationTimestamp"] = now
    generation = meta.get("generation")
    if type(generation) is not int or generation < 1:
        meta["generation"] = 1
    meta["resourceVersion"] = str(rv)
    body.pop("apiVersion", None)
    body.pop("kind", None)
    if rtype.key == "namespaces" and "status" not in body:
        body["status"] = {"phase": "Active"}
    return {"apiVersion": rtype.api_version(), "kind": rtype.kind, "metadata": meta, **body}
