"""Resolve a REST path to (resource type, version, namespace, name, subresource)."""

from __future__ import annotations

from dataclasses import dataclass

from simcluster.errors import ApiError
from simcluster.resources import ResourceType, resource_for_url


@dataclass(frozen=True)
class Target:
    rtype: ResourceType
    version: str
    namespace: str | None  # None: all namespaces (or a cluster-scoped kind)
    name: str | None  # None: the collection
    subresource: str | None

    @property
    def api_version(self) -> str:
        return self.rtype.api_version(self.version)

    @property
    def is_collection(self) -> bool:
        return self.name is None


def _not_found(path: str) -> ApiError:
    return ApiError(404, f"the server could not find the requested resource ({path})",
                    details={"causes": [{"reason": "UnexpectedServerResponse", "message": path}]})


def resolve(path: str) -> Target | None:
    """A Target for a resource path; None when the path is not a resource path at all."""
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 2 and parts[0] == "api":
        group, version, rest = "", parts[1], parts[2:]
    elif len(parts) >= 3 and parts[0] == "apis":
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return None
    if not rest:
        return None
    namespace = None
    if rest[0] == "namespaces" and len(rest) >= 3 and _is_namespaced(group, version, rest[2]):
        namespace, rest = rest[1], rest[2:]
    rtype = resource_for_url(group, version, rest[0])
    if rtype is None or len(rest) > 3:
        raise _not_found(path)
    if rtype.namespaced is False and namespace is not None:
        raise _not_found(path)
    name = rest[1] if len(rest) >= 2 else None
    subresource = rest[2] if len(rest) == 3 else None
    if rtype.namespaced and name is not None and namespace is None:
        raise _not_found(path)  # a namespaced object needs its namespace in the path
    return Target(rtype, version, namespace, name, subresource)


def _is_namespaced(group: str, version: str, plural: str) -> bool:
    rtype = resource_for_url(group, version, plural)
    return rtype is not None and rtype.namespaced
