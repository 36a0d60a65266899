"""Dataclasses for the traffic part of the info model (beyond upstream's RolloutInfo)."""

from __future__ import annotations

from dataclasses import dataclass

from rollouts.info.serialize import Model


@dataclass(frozen=True)
class DestinationInfo(Model):
    host: str  # as written in the VirtualService
    short_host: str  # the part before the first dot, which is what the controller compares
    subset: str
    port: int | None
    weight: int
    role: str  # canary / stable / additional (experiment or extra subset) / other


@dataclass(frozen=True)
class RouteInfo(Model):
    json_properties = ("other_destinations",)

    virtualservice: str  # "namespace/name"
    kind: str  # http / tls / tcp
    index: int  # position in spec.http[] / tls[] / tcp[]
    name: str
    match: str  # a short description of what the route matches
    managed: bool  # a header/mirror route the rollout created (managedRoutes)
    stable_weight: int | None
    canary_weight: int | None
    total_weight: int
    destinations: tuple[DestinationInfo, ...] = ()

    @property
    def other_destinations(self) -> tuple[DestinationInfo, ...]:
        return tuple(d for d in self.destinations if d.role not in ("canary", "stable"))


@dataclass(frozen=True)
class VirtualServiceRef(Model):
    namespace: str
    name: str
    found: bool


@dataclass(frozen=True)
class DestinationRuleInfo(Model):
    namespace: str
    name: str
    found: bool
    canary_subset: str
    stable_subset: str
    canary_subset_hash: str  # the subset's rollouts-pod-template-hash label
    stable_subset_hash: str


@dataclass(frozen=True)
class ServiceInfo(Model):
    role: str  # canary / stable / active / preview / ping / pong
    name: str
    found: bool
    selector_hash: str  # spec.selector.rollouts-pod-template-hash ("" when not pinned)
    expected_hash: str  # the ReplicaSet the controller should have pinned it to
    points_to_expected: bool | None  # None when we cannot tell (no expectation)


@dataclass(frozen=True)
class AppliedWeights(Model):
    """status.canary.weights: what the controller last applied to the traffic router."""

    canary: int | None
    stable: int | None
    canary_hash: str = ""
    stable_hash: str = ""
    additional: tuple[tuple[str, int], ...] = ()  # (serviceName, weight) of experiment services
    verified: bool | None = None


@dataclass(frozen=True)
class TrafficInfo(Model):
    json_properties = ("router",)

    routers: tuple[str, ...] = ()  # istio, nginx, alb, smi, ambassador, appMesh, traefik, ...
    resolvable: bool = False  # we read the router's objects ourselves (Istio only)
    desired_weight: int | None = None  # SetWeight
    applied: AppliedWeights | None = None
    max_weight: int = 100
    converged: bool = True  # the controller has had time to apply the current state
    virtualservices: tuple[VirtualServiceRef, ...] = ()
    destination_rule: DestinationRuleInfo | None = None
    routes: tuple[RouteInfo, ...] = ()
    services: tuple[ServiceInfo, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def router(self) -> str:
        return self.routers[0] if self.routers else ""
