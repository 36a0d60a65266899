"""Validation of what a Rollout refers to: Services, VirtualServices, DestinationRules, templates.

Upstream reports a missing or mismatched reference as InvalidSpec and retries; so do we (the
manager re-queues a namespace's rollouts whenever one of these kinds changes there).
"""

from __future__ import annotations

from . import istio
from .canary_math import bluegreen_spec, canary_spec, is_bluegreen, steps_of
from .objects import HASH_LABEL, MANAGED_BY_ANNOTATION, annotations_of, as_dict, as_list, dig
from .rollout_context import RolloutContext
from .validation import SpecError, invalid

_ISTIO = "networking.istio.io"


def validate_references(ctx: RolloutContext) -> None:
    if is_bluegreen(ctx.rollout):
        spec, path = bluegreen_spec(ctx.rollout), "spec.strategy.blueGreen"
        services = ("activeService", "previewService")
    else:
        spec, path = canary_spec(ctx.rollout), "spec.strategy.canary"
        services = ("stableService", "canaryService")
    for key in services:
        name = spec.get(key)
        if not name:
            continue
        service = ctx.rt.store.get("services", ctx.namespace, str(name))
        if service is None:
            raise invalid(f"{path}.{key}", name, f'services "{name}" not found')
        _validate_service(ctx, service, f"{path}.{key}")


def _validate_service(ctx: RolloutContext, service: dict, path: str) -> None:
    """ValidateService: selector labels must be the template's; one managing Rollout only."""
    name = service["metadata"]["name"]
    labels = as_dict(dig(ctx.rollout, "spec", "template", "metadata", "labels"))
    for key, value in as_dict(dig(service, "spec", "selector")).items():
        if key != HASH_LABEL and labels.get(key) != value:
            raise invalid(path, name, f'Service "{name}" has unmatch label "{key}" in rollout')
    owner = annotations_of(service).get(MANAGED_BY_ANNOTATION)
    if owner is not None and owner != ctx.name:
        raise invalid(path, name, f'Service "{name}" is managed by another Rollout')
    _validate_templates(ctx)
    cfg = istio.settings(ctx.rollout)
    if cfg is not None:
        _validate_istio(ctx, cfg)


def _validate_istio(ctx: RolloutContext, cfg: istio.IstioSettings) -> None:
    plural = "virtualServices" if dig(ctx.rollout, "spec", "strategy", "canary", "trafficRouting",
                                      "istio", "virtualServices") is not None else "virtualService"
    path = f"spec.strategy.canary.trafficRouting.istio.{plural}.name"
    for vs_cfg in cfg.virtual_services:
        namespace, name = istio.vs_reference(str(vs_cfg.get("name")), ctx.namespace)
        vs = ctx.rt.store.get("virtualservices", namespace, name)
        if vs is None:
            raise invalid(path, name, f'virtualservices.{_ISTIO} "{name}" not found')
        try:
            istio.routes_to_weight(vs, vs_cfg, cfg)
        except istio.RoutingError as error:
            kind = "TLS" if "tls" in str(error) else "TCP" if "tcp" in str(error) else "HTTP"
            raise invalid(path, name, f"Istio VirtualService has invalid {kind} routes. "
                                      f"Error: {error}") from None
    rule = cfg.destination_rule
    if rule is not None:
        name = str(rule.get("name") or "")
        if ctx.rt.store.get("destinationrules", ctx.namespace, name) is None:
            raise invalid("spec.strategy.canary.trafficRouting.istio.destinationRule.name", name,
                          f'destinationrules.{_ISTIO} "{name}" not found')


def template_refs(ctx: RolloutContext) -> list[tuple[str, dict]]:
    """(field path, template ref) for every analysis template the rollout can run."""
    refs: list[tuple[str, dict]] = []
    if is_bluegreen(ctx.rollout):
        for key in ("prePromotionAnalysis", "postPromotionAnalysis"):
            for i, ref in enumerate(as_list(dig(bluegreen_spec(ctx.rollout), key, "templates"))):
                refs.append((f"spec.strategy.blueGreen.{key}.templates[{i}]", ref))
        return refs
    for i, ref in enumerate(as_list(dig(canary_spec(ctx.rollout), "analysis", "templates"))):
        refs.append((f"spec.strategy.canary.analysis.templates[{i}]", ref))
    for s, step in enumerate(steps_of(ctx.rollout)):
        for i, ref in enumerate(as_list(dig(step, "analysis", "templates"))):
            refs.append((f"spec.strategy.canary.steps[{s}].analysis.templates[{i}]", ref))
        for i, ref in enumerate(as_list(dig(step, "experiment", "analyses"))):
            refs.append((f"spec.strategy.canary.steps[{s}].experiment.analyses[{i}]", ref))
    return refs


def _validate_templates(ctx: RolloutContext) -> None:
    for path, ref in template_refs(ctx):
        if not isinstance(ref, dict) or not isinstance(ref.get("templateName"), str):
            raise SpecError(f"{path}.templateName: Required value: ")
        name = ref["templateName"]
        if ref.get("clusterScope") is True:
            found = ctx.rt.store.get("clusteranalysistemplates", None, name)
            kind = "clusteranalysistemplates"
        else:
            found = ctx.rt.store.get("analysistemplates", ctx.namespace, name)
            kind = "analysistemplates"
        if found is None:
            raise invalid(path, f"templateNames: [{name}]",
                          f'{kind}.argoproj.io "{name}" not found')
