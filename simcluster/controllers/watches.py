"""Which reconciles a store change calls for (the informers' event handlers, in one place)."""

from __future__ import annotations

from simcluster.store import Event, Store

from .istio import vs_reference
from .objects import as_dict, as_list, dig, meta

Key = tuple[str, str, str]
HANDLED = ("rollouts", "replicasets", "pods", "analysisruns", "experiments")
OWNER_PLURALS = {"Rollout": "rollouts", "ReplicaSet": "replicasets", "Experiment": "experiments"}
# Kinds a Rollout reads without owning them; a change re-queues the rollouts that refer to it.
ROLLOUT_INPUTS = {"services", "virtualservices", "destinationrules", "deployments",
                  "analysistemplates", "clusteranalysistemplates", "namespaces"}


def keys_for_event(store: Store, event: Event) -> list[Key]:
    obj = event.obj
    namespace = str(meta(obj).get("namespace") or "")
    name = str(meta(obj).get("name") or "")
    keys: list[Key] = []
    if event.plural in HANDLED and event.type != "DELETED":
        keys.append((event.plural, namespace, name))
    for ref in as_list(meta(obj).get("ownerReferences")):
        owner = OWNER_PLURALS.get(str(dig(ref, "kind", default="")))
        if owner:
            keys.append((owner, namespace, str(dig(ref, "name", default=""))))
    if event.plural in ROLLOUT_INPUTS:
        keys += _interested_rollouts(store, event.plural, namespace, name)
    return keys


def _interested_rollouts(store: Store, plural: str, namespace: str, name: str) -> list[Key]:
    scope = None if plural in ("virtualservices", "clusteranalysistemplates",
                               "namespaces") else namespace
    rollouts, _ = store.snapshot("rollouts", scope)
    return [("rollouts", meta(ro).get("namespace", ""), meta(ro).get("name", ""))
            for ro in rollouts if _refers_to(ro, plural, namespace, name)]


def _refers_to(ro: dict, plural: str, namespace: str, name: str) -> bool:
    strategy = as_dict(dig(ro, "spec", "strategy"))
    if plural == "services":
        specs = [as_dict(strategy.get("canary")), as_dict(strategy.get("blueGreen")),
                 as_dict(dig(strategy, "canary", "pingPong"))]
        return any(name in (s.get(k) for k in ("canaryService", "stableService", "activeService",
                                               "previewService", "pingService", "pongService"))
                   for s in specs)
    istio = as_dict(dig(strategy, "canary", "trafficRouting", "istio"))
    if plural == "virtualservices":
        services = as_list(istio.get("virtualServices")) + [istio.get("virtualService")]
        home = str(meta(ro).get("namespace") or "")
        return any(isinstance(vs, dict) and vs_reference(str(vs.get("name", "")), home) ==
                   (namespace, name) for vs in services)
    if plural == "destinationrules":
        return dig(istio, "destinationRule", "name") == name
    if plural == "deployments":
        return dig(ro, "spec", "workloadRef", "name") == name
    if plural == "namespaces":
        return meta(ro).get("namespace") == name
    return True  # analysis templates: rare, and any analysis may name them
