"""Rollout validation: a malformed spec becomes an InvalidSpec condition, never a crash.

Checks what upstream checks (pkg/apis/rollouts/validation) plus every type our controller relies
on, so the reconcile that follows can trust the shapes it reads. Messages use upstream's texts and
Kubernetes' field-error format: ``spec.selector: Required value: ...``.
"""

from __future__ import annotations

import json
from typing import Any

from .canary_math import max_weight
from .objects import as_dict, as_list, dig, parse_duration, parse_time, selector_matches

STEP_KEYS = ("setWeight", "pause", "experiment", "analysis", "setCanaryScale", "setHeaderRoute",
             "setMirrorRoute", "plugin")
INVALID_STEP = ("Step must have one of the following set: experiment, setWeight, "
                "setCanaryScale, plugin or pause")


class SpecError(Exception):
    """One field error; str() is Kubernetes' field.Error text."""


def required(path: str, detail: str) -> SpecError:
    return SpecError(f"{path}: Required value: {detail}")


def invalid(path: str, value: Any, detail: str) -> SpecError:
    shown = "null" if value is None else (json.dumps(value, separators=(",", ":"))
                                          if not isinstance(value, bool) else str(value).lower())
    return SpecError(f"{path}: Invalid value: {shown}: {detail}")


def _int_field(spec: dict, key: str, path: str, minimum: int = 0) -> None:
    value = spec.get(key)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(f"{path}.{key}", value, "must be an integer")
    if value < minimum:
        raise invalid(f"{path}.{key}", value, f"must be greater than or equal to {minimum}")


def _str_field(spec: dict, key: str, path: str) -> None:
    if spec.get(key) is not None and not isinstance(spec.get(key), str):
        raise invalid(f"{path}.{key}", spec.get(key), "must be a string")


def validate_rollout(ro: dict) -> None:
    """Raise SpecError for the first problem in the Rollout's spec (template already resolved)."""
    spec = ro.get("spec")
    if not isinstance(spec, dict):
        raise required("spec", "Rollout has missing field '.spec'")
    _int_field(spec, "replicas", "spec")
    _int_field(spec, "minReadySeconds", "spec")
    _int_field(spec, "revisionHistoryLimit", "spec")
    _int_field(spec, "progressDeadlineSeconds", "spec")
    if spec.get("paused") is not None and not isinstance(spec.get("paused"), bool):
        raise invalid("spec.paused", spec.get("paused"), "must be a boolean")
    if spec.get("restartAt") is not None and parse_time(spec.get("restartAt")) is None:
        raise invalid("spec.restartAt", spec.get("restartAt"), "must be an RFC 3339 time")
    _validate_selector_and_template(spec)
    strategy = spec.get("strategy")
    if not isinstance(strategy, dict) or not any(
            isinstance(strategy.get(k), dict) for k in ("canary", "blueGreen")):
        raise required("spec.strategy", "Rollout has missing field "
                                        "'.spec.strategy.canary or .spec.strategy.blueGreen'")
    if isinstance(strategy.get("canary"), dict) and isinstance(strategy.get("blueGreen"), dict):
        raise invalid("spec.strategy", "", "Multiple Strategies can not be listed")
    if isinstance(strategy.get("canary"), dict):
        _validate_canary(ro, strategy["canary"])
    else:
        _validate_bluegreen(strategy["blueGreen"])


def _validate_selector_and_template(spec: dict) -> None:
    selector = spec.get("selector")
    if not isinstance(selector, dict):
        raise required("spec.selector", "Rollout has missing field '.spec.selector'")
    if not as_dict(selector.get("matchLabels")) and not as_list(selector.get("matchExpressions")):
        raise invalid("spec.selector", selector, "empty selector is invalid for deployment")
    template = spec.get("template")
    if not isinstance(template, dict):
        raise required("spec.template", "Rollout has missing field '.spec.template'")
    labels = dig(template, "metadata", "labels")
    if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
        raise invalid("spec.template.metadata.labels", labels, "must be a map of strings")
    if not selector_matches(selector, labels):
        raise invalid("spec.template.metadata.labels", labels,
                      "`selector` does not match template `labels`")
    containers = dig(template, "spec", "containers")
    if not isinstance(containers, list) or not containers:
        raise required("spec.template.spec.containers", "")
    for i, container in enumerate(containers):
        path = f"spec.template.spec.containers[{i}]"
        if not isinstance(container, dict):
            raise invalid(path, container, "must be an object")
        if not isinstance(container.get("name"), str) or not container["name"]:
            raise required(f"{path}.name", "")
        if not isinstance(container.get("image"), str) or not container["image"]:
            raise required(f"{path}.image", "")


def _validate_canary(ro: dict, canary: dict) -> None:
    path = "spec.strategy.canary"
    for key in ("canaryService", "stableService"):
        _str_field(canary, key, path)
    for key in ("scaleDownDelaySeconds", "abortScaleDownDelaySeconds", "minPodsPerReplicaSet"):
        _int_field(canary, key, path)
    for key in ("maxSurge", "maxUnavailable"):
        value = canary.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | str)):
            raise invalid(f"{path}.{key}", value, "must be an integer or a percentage")
    if canary.get("canaryService") and canary.get("canaryService") == canary.get("stableService"):
        raise invalid(f"{path}.stableService", canary["stableService"],
                      "This rollout uses the same service for the stable and canary services, "
                      "but two different services are required.")
    routing = canary.get("trafficRouting")
    if routing is not None and not isinstance(routing, dict):
        raise invalid(f"{path}.trafficRouting", routing, "must be an object")
    if isinstance(routing, dict):
        _validate_routing(canary, routing, path)
    steps = canary.get("steps")
    if steps is not None and not isinstance(steps, list):
        raise invalid(f"{path}.steps", steps, "must be a list")
    managed = [dig(m, "name") for m in as_list(dig(routing, "managedRoutes"))]
    for i, step in enumerate(as_list(steps)):
        _validate_step(ro, step, f"{path}.steps[{i}]", routing, managed)


