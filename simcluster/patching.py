"""PATCH bodies by content type: JSON merge (RFC 7386), JSON patch (RFC 6902), strategic merge.

Strategic merge is an approximation of the apiserver's: a merge patch in which lists of objects that
Kubernetes merges by key (containers and env by `name`, container ports by `containerPort`, ...) are
merged element by element, honouring the `$patch: delete|replace|merge`, `$retainKeys`,
`$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>` directives. It is accepted for
built-in kinds only; custom resources answer 415, like the real apiserver.

Results share unchanged sub-trees with the target: callers must treat both as read-only.
"""

from __future__ import annotations

from typing import Any

import jsonpatch
import jsonpointer

from simcluster.errors import ApiError

MERGE_PATCH = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
PATCH_TYPES = (JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH)

# List fields merged element-wise by a key in strategic merge patches.
_MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "imagePullSecrets": "name",
    "ownerReferences": "uid",
    "conditions": "type",
    "hostAliases": "ip",
    "topologySpreadConstraints": "topologyKey",
    "resourceClaims": "name",
}
# Primitive lists strategic merge treats as sets (union) rather than replacing them.
_SET_LISTS = ("finalizers",)


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def check_patch_type(content_type: str | None, *, strategic_allowed: bool) -> str:
    """The patch media type, or 415 (strategic merge is for built-in kinds only)."""
    kind = media_type(content_type)
    if kind in (JSON_PATCH, MERGE_PATCH) or (kind == STRATEGIC_MERGE_PATCH and strategic_allowed):
        return kind
    accepted = ", ".join(PATCH_TYPES if strategic_allowed else (JSON_PATCH, MERGE_PATCH))
    raise ApiError(415, f"the body of the request was in an unknown format ({kind or 'none'}) - "
                        f"accepted media types include: {accepted}")


def apply_patch(target: dict[str, Any], body: Any, content_type: str | None, *,
                strategic_allowed: bool) -> dict[str, Any]:
    kind = check_patch_type(content_type, strategic_allowed=strategic_allowed)
    if kind == JSON_PATCH:
        return json_patch(target, body)
    if kind == MERGE_PATCH:
        return merge_patch(target, _require_object(body))
    return strategic_merge_patch(target, _require_object(body))


def _require_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(422, f"a merge patch must be a JSON object, got {type(body).__name__}",
                       reason="Invalid")
    return body


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge recursively, `null` deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def json_patch(target: dict[str, Any], operations: Any) -> dict[str, Any]:
    if not isinstance(operations, list):
        raise ApiError(422, "a JSON patch must be a list of operations", reason="Invalid")
    try:
        result = jsonpatch.JsonPatch(operations).apply(target)
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as error:
        raise ApiError(422, f"the JSON patch could not be applied: {error}",
                       reason="Invalid") from None
    except (TypeError, KeyError, AttributeError, ValueError) as error:
        raise ApiError(422, f"malformed JSON patch: {error}", reason="Invalid") from None
    if not isinstance(result, dict):
        raise ApiError(422, "the JSON patch replaced the whole object with a non-object",
                       reason="Invalid")
    return result


def strategic_merge_patch(target: Any, patch: dict[str, Any]) -> Any:
    if patch.get("$patch") == "replace":
        return {k: v for k, v in patch.items() if k != "$patch"}
    if patch.get("$patch") == "delete":
        return None
    result = dict(target) if isinstance(target, dict) else {}
    orders, retain = {}, patch.get("$retainKeys")
    for key, value in patch.items():
        if key in ("$patch", "$retainKeys"):
            continue
        if key.startswith("$setElementOrder/"):
            orders[key.split("/", 1)[1]] = value
        elif key.startswith("$deleteFromPrimitiveList/"):
            field = key.split("/", 1)[1]
            if isinstance(result.get(field), list) and isinstance(value, list):
                result[field] = [item for item in result[field] if item not in value]
        elif value is None:
            result.pop(key, None)
        else:
            merged = _merge_value(key, result.get(key), value)
            if merged is None:
                result.pop(key, None)
            else:
                result[key] = merged
    for field, order in orders.items():
        if isinstance(result.get(field), list) and isinstance(order, list):
            result[field] = _reorder(field, result[field], order)
    if isinstance(retain, list):
        result = {k: v for k, v in result.items() if k in retain}
    return result


def _merge_value(key: str, current: Any, value: Any) -> Any:
    if isinstance(value, dict):
        return strategic_merge_patch(current, value)
    if isinstance(value, list):
        return _merge_list(key, current if isinstance(current, list) else [], value)
    return value


def _merge_key(key: str, items: list[Any]) -> str | None:
    if key == "ports":  # container ports merge by containerPort, service ports by port
        sample = next((i for i in items if isinstance(i, dict)), {})
        return "containerPort" if "containerPort" in sample else "port"
    return _MERGE_KEYS.get(key)


def _merge_list(key: str, current: list[Any], patch: list[Any]) -> list[Any]:
    if any(isinstance(i, dict) and i.get("$patch") == "replace" for i in patch):
        return [i for i in patch if not (isinstance(i, dict) and "$patch" in i)]
    if key in _SET_LISTS:
        return current + [i for i in patch if i not in current]
    merge_key = _merge_key(key, current + patch)
    if merge_key is None or not all(isinstance(i, dict) for i in current + patch):
        return patch
    result = list(current)
    for item in patch:
        index = next((n for n, old in enumerate(result)
                      if old.get(merge_key) == item.get(merge_key)), None)
        if item.get("$patch") == "delete":
            if index is not None:
                del result[index]
        elif index is None:
            result.append({k: v for k, v in item.items() if k != "$patch"})
        else:
            result[index] = strategic_merge_patch(result[index], item)
    return result


def _reorder(key: str, items: list[Any], order: list[Any]) -> list[Any]:
    merge_key = _merge_key(key, items)

    def identity(item: Any) -> Any:
        return item.get(merge_key) if merge_key and isinstance(item, dict) else item

    wanted = [identity(o) for o in order]
    ranked = sorted(enumerate(items), key=lambda pair: (
        wanted.index(identity(pair[1])) if identity(pair[1]) in wanted else len(wanted), pair[0]))
    return [item for _, item in ranked]
