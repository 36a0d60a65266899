"""Every Rollout in upstream's examples (../shared/upstream, skipped when absent) renders on the
overview, on its detail page, and in every action's dialog, without an error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.test import Client

from rollouts.info import ClusterObjects
from tests.info.support import SHARED
from tests.web.support import NOW, store

pytestmark = pytest.mark.django_db
UPSTREAM = SHARED / "upstream"
BUCKETS = {"Service": "services", "VirtualService": "virtualservices",
           "DestinationRule": "destinationrules"}
ACTIONS = ("promote", "promote-full", "abort", "retry", "pause", "resume", "restart",
           "set-image")


def example_files() -> list[Path]:
    if not UPSTREAM.exists():
        return []
    return sorted(p for p in UPSTREAM.rglob("*.yaml") if "kind: Rollout" in p.read_text("utf-8"))


def mirror_file(path: Path, namespace: str) -> list[str]:
    """Store the file's rollouts (with its Services and Istio objects) in one namespace."""
    try:
        docs = [d for d in yaml.safe_load_all(path.read_text("utf-8")) if isinstance(d, dict)]
    except yaml.YAMLError:
        pytest.skip(f"{path.name} is a template (Go placeholders), not plain YAML")
    for doc in docs:
        doc.setdefault("metadata", {})["namespace"] = namespace
    lists: dict[str, list[dict]] = {bucket: [] for bucket in BUCKETS.values()}
    for doc in docs:
        if doc.get("kind") in BUCKETS:
            lists[BUCKETS[doc["kind"]]].append(doc)
    names = []
    for doc in docs:
        if doc.get("kind") == "Rollout":
            store(ClusterObjects(rollout=doc, **lists), NOW)
            names.append(doc["metadata"]["name"])
    return names


@pytest.mark.parametrize("path", example_files(), ids=lambda p: str(p.relative_to(UPSTREAM)))
def test_every_upstream_example_renders_on_both_pages_and_in_every_dialog(
        client: Client, path: Path) -> None:
    namespace = "ex-" + re.sub(r"[^a-z0-9]+", "-", path.stem.lower())[:40].strip("-")
    names = mirror_file(path, namespace)
    assert names
    overview = client.get("/", {"namespace": namespace})
    assert overview.status_code == 200
    for name in names:
        assert f'data-name="{name}"' in overview.text
        detail = client.get(f"/rollouts/{namespace}/{name}")
        assert detail.status_code == 200
        assert f"<h1>{name}</h1>" in detail.text
        for action in ACTIONS:
            dialog = client.get(f"/rollouts/{namespace}/{name}/confirm/{action}")
            assert dialog.status_code == 200, (action, dialog.text[:500])
        assert client.get(f"/rollouts/{namespace}/{name}/confirm/rollback",
                          {"revision": "1"}).status_code == 200


def test_the_examples_are_there_to_test() -> None:
    if not UPSTREAM.exists():
        pytest.skip("upstream examples (../shared/upstream) are not available")
    assert len(example_files()) >= 15
