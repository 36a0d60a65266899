"""The detail page's "Actions — who did what" card is readable at 1024, 1280 and 1920 px and on
a phone: no action message is squeezed narrower than 20 characters of its own font, and the
card stays inside the window. Screenshots of each width go to $E2E_SCREENSHOTS_DIR (the set in
docs/detail-actions-*.png comes from such a run), else to the test's tmp directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from kubernetes import client as k8s
from playwright.sync_api import Page, expect

from tests.e2e.own_rollouts import own_namespace, paused_rollout
from tests.e2e.support import confirm_action, open_live

pytestmark = pytest.mark.e2e

WIDTHS = (1024, 1280, 1920, 390)
MIN_CHARACTERS = 20

# Each message's width next to that of 20 characters in its computed font.
MEASURE = """(els, characters) => els.map(el => {
  const probe = document.createElement("span");
  probe.style.font = getComputedStyle(el).font;
  probe.style.position = "absolute";
  probe.style.whiteSpace = "pre";
  probe.textContent = "n".repeat(characters);
  document.body.append(probe);
  const needed = probe.getBoundingClientRect().width;
  probe.remove();
  return {text: el.textContent, width: el.getBoundingClientRect().width, needed: needed};
})"""


@pytest.fixture(scope="module")
def namespace(kube: k8s.ApiClient) -> Iterator[str]:
    with own_namespace(kube, "widths") as name:
        yield name


def shots_dir(tmp_path: Path) -> Path:
    wanted = os.environ.get("E2E_SCREENSHOTS_DIR")
    return Path(wanted) if wanted else tmp_path


def test_action_messages_keep_at_least_twenty_characters_at_every_width(
        page: Page, kube: k8s.ApiClient, namespace: str, tmp_path: Path) -> None:
    paused_rollout(kube, namespace, "rollouts-demo", 4)
    open_live(page, f"/rollouts/{namespace}/rollouts-demo")
    summary, step = page.locator(".d-summary"), page.locator(".d-summary .stats .stepno")
    for reached in ("1/4", "2/4"):
        confirm_action(page, summary.locator('button[data-act="promote"]'))
        expect(step).to_have_text(reached)
    confirm_action(page, summary.locator('button[data-act="abort"]'))
    card = page.locator(".d-actions-log")
    messages = card.locator(".record-message")
    expect(messages).to_have_count(3)
    expect(messages.first).to_have_text("rollout 'rollouts-demo' aborted")
    page.evaluate("document.getElementById('toasts').replaceChildren()")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        card.scroll_into_view_if_needed()
        for measured in messages.evaluate_all(MEASURE, MIN_CHARACTERS):
            assert measured["width"] >= measured["needed"], (width, measured)
        box = card.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (width, box)
        assert card.evaluate("el => el.scrollWidth <= el.clientWidth"), width
        card.screenshot(path=str(shots_dir(tmp_path) / f"detail-actions-{width}.png"))
