"""What the gateway talks about, without talking: the kind table, API paths, discovery choice,
and turning an error response into our exception. Pure; no kubernetes import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rollouts.errors import ClusterError, error_for_status
from rollouts.keys import check_name, check_namespace

ISTIO_GROUP = "networking.istio.io"
ARGO_GROUP = "argoproj.io"
ISTIO_VERSIONS = ("v1", "v1beta1", "v1alpha3")  # preference order
PATCH_TYPES = {
    "merge": "application/merge-patch+json",
    "json": "application/json-patch+json",
    "strategic": "application/strategic-merge-patch+json",
}


@dataclass(frozen=True)
class KindInfo:
    plural: str
    group: str  # "" for the core API
    version: str  # "" for Istio: discovered
    kind: str


KINDS: dict[str, KindInfo] = {
    info.plural: info
    for info in (
        KindInfo("rollouts", ARGO_GROUP, "v1alpha1", "Rollout"),
        KindInfo("analysisruns", ARGO_GROUP, "v1alpha1", "AnalysisRun"),
        KindInfo("experiments", ARGO_GROUP, "v1alpha1", "Experiment"),
        KindInfo("replicasets", "apps", "v1", "ReplicaSet"),
        KindInfo("pods", "", "v1", "Pod"),
        KindInfo("services", "", "v1", "Service"),
        KindInfo("virtualservices", ISTIO_GROUP, "", "VirtualService"),
        KindInfo("destinationrules", ISTIO_GROUP, "", "DestinationRule"),
    )
}


@dataclass(frozen=True)
class ClusterConfig:
    """Where the cluster is and how patient to be with it."""

    kubeconfig: str = ""
    context: str = ""
    request_timeout: float = 15.0
    istio_version: str = "auto"

    @classmethod
    def from_settings(cls) -> ClusterConfig:
        from django.conf import settings

        return cls(
            kubeconfig=settings.KUBECONFIG or "",
            context=settings.KUBE_CONTEXT or "",
            request_timeout=float(settings.ROLLOUTS_REQUEST_TIMEOUT),
            istio_version=settings.ROLLOUTS_ISTIO_VERSION or "auto",
        )


@dataclass(frozen=True)
class Discovery:
    istio_version: str | None  # None: Istio is not installed
    missing: frozenset[str]  # kinds the cluster does not serve


def kind_info(kind: str) -> KindInfo:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}") from None


SUBRESOURCES = ("status", "scale")


def collection_path(info: KindInfo, version: str, namespace: str | None) -> str:
    """Refuses (InvalidName) a namespace that could make the path mean something else."""
    if namespace:
        check_namespace(namespace)
    base = f"/apis/{info.group}/{version}" if info.group else f"/api/{version}"
    return f"{base}/namespaces/{namespace}/{info.plural}" if namespace else f"{base}/{info.plural}"


def object_path(info: KindInfo, version: str, ns: str, name: str, sub: str | None = None) -> str:
    check_name(name, f"{info.kind} name")
    if sub and sub not in SUBRESOURCES:
        raise ValueError(f"unknown subresource {sub!r}; expected one of {', '.join(SUBRESOURCES)}")
    path = f"{collection_path(info, version, ns)}/{name}"
    return f"{path}/{sub}" if sub else path


def choose_discovery(served: dict[str, set[str] | None], istio_version: str) -> Discovery:
    """Pick the Istio version and the missing kinds from `{"group/version": plurals or None}`."""
    candidates = ISTIO_VERSIONS if istio_version == "auto" else (istio_version,)
    istio = next(
        (v for v in candidates if "virtualservices" in (served.get(f"{ISTIO_GROUP}/{v}") or ())),
        None,
    )
    argo = served.get(f"{ARGO_GROUP}/v1alpha1") or set()
    istio_plurals = (served.get(f"{ISTIO_GROUP}/{istio}") or set()) if istio else set()
    missing = {k for k, i in KINDS.items() if i.group == ARGO_GROUP and k not in argo}
    missing |= {k for k, i in KINDS.items() if i.group == ISTIO_GROUP and k not in istio_plurals}
    return Discovery(istio, frozenset(missing))


def discovery_paths(istio_version: str) -> list[str]:
    versions = ISTIO_VERSIONS if istio_version == "auto" else (istio_version,)
    return [f"{ARGO_GROUP}/v1alpha1", *(f"{ISTIO_GROUP}/{v}" for v in versions)]


def plurals_of(resource_list: Any) -> set[str]:
    resources = resource_list.get("resources") if isinstance(resource_list, dict) else None
    return {
        r["name"] for r in resources or () if isinstance(r, dict) and "/" not in str(r.get("name"))
    }


def error_from_body(status: int, reason: str | None, body: bytes | str | None) -> ClusterError:
    """Our exception for a failed response, with the Status body's reason and message if any."""
    message, why = "", reason or ""
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        message = str(parsed.get("message") or "")
        why = str(parsed.get("reason") or why)
    elif body:
        message = (body.decode(errors="replace") if isinstance(body, bytes) else body)[:500]
    return error_for_status(status, why or "Error", message or why or f"HTTP {status}")


def parse_json(body: bytes | str) -> Any:
    try:
        return json.loads(body)
    except ValueError as exc:
        raise ClusterError(0, "BadResponse", f"the API answered with invalid JSON: {exc}") from None


def items_and_rv(body: Any) -> tuple[list[Any], str]:
    if not isinstance(body, dict) or not isinstance(body.get("items", []), list):
        raise ClusterError(0, "BadResponse", "a list response without an items list")
    meta = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
    return body.get("items") or [], str(meta.get("resourceVersion") or "")


def config_problem(config: ClusterConfig, exc: BaseException) -> str:
    if config.kubeconfig:
        where = f"kubeconfig {config.kubeconfig!r}"
        if config.context:
            where += f" (context {config.context!r})"
        return f"cannot use {where}: {exc}"
    return (
        "no cluster configured: set KUBECONFIG (and optionally KUBE_CONTEXT), or run in a pod "
        f"with a service account ({exc})"
    )


class KindTable:
    """Resolves a kind to its API version; Istio's comes from discovery."""

    config: ClusterConfig
    discovery: Discovery | None = None

    def version_of(self, info: KindInfo) -> str:
        if info.version:
            return info.version
        if self.config.istio_version != "auto":
            return self.config.istio_version
        if self.discovery is None:
            self._discover_for_version()
        assert self.discovery is not None
        return self.discovery.istio_version or ISTIO_VERSIONS[0]

    def _discover_for_version(self) -> None:
        raise NotImplementedError
