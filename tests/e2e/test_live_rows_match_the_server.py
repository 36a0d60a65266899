"""A row updated in place by a live message ends up exactly as the server rendered it: the same
elements, attributes and text as an outerHTML swap would give, whatever changed between the
two renderings (status, step, ReplicaSets added or gone, buttons enabled or not, strategy).
Only what the page owns differs: the text of `<time>` elements it ticks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.live_frames import LivePage, degraded, rendered

pytestmark = pytest.mark.e2e

# Each rollout goes through these renderings in turn (same name, so the same row id).
STAGES = [
    ("guide-1-healthy.json", {}),
    ("guide-2-paused-step1.json", {}),
    ("guide-3-paused-step3.json", {}),
    ("guide-4-healthy-before-scale-down.json", {}),
    ("guide-5-completed.json", {}),
    ("bluegreen-paused.json", {}),
    ("canary-analysis-step.json", {}),
    ("canary-experiment-step.json", {}),
    ("guide-2-paused-step1.json", {"message": "<b>not markup</b> & more"}),
    ("guide-1-healthy.json", {}),
]

COMPARE = """([id, html]) => {
  const template = document.createElement("template");
  template.innerHTML = html;
  const want = template.content.firstElementChild;
  const got = document.getElementById(id).cloneNode(true);
  for (const el of [want, got]) el.querySelectorAll("time").forEach((t) => { t.textContent = ""; });
  return [got.outerHTML, want.outerHTML];
}"""


def test_every_update_leaves_the_row_as_the_server_rendered_it(page: Page) -> None:
    live = LivePage(page)
    previous = None
    for fixture, status in STAGES:
        row = rendered("walker", fixture, **status)
        live.send(row)  # applied by the time the page's script returns
        got, want = page.evaluate(COMPARE, [row.dom_id, row.html])
        assert got == want, f"after {previous} -> {fixture}"
        previous = fixture


def test_an_update_to_a_degraded_row_and_back_matches_too(page: Page) -> None:
    live = LivePage(page)
    for row in (rendered("flip"), degraded("flip"), rendered("flip", age=400)):
        live.send(row)
        got, want = page.evaluate(COMPARE, [row.dom_id, row.html])
        assert got == want
    # The kept <time> was replaced (its datetime changed) and ticked at once.
    expect(page.locator("#rollout-list .c-changed time")).to_have_text(re.compile(r"6m4\ds"))
