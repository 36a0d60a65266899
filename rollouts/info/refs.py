"""Which Services, VirtualServices and DestinationRule a Rollout depends on (for the mirror)."""

from __future__ import annotations

from rollouts.info.access import Obj, as_dict, as_str, dicts, dig, namespace_of


def istio_spec(rollout: Obj) -> Obj | None:
    istio = dig(rollout, "spec", "strategy", "canary", "trafficRouting", "istio")
    return istio if isinstance(istio, dict) else None


def split_virtualservice_name(reference: str, default_namespace: str) -> tuple[str, str]:
    """`name`, `name.namespace` or `name.namespace.svc.cluster.local` → (namespace, name).

    Like upstream, `.cluster.local` is stripped and the last dot-segment is the namespace
    (a namespace cannot contain a dot, a VirtualService name can)."""
    reference = reference.removesuffix(".cluster.local")
    if "." not in reference:
        return default_namespace, reference
    name, _, namespace = reference.rpartition(".")
    return namespace or default_namespace, name


def virtualservice_entries(rollout: Obj) -> list[Obj]:
    """The rollout's `virtualService` or `virtualServices[]` entries. Like upstream's
    GetRolloutVirtualServiceKeys, setting both is invalid and references nothing."""
    istio = istio_spec(rollout)
    if istio is None:
        return []
    single, many = istio.get("virtualService"), istio.get("virtualServices")
    if (single is None) == (many is None):
        return []
    return dicts(many) if many is not None else dicts([single])


def referenced_virtualservices(rollout: Obj) -> list[tuple[str, str]]:
    """(namespace, name) of every VirtualService the rollout's Istio routing edits."""
    refs: list[tuple[str, str]] = []
    for entry in virtualservice_entries(rollout):
        namespace, name = split_virtualservice_name(
            as_str(entry.get("name")), namespace_of(rollout)
        )
        if name and (namespace, name) not in refs:
            refs.append((namespace, name))
    return refs


def referenced_destinationrule(rollout: Obj) -> tuple[str, str] | None:
    """(namespace, name) of the DestinationRule; it always lives in the rollout's namespace."""
    name = as_str(as_dict(as_dict(istio_spec(rollout)).get("destinationRule")).get("name"))
    return (namespace_of(rollout), name) if name else None


def service_roles(rollout: Obj) -> list[tuple[str, str]]:
    """(role, service name) for canary/stable, ping/pong and blue-green active/preview."""
    strategy = as_dict(dig(rollout, "spec", "strategy"))
    canary, blue_green = as_dict(strategy.get("canary")), as_dict(strategy.get("blueGreen"))
    ping_pong = as_dict(canary.get("pingPong"))
    candidates = (
        ("canary", canary.get("canaryService")),
        ("stable", canary.get("stableService")),
        ("ping", ping_pong.get("pingService")),
        ("pong", ping_pong.get("pongService")),
        ("active", blue_green.get("activeService")),
        ("preview", blue_green.get("previewService")),
    )
    return [(role, name) for role, name in candidates if isinstance(name, str) and name]


def referenced_services(rollout: Obj) -> list[tuple[str, str]]:
    """(namespace, name) of the Services the rollout pins to its ReplicaSets."""
    refs: list[tuple[str, str]] = []
    for _, name in service_roles(rollout):
        if (namespace_of(rollout), name) not in refs:
            refs.append((namespace_of(rollout), name))
    return refs
