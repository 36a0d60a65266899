"""Bad input degrades to a sane info with warnings; nothing raises."""

from __future__ import annotations

import json

import pytest

from rollouts.info import ClusterObjects, build_rollout_info, render_rollout_text
from tests.info.support import NOW_STEP3, PAUSED_STEP3, build, load


def test_a_rollout_the_controller_has_not_reconciled_yet_has_no_status() -> None:
    bundle = load(PAUSED_STEP3)
    del bundle.rollout["status"]
    info = build(bundle, NOW_STEP3)
    assert (info.status, info.message) == ("Progressing", "more replicas need to be updated")
    assert (info.step, info.set_weight, info.actual_weight) == ("", 20, 0)
    assert [rs.tags for rs in info.replicasets] == [(), ()]
    assert info.fully_promoted is False
    assert "Rollout" in render_rollout_text(info, NOW_STEP3)


@pytest.mark.parametrize(
    ("path", "value", "warning"),
    [
        (("status", "currentStepIndex"), "three", "Rollout status.currentStepIndex is 'three'"),
        (("status", "currentStepIndex"), -1, "not a non-negative integer"),
        (("status", "availableReplicas"), "6", "Rollout status.availableReplicas is '6'"),
        (("status", "pauseConditions"), {"reason": "x"}, "status.pauseConditions is"),
        (("status", "conditions"), "broken", "Rollout status.conditions is 'broken'"),
        (("spec", "replicas"), 4.5, "Rollout spec.replicas is 4.5"),
        (("spec", "strategy"), ["canary"], "Rollout spec.strategy is ['canary']"),
        (("metadata", "generation"), None, None),
        (("status",), "garbage", "Rollout status is 'garbage'"),
        (("spec",), 7, "Rollout spec is 7"),
    ],
)
def test_a_field_of_the_wrong_type_is_ignored_and_reported(
    path: tuple[str, ...], value: object, warning: str | None
) -> None:
    bundle = load(PAUSED_STEP3)
    target = bundle.rollout
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    info = build(bundle, NOW_STEP3)
    json.dumps(info.to_dict())
    render_rollout_text(info, NOW_STEP3)
    if warning is not None:
        assert any(warning in w for w in info.warnings), info.warnings


def test_garbage_timestamps_become_unknown_ages_and_warnings() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.rollout["metadata"]["creationTimestamp"] = "yesterday"
    bundle.status["pauseConditions"][0]["startTime"] = "2025-13-45T99:00:00Z"
    pod = bundle.named("pods", "rollouts-demo-5cf4fb69f8-f895m")
    pod["metadata"]["creationTimestamp"] = 1752772463
    info = build(bundle, NOW_STEP3)
    assert info.created_at is None
    assert info.steps[3].pause_started_at is None and info.steps[3].pause_ends_at is None
    text = render_rollout_text(info, NOW_STEP3)
    assert "⟳ rollouts-demo                            Rollout     ॥ Paused   <unknown>" in text
    assert "rollouts-demo-5cf4fb69f8-f895m  Pod         ✔ Running  <unknown>" in text
    assert any("metadata.creationTimestamp is 'yesterday'" in w for w in info.warnings)
    assert any("pauseConditions[0] has no readable startTime" in w for w in info.warnings)
    assert any("Pod rollouts-demo-5cf4fb69f8-f895m creationTimestamp" in w for w in info.warnings)


def test_an_unreadable_pause_duration_is_reported_and_has_no_end_time() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.canary["steps"][3] = {"pause": {"duration": "a while"}}
    info = build(bundle, NOW_STEP3)
    assert info.steps[3].pause_duration is None and info.steps[3].pause_ends_at is None
    assert "Rollout step 3 pause duration 'a while' is unreadable" in info.warnings


def test_an_unknown_step_is_kept_in_place_so_indexes_stay_right() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.canary["steps"][1] = {"wait": "forever"}
    bundle.canary["steps"].insert(2, "setWeight: 30")
    info = build(bundle, NOW_STEP3)
    assert (info.steps[1].kind, info.steps[1].label) == ("invalid", "Invalid step")
    assert info.step_count == 10 and info.steps[3].state == "current"
    assert "Rollout step 1 is not a step this dashboard knows; ignored" in info.warnings


def test_non_dict_objects_in_the_bundle_are_dropped() -> None:
    bundle = load(PAUSED_STEP3)
    objs = ClusterObjects(
        rollout=bundle.rollout,
        replicasets=[*bundle.lists["replicasets"], "junk", None, 3],
        pods=bundle.lists["pods"] + [["nested"]],
        services="not a list",  # type: ignore[arg-type]
        virtualservices=bundle.lists["virtualservices"],
    )
    info = build_rollout_info(objs, NOW_STEP3)
    assert len(info.replicasets) == 2 and len(objs.pods) == 6 and objs.services == ()


@pytest.mark.parametrize("rollout", [None, "rollout", [], {}, {"metadata": "x", "spec": None}])
def test_a_rollout_that_is_not_an_object_still_builds(rollout: object) -> None:
    info = build_rollout_info(ClusterObjects(rollout=rollout), NOW_STEP3)  # type: ignore[arg-type]
    assert info.name == "" and info.revisions == ()
    assert info.warnings
    render_rollout_text(info, NOW_STEP3)


def test_a_rollout_without_uid_finds_no_children_and_says_why() -> None:
    bundle = load(PAUSED_STEP3)
    del bundle.rollout["metadata"]["uid"]
    info = build(bundle, NOW_STEP3)
    assert info.replicasets == ()
    assert "Rollout has no metadata.uid, so none of its ReplicaSets can be found" in info.warnings


def test_malformed_pods_and_replicasets_degrade_field_by_field() -> None:
    bundle = load(PAUSED_STEP3)
    rs = bundle.named("replicasets", "rollouts-demo-5cf4fb69f8")
    rs["status"] = {"replicas": "two", "availableReplicas": None}
    rs["metadata"]["annotations"]["rollout.argoproj.io/revision"] = "2.0"
    pod = bundle.named("pods", "rollouts-demo-5cf4fb69f8-f895m")
    pod["status"] = {"containerStatuses": [None, {"state": "running"}], "phase": 4}
    pod["spec"]["containers"] = "app"
    info = build(bundle, NOW_STEP3)
    broken = next(rs for rs in info.replicasets if rs.name == "rollouts-demo-5cf4fb69f8")
    assert (broken.revision, broken.replicas, broken.available) == (0, 0, 0)
    bad_pod = next(p for p in broken.pods if p.name.endswith("f895m"))
    assert (bad_pod.status, bad_pod.ready) == ("", "0/0")


def test_malformed_virtualservice_routes_do_not_crash_the_traffic_view() -> None:
    bundle = load(PAUSED_STEP3)
    vs = bundle.named("virtualservices", "rollouts-demo-vsvc")
    vs["spec"]["http"] = ["primary", {"name": "primary", "route": [None, {"weight": "40"}]}]
    vs["spec"]["tls"] = {"not": "a list"}
    traffic = build(bundle, NOW_STEP3).traffic
    assert [r.name for r in traffic.routes] == ["primary"]
    assert any("Canary Service 'rollouts-demo-canary' not found" in w for w in traffic.warnings)
