"""Discovery documents: /version, /api, /api/v1, /apis, /apis/{group}, /apis/{group}/{version}.

Plain (unaggregated) discovery: kubectl and client-go fall back to it when the server answers
`application/json` to their aggregated-discovery Accept header; DynamicClient uses it directly.
"""

from __future__ import annotations

from typing import Any

from simcluster.resources import ALL_VERBS, STATUS_VERBS, ResourceType, group_versions, resources_in

KUBERNETES_VERSION = {"major": "1", "minor": "32"}


def version_info() -> dict[str, Any]:
    return {
        **KUBERNETES_VERSION,
        "gitVersion": "v1.32.0-simcluster",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2025-01-01T00:00:00Z",
        "goVersion": "go1.23.4",
        "compiler": "gc",
        "platform": "linux/amd64",
    }


def core_versions() -> dict[str, Any]:
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}],
    }


def _group(name: str, versions: tuple[str, ...]) -> dict[str, Any]:
    entries = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {"name": name, "versions": entries, "preferredVersion": entries[0]}


def group_list() -> dict[str, Any]:
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [_group(name, versions) for name, versions in group_versions().items()],
    }


def api_group(name: str) -> dict[str, Any] | None:
    versions = group_versions().get(name)
    if versions is None:
        return None
    return {"kind": "APIGroup", "apiVersion": "v1", **_group(name, versions)}


def _resource_entries(rtype: ResourceType) -> list[dict[str, Any]]:
    main: dict[str, Any] = {
        "name": rtype.plural,
        "singularName": rtype.singular,
        "namespaced": rtype.namespaced,
        "kind": rtype.kind,
        "verbs": list(ALL_VERBS),
    }
    if rtype.short_names:
        main["shortNames"] = list(rtype.short_names)
    if rtype.categories:
        main["categories"] = list(rtype.categories)
    entries = [main]
    if rtype.has_status:
        entries.append({"name": f"{rtype.plural}/status", "singularName": "",
                        "namespaced": rtype.namespaced, "kind": rtype.kind,
                        "verbs": list(STATUS_VERBS)})
    return entries


def resource_list(group: str, version: str) -> dict[str, Any] | None:
    found = resources_in(group, version)
    if not found:
        return None
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{group}/{version}" if group else version,
        "resources": [entry for rtype in found for entry in _resource_entries(rtype)],
    }
