"""The gateway calls one action makes, each logged as it was sent (for the ActionRecord).

The log is what the record stores and the API answers with, so it never holds env values: a
patch is kept with them redacted, a PUT (set image sends the whole object) as a summary of what
it changes — the containers' images — never as the body.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from rollouts.actions.plans import CONTAINER_LISTS
from rollouts.errors import ClusterError
from rollouts.gateway import Gateway
from rollouts.info.redact import redact
from rollouts.kinds import PATCH_TYPES, collection_path, kind_info, object_path


class ActionCalls:
    """Rollout and ReplicaSet calls in one namespace, appended to `log` whatever their result."""

    def __init__(self, gateway: Gateway | None, namespace: str) -> None:
        self.gateway: Any = gateway
        self.namespace = namespace
        self.log: list[dict[str, Any]] = []
        # The resourceVersion first read and the one the last accepted write returned: whether
        # this action changed the rollout, and what the controller must move past to settle.
        self.read_rv: str | None = None
        self.written_rv: str | None = None
        self.write_unknown = False  # a write failed in a way that may still have applied it

    @property
    def changed(self) -> bool:
        return self.write_unknown or self.written_rv not in (None, self.read_rv)

    def _path(self, kind: str, name: str | None = None, sub: str | None = None) -> str:
        info = kind_info(kind)
        version = self.gateway.version_of(info)
        if name is None:
            return collection_path(info, version, self.namespace)
        return object_path(info, version, self.namespace, name, sub)

    def _call(self, entry: dict[str, Any], send: Callable[[], Any]) -> Any:
        try:
            result = send()
        except ClusterError as exc:
            entry["status"] = exc.status
            entry["error"] = exc.message
            raise
        else:
            entry["status"] = 200
            return result
        finally:
            self.log.append(entry)

    def get_rollout(self, name: str) -> dict[str, Any]:
        entry = {"method": "GET", "path": self._path("rollouts", name)}
        rollout = self._call(entry, lambda: self.gateway.get("rollouts", self.namespace, name))
        if self.read_rv is None:
            self.read_rv = _resource_version(rollout)
        return rollout

    def _write(self, entry: dict[str, Any], send: Callable[[], Any]) -> Any:
        try:
            result = self._call(entry, send)
        except ClusterError as exc:
            # A 4xx was refused as a whole; a timeout or 5xx may have been applied anyway.
            if not 400 <= (exc.status or 0) < 500:
                self.write_unknown = True
            raise
        self.written_rv = _resource_version(result) or self.written_rv
        return result

    def list_replicasets(self, selector: str | None) -> list[dict[str, Any]]:
        entry: dict[str, Any] = {"method": "GET", "path": self._path("replicasets")}
        if selector:
            entry["labelSelector"] = selector
        items, _ = self._call(
            entry, lambda: self.gateway.list("replicasets", self.namespace, selector)
        )
        return [item for item in items if isinstance(item, dict)]

    def patch_rollout(self, name: str, body: Any, patch_type: str,
                      subresource: str | None = None) -> dict[str, Any]:
        entry = {
            "method": "PATCH",
            "path": self._path("rollouts", name, subresource),
            "contentType": PATCH_TYPES[patch_type],
            "body": redact(copy.deepcopy(body)),
        }
        return self._write(entry, lambda: self.gateway.patch(
            "rollouts", self.namespace, name, body, patch_type, subresource
        ))

    def replace_rollout(self, name: str, obj: dict[str, Any]) -> dict[str, Any]:
        entry = {
            "method": "PUT",
            "path": self._path("rollouts", name),
            "contentType": "application/json",
            "summary": put_summary(obj),
        }
        return self._write(
            entry, lambda: self.gateway.replace("rollouts", self.namespace, name, obj)
        )


def _resource_version(obj: Any) -> str | None:
    metadata = obj.get("metadata") if isinstance(obj, dict) else None
    rv = metadata.get("resourceVersion") if isinstance(metadata, dict) else None
    return str(rv) if rv else None


def put_summary(obj: dict[str, Any]) -> dict[str, Any]:
    """What a set-image PUT says: the resourceVersion it is guarded by and every image."""
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    template = spec.get("template") if isinstance(spec.get("template"), dict) else {}
    pod_spec = template.get("spec") if isinstance(template.get("spec"), dict) else {}
    images = [
        {"list": field, "container": str(entry.get("name") or ""),
         "image": str(entry.get("image") or "")}
        for field in CONTAINER_LISTS
        for entry in pod_spec.get(field) or () if isinstance(entry, dict)
    ]
    return {"resourceVersion": metadata.get("resourceVersion"), "images": images}
