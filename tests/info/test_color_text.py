"""color=True wraps icons, tags and run names in upstream's ANSI colours; color=False has none."""

from __future__ import annotations

from rollouts.info import render_rollout_text
from tests.info.support import NOW_STEP3, PAUSED_STEP3, SCENARIO_NOW, build, load

GREEN, YELLOW, BLUE, RESET = "\x1b[32m", "\x1b[33m", "\x1b[94m", "\x1b[0m"


def test_plain_text_has_no_escape_sequences() -> None:
    assert "\x1b" not in render_rollout_text(build(load(PAUSED_STEP3), NOW_STEP3), NOW_STEP3)


def test_colour_wraps_icons_tags_and_replicaset_names() -> None:
    text = render_rollout_text(build(load(PAUSED_STEP3), NOW_STEP3), NOW_STEP3, color=True)
    assert f"Status:          {RESET}॥{RESET} Paused" in text  # no colour for paused: a reset
    assert f"argoproj/rollouts-demo:yellow ({YELLOW}canary{RESET})" in text
    assert f"⧉ {YELLOW}rollouts-demo-5cf4fb69f8{RESET}" in text
    assert f"{GREEN}✔{RESET} Running" in text


def test_colour_does_not_change_the_column_layout() -> None:
    info = build(load(PAUSED_STEP3), NOW_STEP3)
    plain = render_rollout_text(info, NOW_STEP3)
    coloured = render_rollout_text(info, NOW_STEP3, color=True)
    stripped = coloured.replace(GREEN, "").replace(YELLOW, "").replace(BLUE, "")
    assert stripped.replace(RESET, "") == plain


def test_running_analysis_runs_are_highlighted_blue() -> None:
    text = render_rollout_text(build(load("canary-analysis-step.json")), SCENARIO_NOW, color=True)
    assert f"α {BLUE}canary-demo-645d5dbc4c-2-1{RESET}" in text
    assert f"{GREEN}✔{RESET} 2,\x1b[31m✖{RESET} 1" in text
