"""The guide's five `kubectl argo rollouts get rollout` outputs, reproduced from the objects.

The expected text is parsed straight from the guide (../shared/seed/...); the test skips when
that folder is absent. Ages are exact: the fixtures' timestamps were chosen for each stage's now.
"""

from __future__ import annotations

import pytest

from rollouts.info import render_rollout_text
from tests.info.support import SHARED, build, load, stage_now

GUIDE = SHARED / "seed" / "argo-rollouts-istio-guide.md"
STAGES = [
    "guide-1-healthy.json",
    "guide-2-paused-step1.json",
    "guide-3-paused-step3.json",
    "guide-4-healthy-before-scale-down.json",
    "guide-5-completed.json",
]


def guide_outputs() -> list[str]:
    if not GUIDE.exists():
        pytest.skip("the guide (../shared/seed) is not available")
    blocks: list[list[str]] = []
    inside = False
    for line in GUIDE.read_text(encoding="utf-8").split("\n"):
        if line.startswith("```"):
            inside = not inside
            if inside:
                blocks.append([])
        elif inside:
            blocks[-1].append(line)
    texts = ["\n".join(block) + "\n" for block in blocks]
    return [text for text in texts if text.startswith("Name:            rollouts-demo")]


def stripped_lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.rstrip("\n").split("\n")]


def test_the_guide_has_the_five_get_rollout_outputs() -> None:
    assert len(guide_outputs()) == len(STAGES)


@pytest.mark.parametrize("index", range(len(STAGES)), ids=STAGES)
def test_it_renders_each_guide_stage_exactly_as_the_cli_printed_it(index: int) -> None:
    expected = guide_outputs()[index]
    now = stage_now(STAGES[index])
    text = render_rollout_text(build(load(STAGES[index]), now), now)
    assert stripped_lines(text) == stripped_lines(expected)


@pytest.mark.parametrize("stage", STAGES)
def test_the_guide_stages_are_consistent_so_nothing_is_flagged(stage: str) -> None:
    info = build(load(stage), stage_now(stage))
    assert info.warnings == ()
    assert info.errors == ()
    assert info.traffic.warnings == ()


def test_it_pads_columns_like_gos_tabwriter_including_trailing_spaces() -> None:
    now = stage_now(STAGES[0])
    lines = render_rollout_text(build(load(STAGES[0]), now), now).split("\n")
    # NAME is as wide as its widest cell plus two, and the empty INFO cell still gets padded.
    assert (
        lines[15] == "NAME                                      KIND        STATUS     AGE    INFO"
    )
    assert lines[16] == "⟳ rollouts-demo                           Rollout     ✔ Healthy  5m32s  "
