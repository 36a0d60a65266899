"""Upstream's example manifests (../shared/upstream, skipped when absent) build and render.

They are bare manifests (no uid, status or timestamps), so they exercise the "not reconciled
yet" path as well as every traffic router upstream ships an example for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from rollouts.info import ClusterObjects, build_rollout_info, render_rollout_text
from tests.info.support import SCENARIO_NOW, SHARED

UPSTREAM = SHARED / "upstream"
_BUCKETS = {
    "Service": "services",
    "VirtualService": "virtualservices",
    "DestinationRule": "destinationrules",
}


def documents(*paths: Path) -> list[dict]:
    if not UPSTREAM.exists():
        pytest.skip("upstream examples (../shared/upstream) are not available")
    docs: list[dict] = []
    for path in paths:
        loaded = yaml.safe_load_all(path.read_text(encoding="utf-8"))
        docs += [doc for doc in loaded if isinstance(doc, dict)]
    return docs


def bundle(docs: list[dict]) -> list[ClusterObjects]:
    lists: dict[str, list[dict]] = {bucket: [] for bucket in _BUCKETS.values()}
    for doc in docs:
        if doc.get("kind") in _BUCKETS:
            lists[_BUCKETS[doc["kind"]]].append(doc)
    return [ClusterObjects(rollout=d, **lists) for d in docs if d.get("kind") == "Rollout"]


def example_files() -> list[Path]:
    if not UPSTREAM.exists():
        return []
    return sorted(p for p in UPSTREAM.rglob("*.yaml") if "kind: Rollout" in p.read_text("utf-8"))


@pytest.mark.parametrize("path", example_files(), ids=lambda p: str(p.relative_to(UPSTREAM)))
def test_every_upstream_example_rollout_builds_renders_and_serialises(path: Path) -> None:
    try:
        docs = documents(path)
    except yaml.YAMLError:
        pytest.skip(f"{path.name} is a template (Go placeholders), not plain YAML")
    for objs in bundle(docs):
        info = build_rollout_info(objs, SCENARIO_NOW)
        assert info.name and info.strategy in ("Canary", "BlueGreen")
        assert render_rollout_text(info, SCENARIO_NOW).startswith(f"Name:            {info.name}")
        json.dumps(info.to_dict())


def test_the_istio_subset_split_example_resolves_through_its_destination_rule() -> None:
    [objs] = bundle(documents(UPSTREAM / "examples/istio/istio-subset-split.yaml"))
    traffic = build_rollout_info(objs, SCENARIO_NOW).traffic
    [route] = traffic.routes
    assert (route.name, route.stable_weight, route.canary_weight) == ("primary", 100, 0)
    assert [(d.subset, d.role) for d in route.destinations] == [
        ("stable", "stable"),
        ("canary", "canary"),
    ]
    assert traffic.destination_rule is not None and traffic.destination_rule.found
    assert traffic.warnings == ()


def test_the_getting_started_multi_virtualservice_setup_resolves_every_route() -> None:
    folder = UPSTREAM / "getting-started/istio"
    [objs] = bundle(
        documents(
            folder / "rollout.yaml", folder / "services.yaml", folder / "multipleVirtualsvc.yaml"
        )
    )
    traffic = build_rollout_info(objs, SCENARIO_NOW).traffic
    assert [(r.virtualservice, r.kind, r.name) for r in traffic.routes] == [
        ("/rollouts-demo-vsvc1", "http", "primary"),
        ("/rollouts-demo-vsvc1", "tls", ""),
        ("/rollouts-demo-vsvc2", "http", "secondary"),
        ("/rollouts-demo-vsvc2", "tls", ""),
    ]
    assert traffic.warnings == ()


@pytest.mark.parametrize(
    ("relative", "router"),
    [
        ("examples/ambassador/rollout.yaml", "ambassador"),
        ("examples/appmesh/canary-rollout.yaml", "appMesh"),
        ("examples/apisix/rollout.yaml", "apisix"),
        ("examples/traffic-routing-experiment-step/rollout-smi-experiment-step.yaml", "smi"),
        ("examples/traffic-routing-experiment-step/rollout-alb-experiment-step.yaml", "alb"),
    ],
)
def test_other_routers_are_named_and_marked_unresolvable(relative: str, router: str) -> None:
    [objs] = bundle(documents(UPSTREAM / relative))
    traffic = build_rollout_info(objs, SCENARIO_NOW).traffic
    assert (traffic.router, traffic.resolvable, traffic.routes) == (router, False, ())
