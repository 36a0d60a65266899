"""Rows as the mirror writes them: the info model's dict and the columns read from it."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from rollouts.info import ClusterObjects, build_rollout_info
from rollouts.mirror_db import rollout_columns
from rollouts.models import Rollout
from tests.actions.objects import paused_at_step_1, with_status

NOW = datetime(2025, 7, 17, 17, 20, tzinfo=UTC)


def mirrored(raw: dict[str, Any], cluster: str = "default") -> Rollout:
    info = build_rollout_info(ClusterObjects(rollout=raw), NOW).to_dict()
    meta = raw["metadata"]
    return Rollout.objects.create(
        cluster=cluster, namespace=meta["namespace"], name=meta["name"], uid=meta["uid"],
        resource_version=meta["resourceVersion"], raw=raw, mirrored_at=NOW, changed_at=NOW,
        **rollout_columns(info),
    )


def variant(name: str, namespace: str = "my-demo", labels: dict[str, str] | None = None,
            **status: Any) -> dict[str, Any]:
    raw = with_status(paused_at_step_1(), **status) if status else paused_at_step_1()
    raw = copy.deepcopy(raw)
    raw["metadata"].update(name=name, namespace=namespace, uid=f"uid-{namespace}-{name}")
    if labels is not None:
        raw["metadata"]["labels"] = labels
    return raw


def healthy(name: str, namespace: str = "my-demo", **labels: str) -> dict[str, Any]:
    return variant(name, namespace, labels or None, phase="Healthy", message=None,
                   pauseConditions=None, controllerPause=None, currentStepIndex=9,
                   stableRS="5cf4fb69f8")


def degraded(name: str, namespace: str = "my-demo") -> dict[str, Any]:
    return variant(name, namespace, {"app": name}, phase="Degraded", abort=True,
                   pauseConditions=None,
                   controllerPause=None, currentStepIndex=0,
                   message="RolloutAborted: Rollout aborted update to revision 2")
