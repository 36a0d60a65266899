"""The demo seed, built by running the controllers offline in a staging store.

Story (simulated time, staging starts two hours ago and is shifted so that it ends "now"):
1. ``my-demo``: the guide's Rollout is applied first — InvalidSpec until its Services exist.
2. ``shop`` and ``batch``: everything is applied and becomes Healthy on ``blue``.
3. Their updates (manifests.UPDATES) run until they rest: a blue-green paused for promotion, a
   failed analysis (abort), header and mirror routes at a pause, a subset split at a pause, a
   pod-ratio canary at a pause, a crash-looping canary that exceeds its progress deadline.
4. ``my-demo``: the Services, Gateway and VirtualService arrive; the rollout reaches Healthy 9/9
   with ReplicaSet ``rollouts-demo-76c569d8b`` and four ready 2/2 pods, as in the guide.
"""

from __future__ import annotations

import functools
import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from simcluster.clock import SimClock
from simcluster.controllers import ControllerManager, ControllerOptions
from simcluster.controllers.objects import format_time, parse_time
from simcluster.resources import RESOURCES
from simcluster.seeds import manifests
from simcluster.store import Store

STAGING_START = timedelta(hours=2)
GUIDE_POD_SUFFIXES = ("24gls", "ck4rq", "kxb56", "wmgnm")
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def build_demo(store: Store, clock: Any) -> None:
    staging, ended = _staged()
    copy_store(staging, store, clock.now() - ended)


@functools.lru_cache(maxsize=1)
def _staged() -> tuple[Store, datetime]:
    """The story is deterministic, so it is played once per process and copied each time."""
    staging_clock = SimClock(speed=1e-9, start=datetime.now(UTC) - STAGING_START)
    staging = Store(clock=staging_clock.now)
    manager = ControllerManager(staging, staging_clock,
                                options=ControllerOptions(random_seed=20250716))
    quiet = logging.getLogger("simcluster.controllers")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # the story's InvalidSpec-until-Services is expected
    try:
        _play_story(staging, staging_clock, manager)
    finally:
        quiet.setLevel(level)
    return staging, staging_clock.now()


def _apply(store: Store, documents: list[dict]) -> None:
    for doc in documents:
        key = next(r.key for r in RESOURCES.values()
                   if r.kind == doc["kind"] and doc["apiVersion"] in
                   {r.api_version(v) for v in r.versions})
        store.create(key, doc, namespace=doc["metadata"].get("namespace"))


def _play_story(staging: Store, clock: SimClock, manager: ControllerManager) -> None:
    for name in ("default", "kube-system", "kube-public"):
        staging.create("namespaces", {"metadata": {"name": name}})
    _apply(staging, [manifests.namespace("my-demo", True), manifests.namespace("shop", True),
                     manifests.namespace("batch", False)])
    demo, demo_rest = manifests.guide()
    _apply(staging, [demo])
    _apply(staging, manifests.shop() + manifests.batch())
    manager.settle(max_jump=10)
    clock.advance(60)
    for ns, name, tag in manifests.UPDATES:
        staging.mutate("rollouts", ns, name, _set_image(f"{manifests.DEMO_IMAGE}:{tag}"))
    manager.settle(max_jump=130, budget=600)
    _apply(staging, demo_rest)
    manager.settle(max_jump=10, budget=20)
    _rename_guide_pods(staging)
    clock.advance(25)
    manager.settle(max_jump=1, budget=1)


def _set_image(image: str):
    def edit(ro: dict) -> None:
        ro["spec"]["template"]["spec"]["containers"][0]["image"] = image
    return edit


def _rename_guide_pods(staging: Store) -> None:
    """Give the guide's four pods the names the guide shows (…-24gls, …-ck4rq, …)."""
    pods = sorted(p["metadata"]["name"] for p in staging.list("pods", "my-demo"))
    if len(pods) != len(GUIDE_POD_SUFFIXES):
        return
    for old, suffix in zip(pods, GUIDE_POD_SUFFIXES, strict=True):
        pod = staging.get("pods", "my-demo", old)
        staging.delete("pods", "my-demo", old, propagation="Orphan")
        pod["metadata"]["name"] = f"{old.rsplit('-', 1)[0]}-{suffix}"
        pod["metadata"].pop("resourceVersion", None)
        staging.create("pods", pod, namespace="my-demo")


def copy_store(source: Store, target: Store, shift: timedelta) -> None:
    """Copy every object, moving each timestamp by `shift`; namespaces first."""
    order = ["namespaces"] + [k for k in RESOURCES if k != "namespaces"]
    for key in order:
        for obj in source.list(key):
            meta = obj["metadata"]
            if target.get(key, meta.get("namespace"), meta["name"]) is not None:
                continue
            meta.pop("resourceVersion", None)
            target.create(key, _shifted(obj, shift), namespace=meta.get("namespace"))


def _shifted(value: Any, shift: timedelta) -> Any:
    if isinstance(value, dict):
        return {k: _shifted(v, shift) for k, v in value.items()}
    if isinstance(value, list):
        return [_shifted(v, shift) for v in value]
    if isinstance(value, str) and _TIMESTAMP.match(value):
        moment = parse_time(value)
        return format_time(moment + shift) if moment else value
    return value
