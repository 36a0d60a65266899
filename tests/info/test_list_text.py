"""`kubectl argo rollouts list rollouts`: upstream's padded columns through Go's tabwriter."""

from __future__ import annotations

from rollouts.info import render_list_text
from tests.info.support import NOW_STEP3, PAUSED_STEP3, build, load


def infos() -> list:
    return [build(load(PAUSED_STEP3), NOW_STEP3), build(load("bluegreen-paused.json"))]


def test_it_lists_rollouts_with_upstreams_columns() -> None:
    text = render_list_text(infos())
    lines = [line.rstrip() for line in text.split("\n")]
    assert lines[0] == (
        "NAME            STRATEGY   STATUS        STEP  SET-WEIGHT  READY  DESIRED  UP-TO-DATE  "
        "AVAILABLE"
    )
    assert lines[1] == (
        "rollouts-demo   Canary     Paused        3/9   40          6/6    4        2           6"
    )
    assert lines[2] == (
        "bluegreen-demo  BlueGreen  Paused        -     -           3/6    3        3           3"
    )


def test_it_adds_a_namespace_column_when_asked() -> None:
    lines = render_list_text(infos(), show_namespace=True).split("\n")
    assert lines[0].startswith("NAMESPACE  NAME            STRATEGY")
    assert lines[1].startswith("my-demo    rollouts-demo   Canary")
    assert lines[2].startswith("shop       bluegreen-demo  BlueGreen")


def test_a_rollout_with_neither_strategy_reads_unknown() -> None:
    bundle = load(PAUSED_STEP3)
    bundle.spec["strategy"] = {}
    line = render_list_text([build(bundle, NOW_STEP3)]).split("\n")[1]
    assert line.split()[:5] == ["rollouts-demo", "unknown", "Paused", "-", "-"]


def test_an_empty_list_says_no_resources_found() -> None:
    assert render_list_text([]) == "No resources found.\n"
