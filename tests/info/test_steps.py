"""Canary steps: upstream's labels, the current-step marker and timed-pause end times."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from tests.info.support import NOW_STEP3, PAUSED_STEP3, at, build, load

EVERY_KIND = [
    {"analysis": {"templates": [{"templateName": "success-rate"}]}},
    {"experiment": {"templates": [{"name": "baseline", "specRef": "stable"}]}},
    {"setCanaryScale": {"replicas": 2}},
    {
        "setHeaderRoute": {
            "name": "beta",
            "match": [{"headerName": "X-Beta", "headerValue": {"exact": "yes"}}],
        }
    },
    {"setHeaderRoute": {"name": "beta"}},
    {
        "setMirrorRoute": {
            "name": "shadow",
            "percentage": 50,
            "match": [{"method": {"exact": "GET"}}],
        }
    },
    {"setMirrorRoute": {"name": "shadow"}},
    {"plugin": {"name": "argoproj-labs/step-exec", "config": {"script": "notify"}}},
]


def test_the_guide_steps_have_the_web_uis_labels() -> None:
    info = build(load(PAUSED_STEP3), NOW_STEP3)
    assert [step.label for step in info.steps] == [
        "Set Weight: 20%",
        "Pause",
        "Set Weight: 40%",
        "Pause: 1m",
        "Set Weight: 60%",
        "Pause: 1m",
        "Set Weight: 80%",
        "Pause: 1m",
        "Set Weight: 100%",
    ]
    assert [step.kind for step in info.steps][:2] == ["setWeight", "pause"]
    assert info.steps[0].set_weight == 20


def test_steps_before_the_index_are_done_and_the_index_is_current() -> None:
    info = build(load(PAUSED_STEP3), NOW_STEP3)
    assert [step.state for step in info.steps] == ["done"] * 3 + ["current"] + ["pending"] * 5
    assert info.current_step is not None and info.current_step.index == 3
    assert (info.step, info.step_index, info.step_count) == ("3/9", 3, 9)


def test_at_step_zero_the_first_step_is_current_and_nothing_is_done() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.status["currentStepIndex"] = 0
    info = build(bundle, NOW_STEP3)
    assert info.step == "0/9"
    assert [step.state for step in info.steps] == ["current"] + ["pending"] * 8


def test_after_the_last_step_every_step_is_done() -> None:
    info = build(load("guide-5-completed.json"))
    assert info.step == "9/9"
    assert {step.state for step in info.steps} == {"done"}
    assert info.current_step is None


def test_without_an_index_the_step_is_blank_but_step_zero_is_current() -> None:
    bundle = load(PAUSED_STEP3)
    del bundle.status["currentStepIndex"]
    info = build(bundle, NOW_STEP3)
    assert (info.step, info.step_index) == ("", None)
    assert info.steps[0].state == "current"


def test_the_current_timed_pause_knows_when_it_started_and_ends() -> None:
    info = build(load(PAUSED_STEP3), NOW_STEP3)
    pause = info.steps[3]
    assert pause.pause_duration == timedelta(minutes=1)
    assert pause.pause_started_at == at("2025-07-17T17:14:35Z")
    assert pause.pause_ends_at == at("2025-07-17T17:15:35Z")
    assert info.steps[5].pause_started_at is None  # only the current pause is running


def test_an_indefinite_pause_has_a_start_but_no_end() -> None:
    info = build(load("guide-2-paused-step1.json"))
    pause = info.steps[1]
    assert (pause.state, pause.label, pause.detail) == ("current", "Pause", "until promoted")
    assert pause.pause_started_at == at("2025-07-16T13:15:40Z")
    assert pause.pause_ends_at is None


@pytest.mark.parametrize(
    ("duration", "label", "seconds"),
    [
        (10, "Pause: 10s", 10),
        ("10", "Pause: 10s", 10),
        ("1m30s", "Pause: 1m30s", 90),
        ("1h", "Pause: 1h", 3600),
    ],
    ids=["int-seconds", "string-seconds", "go-duration", "hours"],
)
def test_pause_durations_parse_as_upstream_reads_them(
    duration: object, label: str, seconds: int
) -> None:
    bundle = load(PAUSED_STEP3)
    bundle.canary["steps"][3] = {"pause": {"duration": duration}}
    step = build(bundle, NOW_STEP3).steps[3]
    assert step.label == label
    assert step.pause_duration == timedelta(seconds=seconds)
    assert step.pause_ends_at == at("2025-07-17T17:14:35Z") + timedelta(seconds=seconds)


def test_each_kind_of_step_gets_upstreams_label() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.canary["steps"] = copy.deepcopy(EVERY_KIND)
    bundle.status["currentStepIndex"] = 0
    steps = build(bundle, NOW_STEP3).steps
    assert [s.label for s in steps] == [
        "Analysis",
        "Experiment",
        "Canary Scale",
        "Set Header: beta",
        "Remove Header: beta",
        "Set Mirror: shadow",
        "Remove Mirror: shadow",
        "argoproj-labs/step-exec",
    ]
    assert [s.kind for s in steps] == [
        "analysis",
        "experiment",
        "setCanaryScale",
        "setHeaderRoute",
        "setHeaderRoute",
        "setMirrorRoute",
        "setMirrorRoute",
        "plugin",
    ]
    assert steps[0].templates == ("success-rate",)
    assert steps[2].detail == "replicas: 2"
    assert "50% mirrored" in steps[5].detail


def test_a_canary_without_steps_has_no_step_and_full_weight() -> None:
    bundle = load("guide-5-completed.json")
    bundle.canary["steps"] = []
    info = build(bundle)
    assert (info.step, info.steps, info.set_weight, info.actual_weight) == ("", (), 100, 100)


def test_blue_green_has_no_steps() -> None:
    info = build(load("bluegreen-paused.json"))
    assert (info.strategy, info.step, info.steps) == ("BlueGreen", "", ())