def _validate_routing(canary: dict, routing: dict, path: str) -> None:
    istio = routing.get("istio")
    needs_services = any(routing.get(k) is not None for k in (
        "alb", "smi", "apisix", "ambassador", "nginx", "appMesh", "traefik")) or (
        isinstance(istio, dict) and istio.get("destinationRule") is None)
    if needs_services and canary.get("pingPong") is None:
        for key in ("stableService", "canaryService"):
            if not canary.get(key):
                raise invalid(f"{path}.{key}", "", "Canary service and Stable service must to "
                                                   "be set to use Traffic Routing")
    if istio is not None:
        if not isinstance(istio, dict) or not (isinstance(istio.get("virtualService"), dict)
                                               or isinstance(istio.get("virtualServices"), list)):
            raise required(f"{path}.trafficRouting.istio.virtualService",
                           "Rollout has missing field "
                           "'.spec.strategy.canary.trafficRouting.istio.virtualService'")
        for vs in ([istio["virtualService"]] if isinstance(istio.get("virtualService"), dict)
                   else istio["virtualServices"]):
            if not isinstance(vs, dict) or not isinstance(vs.get("name"), str) or not vs["name"]:
                raise required(f"{path}.trafficRouting.istio.virtualService.name", "")
            if vs.get("routes") is not None and not all(
                    isinstance(r, str) for r in as_list(vs.get("routes"))):
                raise invalid(f"{path}.trafficRouting.istio.virtualService.routes",
                              vs.get("routes"), "must be a list of route names")


def _validate_step(ro: dict, step: Any, path: str, routing: Any, managed: list) -> None:
    # Upstream allows e.g. setCanaryScale together with setHeaderRoute, but at most one of
    # setWeight/pause/experiment/analysis, and unknown keys are simply not there for it.
    if not isinstance(step, dict) or not any(k in step for k in STEP_KEYS) or \
            sum(k in step for k in ("setWeight", "pause", "experiment", "analysis")) > 1:
        raise invalid(path, step, INVALID_STEP)
    if "setWeight" in step:
        weight, top = step["setWeight"], max_weight(ro)
        if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= top:
            raise invalid(f"{path}.setWeight", weight, f"SetWeight needs to be between 0 and {top}")
    if "pause" in step:
        pause = step["pause"]
        if not isinstance(pause, dict):
            raise invalid(f"{path}.pause", pause, "must be an object")
        if pause.get("duration") is not None and parse_duration(pause["duration"]) is None:
            raise invalid(f"{path}.pause.duration", pause["duration"],
                          "Duration needs to be greater than 0")
    if "setCanaryScale" in step and routing is None:
        raise invalid(f"{path}.setCanaryScale", step["setCanaryScale"],
                      "SetCanaryScale requires TrafficRouting to be set")
    for key, text in (("setHeaderRoute", "SetHeaderRoute requires TrafficRouting, supports "
                                          "Istio and ALB and Apisix"),
                      ("setMirrorRoute", "SetMirrorRoute requires TrafficRouting, supports "
                                         "Istio and Plugins")):
        if key in step:
            if routing is None:
                raise invalid(f"{path}.{key}", step[key], text)
            if not isinstance(step[key], dict) or dig(step, key, "name") not in managed:
                raise invalid(f"{path}.{key}", step[key], "Steps define a route that does not "
                              "exist in spec.strategy.canary.trafficRouting.managedRoutes")
    for key in ("experiment", "analysis", "setCanaryScale", "plugin"):
        if key in step and not isinstance(step[key], dict):
            raise invalid(f"{path}.{key}", step[key], "must be an object")
    if "experiment" in step:
        for j, tmpl in enumerate(as_list(step["experiment"].get("templates"))):
            if dig(tmpl, "specRef") not in ("canary", "stable"):
                raise invalid(f"{path}.experiment.templates[{j}].specRef", dig(tmpl, "specRef"),
                              "Invalid template step SpecRef: must be canary or stable")


def _validate_bluegreen(blue_green: dict) -> None:
    path = "spec.strategy.blueGreen"
    if not isinstance(blue_green.get("activeService"), str) or not blue_green["activeService"]:
        raise required(f"{path}.activeService", "Rollout has missing field "
                                                "'.spec.strategy.blueGreen.activeService'")
    _str_field(blue_green, "previewService", path)
    if blue_green.get("previewService") == blue_green["activeService"]:
        raise invalid(f"{path}.activeService", blue_green["activeService"],
                      "This rollout uses the same service for the active and preview services, "
                      "but two different services are required.")
    for key in ("previewReplicaCount", "autoPromotionSeconds", "scaleDownDelaySeconds",
                "abortScaleDownDelaySeconds", "scaleDownDelayRevisionLimit"):
        _int_field(blue_green, key, path)
    enabled = blue_green.get("autoPromotionEnabled")
    if enabled is not None and not isinstance(enabled, bool):
        raise invalid(f"{path}.autoPromotionEnabled", enabled, "must be a boolean")
