"""ReplicaSet selection, roles, health, ordering and the scale-down delay column."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from rollouts.info import render_rollout_text
from tests.info.support import NOW_STEP3, PAUSED_STEP3, build, load, stage_now

BEFORE_SCALE_DOWN = "guide-4-healthy-before-scale-down.json"
OLD_RS = "rollouts-demo-76c569d8b"


def test_only_replicasets_owned_by_the_rollout_uid_are_included() -> None:
    bundle = load(PAUSED_STEP3)
    stranger = copy.deepcopy(bundle.named("replicasets", OLD_RS))
    stranger["metadata"]["name"] = "other-app-76c569d8b"
    stranger["metadata"]["ownerReferences"][0]["uid"] = "0b7c0e1e-0000-4000-8000-000000000000"
    bundle.lists["replicasets"].append(stranger)
    names = [rs.name for rs in build(bundle, NOW_STEP3).replicasets]
    assert names == ["rollouts-demo-5cf4fb69f8", OLD_RS]


def test_pods_are_attached_to_their_owning_replicaset_sorted_by_creation_then_name() -> None:
    info = build(load(PAUSED_STEP3), NOW_STEP3)
    canary, stable = info.replicasets
    assert [p.name[-5:] for p in canary.pods] == ["pc986", "f895m"]
    assert [p.name[-5:] for p in stable.pods] == ["4qkd7", "8c4j7", "dx4df", "hfxzs"]


def test_canary_strategy_tags_stable_and_canary_by_pod_template_hash() -> None:
    canary, stable = build(load(PAUSED_STEP3), NOW_STEP3).replicasets
    assert (canary.tags, stable.tags) == (("canary",), ("stable",))
    assert (canary.revision, canary.pod_template_hash) == (2, "5cf4fb69f8")


def test_blue_green_tags_stable_active_and_preview() -> None:
    info = build(load("bluegreen-paused.json"))
    assert [rs.tags for rs in info.replicasets] == [("preview",), ("stable", "active"), ()]


def test_ping_pong_tags_follow_stable_ping_pong() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.canary["pingPong"] = {"pingService": "demo-ping", "pongService": "demo-pong"}
    bundle.status["canary"]["stablePingPong"] = "pong"
    canary, stable = build(bundle, NOW_STEP3).replicasets
    assert (canary.tags, stable.tags) == (("canary", "ping"), ("stable", "pong"))
    text = render_rollout_text(build(bundle, NOW_STEP3), NOW_STEP3)
    assert "argoproj/rollouts-demo:yellow (canary, ping)" in text
    assert "ReplicaSet  ✔ Healthy  12m  canary,ping" in text
    bundle.status["canary"]["stablePingPong"] = "ping"
    canary, stable = build(bundle, NOW_STEP3).replicasets
    assert (canary.tags, stable.tags) == (("canary", "pong"), ("stable", "ping"))


def test_replicaset_health_follows_upstream() -> None:
    bundle = load(PAUSED_STEP3)
    rs = bundle.named("replicasets", OLD_RS)
    assert build(bundle, NOW_STEP3).replicasets[1].status == "Healthy"
    rs["status"]["availableReplicas"] = 3
    assert build(bundle, NOW_STEP3).replicasets[1].status == "Progressing"
    rs["status"]["conditions"] = [
        {
            "type": "ReplicaFailure",
            "status": "True",
            "reason": "FailedCreate",
            "message": 'pods "x" is forbidden: exceeded quota',
        }
    ]
    assert build(bundle, NOW_STEP3).replicasets[1].status == "ReplicaFailure"
    rs["metadata"]["generation"] = 2
    info = build(bundle, NOW_STEP3).replicasets[1]
    assert (info.status, info.icon) == ("Progressing", "◌")


def test_a_replicaset_scaled_to_zero_is_scaled_down_and_contributes_no_image() -> None:
    info = build(load("guide-5-completed.json"))
    old = info.replicasets[1]
    assert (old.status, old.icon, old.desired, old.replicas, old.pods) == (
        "ScaledDown",
        "•",
        0,
        0,
        (),
    )
    assert [image.image for image in info.images] == ["argoproj/rollouts-demo:yellow"]


def test_the_scale_down_deadline_is_parsed_and_shown_as_a_delay() -> None:
    now = stage_now(BEFORE_SCALE_DOWN)
    info = build(load(BEFORE_SCALE_DOWN), now)
    assert info.replicasets[1].scale_down_deadline == now + timedelta(seconds=7)
    assert "delay:7s" in render_rollout_text(info, now)


@pytest.mark.parametrize(
    ("later", "shown"),
    [
        (timedelta(seconds=7), "delay:0s"),
        (timedelta(seconds=8), "delay:passed"),
        (timedelta(hours=-4), "delay:4h"),
    ],
)
def test_the_delay_counts_down_and_then_reads_passed(later: timedelta, shown: str) -> None:
    now = stage_now(BEFORE_SCALE_DOWN)
    info = build(load(BEFORE_SCALE_DOWN), now)
    line = next(
        line for line in render_rollout_text(info, now + later).split("\n") if OLD_RS + " " in line
    )
    assert line.rstrip().endswith(shown)


def test_an_unreadable_deadline_prints_a_bare_delay_like_upstream_and_warns() -> None:
    bundle = load(BEFORE_SCALE_DOWN)
    bundle.named("replicasets", OLD_RS)["metadata"]["annotations"]["scale-down-deadline"] = "soon"
    now = stage_now(BEFORE_SCALE_DOWN)
    info = build(bundle, now)
    assert info.replicasets[1].scale_down_deadline is None
    assert any("scale-down-deadline 'soon' is unreadable" in w for w in info.warnings)
    line = next(line for line in render_rollout_text(info, now).split("\n") if OLD_RS + " " in line)
    assert line.rstrip().endswith("delay:")


def test_revisions_are_newest_first_and_group_replicasets_and_runs() -> None:
    info = build(load("canary-analysis-step.json"))
    assert [r.revision for r in info.revisions] == [2, 1]
    newest = info.revisions[0]
    assert [rs.name for rs in newest.replicasets] == ["canary-demo-645d5dbc4c"]
    assert [run.name for run in newest.analysis_runs] == [
        "canary-demo-645d5dbc4c-2-1",
        "canary-demo-645d5dbc4c-2",
    ]
