"""Loading the JSON fixtures (kubectl `List` documents) into the info model's input bundle."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rollouts.info import ClusterObjects, RolloutInfo, build_rollout_info

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SHARED = Path(__file__).resolve().parents[3] / "shared"
SCENARIO_NOW = datetime(2025, 7, 20, 9, 0, 0, tzinfo=UTC)
_BUCKETS = {
    "ReplicaSet": "replicasets",
    "Pod": "pods",
    "AnalysisRun": "analysisruns",
    "Experiment": "experiments",
    "Service": "services",
    "VirtualService": "virtualservices",
    "DestinationRule": "destinationrules",
}

Obj = dict[str, Any]


@dataclass
class Bundle:
    """A fixture's objects, freshly parsed so a test may change them before building."""

    rollout: Obj
    lists: dict[str, list[Obj]] = field(default_factory=dict)

    def objects(self) -> ClusterObjects:
        return ClusterObjects(rollout=self.rollout, **self.lists)

    def named(self, kind: str, name: str) -> Obj:
        return next(obj for obj in self.lists[kind] if obj["metadata"]["name"] == name)

    @property
    def status(self) -> Obj:
        return self.rollout.setdefault("status", {})

    @property
    def spec(self) -> Obj:
        return self.rollout["spec"]

    @property
    def canary(self) -> Obj:
        return self.rollout["spec"]["strategy"]["canary"]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def load(name: str) -> Bundle:
    document = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    rollouts = [item for item in document["items"] if item["kind"] == "Rollout"]
    lists: dict[str, list[Obj]] = {bucket: [] for bucket in _BUCKETS.values()}
    for item in document["items"]:
        if item["kind"] in _BUCKETS:
            lists[_BUCKETS[item["kind"]]].append(item)
    return Bundle(rollout=rollouts[0], lists=lists)


def stage_now(name: str) -> datetime:
    stages = json.loads((FIXTURES / "guide-stages.json").read_text(encoding="utf-8"))
    return at(stages[name])


def build(bundle: Bundle, now: datetime | None = None) -> RolloutInfo:
    return build_rollout_info(bundle.objects(), now or SCENARIO_NOW)


PAUSED_STEP3 = "guide-3-paused-step3.json"
VS = "rollouts-demo-vsvc"
NOW_STEP3 = stage_now(PAUSED_STEP3)


def subset_split_bundle() -> Bundle:
    """Stage 3 switched to upstream's subset-split style: one host, DestinationRule subsets."""
    bundle = load(PAUSED_STEP3)
    bundle.canary.pop("canaryService")
    bundle.canary.pop("stableService")
    bundle.canary["trafficRouting"]["istio"]["destinationRule"] = {
        "name": "rollouts-demo-destrule",
        "canarySubsetName": "canary",
        "stableSubsetName": "stable",
    }
    bundle.named("virtualservices", VS)["spec"]["http"] = [
        {
            "name": "primary",
            "route": [
                {"destination": {"host": "rollouts-demo", "subset": "stable"}, "weight": 60},
                {"destination": {"host": "rollouts-demo", "subset": "canary"}, "weight": 40},
            ],
        }
    ]
    rule = copy.deepcopy(bundle.named("virtualservices", VS))
    rule["kind"] = "DestinationRule"
    rule["metadata"]["name"] = "rollouts-demo-destrule"
    rule["spec"] = {
        "host": "rollouts-demo",
        "subsets": [
            {
                "name": "stable",
                "labels": {"app": "rollouts-demo", "rollouts-pod-template-hash": "76c569d8b"},
            },
            {
                "name": "canary",
                "labels": {"app": "rollouts-demo", "rollouts-pod-template-hash": "5cf4fb69f8"},
            },
        ],
    }
    bundle.lists["destinationrules"].append(rule)
    return bundle
