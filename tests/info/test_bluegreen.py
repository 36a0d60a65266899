"""Blue-green: the CLI block without canary fields, active/preview tags and services."""

from __future__ import annotations

from rollouts.info import render_rollout_text
from tests.info.support import SCENARIO_NOW, build, load

EXPECTED = """\
Name:            bluegreen-demo
Namespace:       shop
Status:          ॥ Paused
Message:         BlueGreenPause
Strategy:        BlueGreen
Images:          argoproj/rollouts-demo:blue (stable, active)
                 argoproj/rollouts-demo:green (preview)
Replicas:
  Desired:       3
  Current:       6
  Updated:       3
  Ready:         3
  Available:     3

NAME                                        KIND        STATUS        AGE   INFO
⟳ bluegreen-demo                            Rollout     ॥ Paused      7d2h
├──# revision:11
│  └──⧉ bluegreen-demo-74b948fccb           ReplicaSet  ✔ Healthy     7d1h  preview
│     ├──□ bluegreen-demo-74b948fccb-p11x0  Pod         ✔ Running     7d1h  ready:2/2
│     ├──□ bluegreen-demo-74b948fccb-p11x1  Pod         ✔ Running     7d1h  ready:2/2
│     └──□ bluegreen-demo-74b948fccb-p11x2  Pod         ✔ Running     7d1h  ready:2/2
├──# revision:10
│  └──⧉ bluegreen-demo-6cbccd9f99           ReplicaSet  ✔ Healthy     7d1h  stable,active
│     ├──□ bluegreen-demo-6cbccd9f99-p10x0  Pod         ✔ Running     7d1h  ready:2/2
│     ├──□ bluegreen-demo-6cbccd9f99-p10x1  Pod         ✔ Running     7d1h  ready:2/2
│     └──□ bluegreen-demo-6cbccd9f99-p10x2  Pod         ✔ Running     7d1h  ready:2/2
└──# revision:8
   └──⧉ bluegreen-demo-746d5fddf6           ReplicaSet  • ScaledDown  7d1h
"""


def test_it_renders_a_paused_blue_green_rollout_like_the_cli() -> None:
    text = render_rollout_text(build(load("bluegreen-paused.json")), SCENARIO_NOW)
    assert [line.rstrip() for line in text.split("\n")] == EXPECTED.split("\n")


def test_blue_green_prints_no_step_or_weight_lines() -> None:
    text = render_rollout_text(build(load("bluegreen-paused.json")), SCENARIO_NOW)
    assert "Step:" not in text and "Weight" not in text


def test_active_and_preview_services_are_checked_against_the_status_selectors() -> None:
    info = build(load("bluegreen-paused.json"))
    services = {s.role: s for s in info.traffic.services}
    assert services["active"].selector_hash == "6cbccd9f99"
    assert services["active"].points_to_expected is True
    assert services["preview"].selector_hash == "74b948fccb"
    assert services["preview"].points_to_expected is True
    assert info.traffic.routers == () and info.traffic.routes == ()


def test_a_preview_service_left_on_the_old_replicaset_is_flagged() -> None:
    bundle = load("bluegreen-paused.json")
    preview = bundle.named("services", "bluegreen-demo-preview")
    preview["spec"]["selector"]["rollouts-pod-template-hash"] = "6cbccd9f99"
    info = build(bundle)
    assert info.traffic.warnings == (
        "Service 'bluegreen-demo-preview' (preview) selects rollouts-pod-template-hash=6cbccd9f99, "
        "expected 74b948fccb",
    )
