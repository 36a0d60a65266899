"""The registry of resource kinds the simulated API server serves.

Kinds are identified by a *key*: for every kind the project cares about, the key is its plural
(`rollouts`, `pods`, ...), as the store contract promises. A few extra kinds exist only so that
upstream's example manifests (Ingress, Job, Ambassador, APISIX, App Mesh) and the dashboard's
deploy/ manifests (ServiceAccount, RBAC, StatefulSet) apply whole; they are
stored generically, and where their plural collides with one of ours (App Mesh's
`virtualservices`) the key is `<plural>.<group>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
STATUS_VERBS = ("get", "patch", "update")


@dataclass(frozen=True)
class ResourceType:
    group: str  # "" for the core group
    versions: tuple[str, ...]  # first = storage / preferred version
    plural: str
    singular: str
    kind: str
    namespaced: bool
    has_status: bool  # has a /status subresource
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    builtin: bool = False  # built-in kinds accept strategic-merge patches; custom resources get 415
    key: str = field(default="")

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", self.plural)

    @property
    def storage_version(self) -> str:
        return self.versions[0]

    def api_version(self, version: str | None = None) -> str:
        version = version or self.storage_version
        return f"{self.group}/{version}" if self.group else version

    @property
    def list_kind(self) -> str:
        return f"{self.kind}List"

    def accepts_api_version(self, api_version: str) -> bool:
        return api_version in {self.api_version(v) for v in self.versions}


def _core(plural: str, singular: str, kind: str, **kw) -> ResourceType:
    return ResourceType("", ("v1",), plural, singular, kind, builtin=True, **kw)


def _argo(plural: str, singular: str, kind: str, **kw) -> ResourceType:
    return ResourceType("argoproj.io", ("v1alpha1",), plural, singular, kind, **kw)


# Real Istio (1.22+) prefers v1 and still serves v1beta1 and v1alpha3 over the same storage.
ISTIO_VERSIONS = ("v1", "v1beta1", "v1alpha3")
ISTIO_CATEGORIES = ("istio-io", "networking-istio-io")


def _istio(plural: str, singular: str, kind: str, short: tuple[str, ...]) -> ResourceType:
    return ResourceType(
        "networking.istio.io", ISTIO_VERSIONS, plural, singular, kind, namespaced=True,
        has_status=True, short_names=short, categories=ISTIO_CATEGORIES,
    )


_CORE_KINDS = [
    _core("namespaces", "namespace", "Namespace", namespaced=False, has_status=True,
          short_names=("ns",)),
    _core("pods", "pod", "Pod", namespaced=True, has_status=True, short_names=("po",),
          categories=("all",)),
    _core("services", "service", "Service", namespaced=True, has_status=True,
          short_names=("svc",), categories=("all",)),
    _core("events", "event", "Event", namespaced=True, has_status=False, short_names=("ev",)),
    _core("configmaps", "configmap", "ConfigMap", namespaced=True, has_status=False,
          short_names=("cm",)),
    _core("secrets", "secret", "Secret", namespaced=True, has_status=False),
    ResourceType("apps", ("v1",), "replicasets", "replicaset", "ReplicaSet", namespaced=True,
                 has_status=True, short_names=("rs",), categories=("all",), builtin=True),
    ResourceType("apps", ("v1",), "deployments", "deployment", "Deployment", namespaced=True,
                 has_status=True, short_names=("deploy",), categories=("all",), builtin=True),
    _argo("rollouts", "rollout", "Rollout", namespaced=True, has_status=True,
          short_names=("ro",)),
    _argo("analysisruns", "analysisrun", "AnalysisRun", namespaced=True, has_status=True,
          short_names=("ar",)),
    _argo("analysistemplates", "analysistemplate", "AnalysisTemplate", namespaced=True,
          has_status=False, short_names=("at",)),
    _argo("clusteranalysistemplates", "clusteranalysistemplate", "ClusterAnalysisTemplate",
          namespaced=False, has_status=False, short_names=("cat",)),
    _argo("experiments", "experiment", "Experiment", namespaced=True, has_status=True,
          short_names=("exp",)),
    _istio("virtualservices", "virtualservice", "VirtualService", ("vs",)),
    _istio("destinationrules", "destinationrule", "DestinationRule", ("dr",)),
    _istio("gateways", "gateway", "Gateway", ("gw",)),
    ResourceType("coordination.k8s.io", ("v1",), "leases", "lease", "Lease", namespaced=True,
                 has_status=False, builtin=True),
]

RBAC_GROUP = "rbac.authorization.k8s.io"


def _rbac(plural: str, singular: str, kind: str, namespaced: bool) -> ResourceType:
    return ResourceType(RBAC_GROUP, ("v1",), plural, singular, kind, namespaced=namespaced,
                        has_status=False, builtin=True)


# Stored generically so that upstream's example manifests and the dashboard's own deploy/
# manifests apply whole; no controller acts on them (a StatefulSet starts no pods, a Role
# grants nothing: simcluster authorises every request).
_EXTRA_KINDS = [
    _core("serviceaccounts", "serviceaccount", "ServiceAccount", namespaced=True,
          has_status=False, short_names=("sa",)),
    _core("persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim",
          namespaced=True, has_status=True, short_names=("pvc",)),
    ResourceType("apps", ("v1",), "statefulsets", "statefulset", "StatefulSet", namespaced=True,
                 has_status=True, short_names=("sts",), categories=("all",), builtin=True),
    _rbac("roles", "role", "Role", True),
    _rbac("rolebindings", "rolebinding", "RoleBinding", True),
    _rbac("clusterroles", "clusterrole", "ClusterRole", False),
    _rbac("clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", False),
    ResourceType("networking.k8s.io", ("v1",), "ingresses", "ingress", "Ingress",
                 namespaced=True, has_status=True, short_names=("ing",), builtin=True),
    ResourceType("batch", ("v1",), "jobs", "job", "Job", namespaced=True, has_status=True,
                 categories=("all",), builtin=True),
    ResourceType("getambassador.io", ("v2",), "mappings", "mapping", "Mapping",
                 namespaced=True, has_status=True),
    ResourceType("getambassador.io", ("v2",), "kubernetesendpointresolvers",
                 "kubernetesendpointresolver", "KubernetesEndpointResolver", namespaced=True,
                 has_status=False),
    ResourceType("apisix.apache.org", ("v2",), "apisixroutes", "apisixroute", "ApisixRoute",
                 namespaced=True, has_status=True),
    ResourceType("appmesh.k8s.aws", ("v1beta2",), "meshes", "mesh", "Mesh", namespaced=False,
                 has_status=True),
    ResourceType("appmesh.k8s.aws", ("v1beta2",), "virtualnodes", "virtualnode", "VirtualNode",
                 namespaced=True, has_status=True),
    ResourceType("appmesh.k8s.aws", ("v1beta2",), "virtualrouters", "virtualrouter",
                 "VirtualRouter", namespaced=True, has_status=True),
    ResourceType("appmesh.k8s.aws", ("v1beta2",), "virtualservices", "virtualservice",
                 "VirtualService", namespaced=True, has_status=True,
                 key="virtualservices.appmesh.k8s.aws"),
]

RESOURCES: dict[str, ResourceType] = {r.key: r for r in [*_CORE_KINDS, *_EXTRA_KINDS]}

# (group, version, plural) -> resource type, for URL routing.
_BY_URL: dict[tuple[str, str, str], ResourceType] = {
    (r.group, v, r.plural): r for r in RESOURCES.values() for v in r.versions
}
# (apiVersion, kind) -> resource type, for manifests.
_BY_KIND: dict[tuple[str, str], ResourceType] = {
    (r.api_version(v), r.kind): r for r in RESOURCES.values() for v in r.versions
}


def resource_for_url(group: str, version: str, plural: str) -> ResourceType | None:
    return _BY_URL.get((group, version, plural))


def resource_for_kind(api_version: str, kind: str) -> ResourceType | None:
    return _BY_KIND.get((api_version, kind))


def resource(key: str) -> ResourceType:
    """The resource type for a store key; a clear error for an unknown one."""
    try:
        return RESOURCES[key]
    except KeyError:
        raise KeyError(f"unknown resource {key!r}; known: {', '.join(sorted(RESOURCES))}") from None


def group_versions() -> dict[str, tuple[str, ...]]:
    """Every API group (core excluded) with its served versions, preferred first."""
    groups: dict[str, list[str]] = {}
    for r in RESOURCES.values():
        if not r.group:
            continue
        served = groups.setdefault(r.group, [])
        served.extend(v for v in r.versions if v not in served)
    return {g: tuple(vs) for g, vs in groups.items()}


def resources_in(group: str, version: str) -> list[ResourceType]:
    return [r for r in RESOURCES.values() if r.group == group and version in r.versions]
