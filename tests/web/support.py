"""Rollouts in the mirror tables as the watcher writes them, from the realistic JSON fixtures."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from rollouts.info import ClusterObjects, build_rollout_info
from rollouts.keys import RolloutKey
from rollouts.mirror_db import rollout_columns
from rollouts.models import Rollout
from tests.info.support import Bundle, load, stage_now

NOW = datetime(2025, 7, 17, 17, 20, tzinfo=UTC)
# What htmx adds to its requests: the buttons' POSTs are answered with a toast, not a redirect.
HTMX = {"HTTP_HX_REQUEST": "true"}
PAUSED_STEP1 = "guide-2-paused-step1.json"
PAUSED_STEP3 = "guide-3-paused-step3.json"
HEALTHY = "guide-1-healthy.json"
BEFORE_SCALE_DOWN = "guide-4-healthy-before-scale-down.json"


def store(objs: ClusterObjects, now: datetime = NOW, cluster: str = "default",
          changed_at: datetime | None = None) -> Rollout:
    """Build the info and write the Rollout row the way the mirror does."""
    info = build_rollout_info(objs, now).to_dict()
    meta = objs.rollout.get("metadata") or {}
    return Rollout.objects.create(
        cluster=cluster, namespace=meta.get("namespace", "default"), name=meta["name"],
        uid=meta.get("uid", ""), resource_version=str(meta.get("resourceVersion", "")),
        raw=objs.rollout, mirrored_at=now, changed_at=changed_at or now,
        **rollout_columns(info),
    )


def guide(fixture: str = PAUSED_STEP1, *, name: str | None = None,
          namespace: str | None = None, labels: dict[str, str] | None = None) -> Bundle:
    bundle = load(fixture)
    if name or namespace or labels is not None:
        bundle.rollout = copy.deepcopy(bundle.rollout)
        meta = bundle.rollout["metadata"]
        meta["name"] = name or meta["name"]
        meta["namespace"] = namespace or meta["namespace"]
        old_uid, meta["uid"] = meta["uid"], f"uid-{meta['namespace']}-{meta['name']}"
        if labels is not None:
            meta["labels"] = labels
        _reown(bundle, old_uid, meta["uid"], meta["namespace"])
    return bundle


def _reown(bundle: Bundle, old_uid: str, new_uid: str, namespace: str) -> None:
    """Keep the renamed rollout's ReplicaSets and AnalysisRuns pointing at it."""
    for kind in ("replicasets", "analysisruns", "experiments"):
        for obj in bundle.lists.get(kind, []):
            for ref in obj["metadata"].get("ownerReferences", []):
                if ref.get("uid") == old_uid:
                    ref["uid"] = new_uid
    for objs in bundle.lists.values():
        for obj in objs:
            obj["metadata"]["namespace"] = namespace


def store_guide(fixture: str = PAUSED_STEP1, **kwargs: Any) -> Rollout:
    bundle = guide(fixture, **kwargs)
    return store(bundle.objects(), stage_now(fixture))


def key_of(row: Rollout) -> RolloutKey:
    return RolloutKey(row.cluster, row.namespace, row.name)


def info(fixture: str = PAUSED_STEP1, *, spec: dict[str, Any] | None = None,
         **status: Any) -> dict[str, Any]:
    """The info dict of a fixture, with status fields (and spec fields) changed first."""
    bundle = load(fixture)
    bundle.status.update(status)
    for key, value in (spec or {}).items():
        if value is None:
            bundle.spec.pop(key, None)
        else:
            bundle.spec[key] = value
    return build_rollout_info(bundle.objects(), stage_now(fixture)
                              if fixture in STAGED else NOW).to_dict()


STAGED = (HEALTHY, PAUSED_STEP1, PAUSED_STEP3, BEFORE_SCALE_DOWN, "guide-5-completed.json")
